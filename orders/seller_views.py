"""The merchant's side: the store's orders, paid ones first by shipping deadline. Only orders of the
merchant the user works for are ever read (`selectors.orders_for_merchant`)."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from merchants.permissions import approved_merchant_required

from . import selectors
from .models import Order, OrderEvent


@approved_merchant_required
def order_list(request):
    merchant = request.merchant
    status = request.GET.get("status", Order.Status.PAID)
    if status not in Order.Status.values and status != "all":
        status = Order.Status.PAID
    orders = selectors.orders_for_merchant(
        merchant, status=None if status == "all" else status
    ).prefetch_related(_outbound_shipments())
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for order in page.object_list:
        order.shipment = order.outbound[0] if order.outbound else None
        order.time_left = order.ship_by - now if order.ship_by and order.status == Order.Status.PAID else None
        order.overdue = order.time_left is not None and order.time_left.total_seconds() < 0
        if order.time_left is not None:
            seconds = abs(int(order.time_left.total_seconds()))
            order.hours_left, order.minutes_left = seconds // 3600, seconds % 3600 // 60
    return render(
        request,
        "orders/seller_orders.html",
        {
            "merchant": merchant,
            "page": page,
            "orders": page.object_list,
            "status": status,
            "query_string": f"status={status}",
            "statuses": [
                (value, label) for value, label in Order.Status.choices if value != "pending_payment"
            ],
        },
    )


def _outbound_shipments():
    from logistics.models import Shipment

    return Prefetch(
        "shipments",
        queryset=Shipment.objects.filter(kind=Shipment.Kind.OUTBOUND).select_related("provider"),
        to_attr="outbound",
    )


@approved_merchant_required
def order_detail(request, number):
    """One of the store's orders: lines, where it goes (phone masked), its shipment with the label and
    the tracking timeline, or the way to ship it."""
    from logistics.models import ShipmentEvent
    from payments.selectors import open_hold_exists

    order = get_object_or_404(
        Order.objects.select_related("merchant")
        .annotate(release_on_hold=open_hold_exists())
        .prefetch_related(
            "lines",
            Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
            _outbound_shipments(),
            Prefetch("outbound__events", queryset=ShipmentEvent.objects.order_by("-occurred_at", "-id")),
        ),
        merchant=request.merchant,
        number=str(number)[:24],
    )
    shipment = order.outbound[0] if order.outbound else None
    return render(
        request,
        "orders/seller_order_detail.html",
        {
            "order": order,
            "shipment": shipment,
            "Status": Order.Status,
            "HELD_STATUSES": (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED),
        },
    )
