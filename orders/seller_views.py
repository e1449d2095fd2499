"""The merchant's side: the store's orders, paid ones first by shipping deadline. Only orders of the
merchant the user works for are ever read (`selectors.orders_for_merchant`)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from merchants.permissions import approved_merchant_required

from . import selectors
from .models import Order


@approved_merchant_required
def order_list(request):
    merchant = request.merchant
    status = request.GET.get("status", Order.Status.PAID)
    if status not in Order.Status.values and status != "all":
        status = Order.Status.PAID
    orders = selectors.orders_for_merchant(merchant, status=None if status == "all" else status)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for order in page.object_list:
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
