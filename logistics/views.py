"""Seller pages for shipping: the quotes for one order side by side and shipping it, shipping several
orders at once, and the label PDF (one or a batch). Thin: the services decide; a domain error becomes
a message on the page with a 4xx status."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.errors import DomainError
from merchants.permissions import approved_merchant_required
from orders.models import Order

from . import labels, quotes, selectors
from .errors import InvalidParcelWeight
from .models import Shipment
from .printing import shipments_label_data
from .services import shipping

SORT_LABELS = {
    "recommended": "Recommended",
    "price": "Price",
    "speed": "Speed",
    "on_time": "On-time rate",
}


def _own_order(request, number) -> Order:
    return get_object_or_404(
        Order.objects.select_related("merchant").prefetch_related("lines__variant"),
        merchant=request.merchant,
        number=str(number)[:24],
    )


@approved_merchant_required
@require_http_methods(["GET", "POST"])
def ship_order(request, number):
    """GET: the quotes for the order's parcel (weight from the lines unless given), sortable. POST:
    ship with the chosen provider."""
    order = _own_order(request, number)
    status = 200
    if request.method == "POST":
        provider, weight = request.POST.get("provider", ""), request.POST.get("weight_grams", "")
        try:
            shipment = shipping.shipment_create(
                merchant=request.merchant,
                actor=request.user,
                order_number=order.number,
                provider_code=provider,
                weight_grams=weight,
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            status = exc.status
        else:
            messages.success(
                request,
                _("Order %(number)s shipped with %(provider)s, waybill %(waybill)s.")
                % {
                    "number": order.number,
                    "provider": shipment.provider.name,
                    "waybill": shipment.waybill_number,
                },
            )
            return redirect("seller_orders:detail", number=order.number)
        order.refresh_from_db()
    weight = (
        request.POST.get("weight_grams")
        or request.GET.get("weight_grams")
        or shipping.order_parcel_weight(order)
    )
    sort = request.GET.get("sort", "recommended")
    weight_error = ""
    try:
        offered = quotes.shipment_quotes(
            merchant=request.merchant, shipping_mode=order.shipping_mode, weight_grams=weight, sort=sort
        )
    except InvalidParcelWeight as exc:
        offered, weight_error, status = [], str(exc), 400
    return render(
        request,
        "logistics/ship.html",
        {
            "order": order,
            "quotes": offered,
            "weight": weight,
            "weight_error": weight_error,
            "sort": sort if sort in quotes.SORTS else "recommended",
            "per_day": quotes.RECOMMEND_CNY_PER_DAY,
            "sorts": [(key, _(label)) for key, label in SORT_LABELS.items()],
            "origin": quotes.origin_country(merchant=request.merchant, shipping_mode=order.shipping_mode),
            "shippable": order.status == Order.Status.PAID,
            "existing": order.shipments.filter(kind=Shipment.Kind.OUTBOUND)
            .select_related("provider")
            .first(),
        },
        status=status,
    )


def _batch_orders(request, numbers) -> list[Order]:
    numbers = [str(n)[:24] for n in numbers][: shipping.SHIP_BATCH_MAX]
    found = {
        o.number: o
        for o in Order.objects.filter(merchant=request.merchant, number__in=numbers).prefetch_related(
            "lines__variant"
        )
    }
    return [found[n] for n in dict.fromkeys(numbers) if n in found]


@approved_merchant_required
@require_http_methods(["GET", "POST"])
def ship_batch(request):
    """Several paid orders at once: each with its weight and a provider (the recommended one first);
    the result lists each order's waybill or the reason it was refused, and one label PDF for all."""
    if request.method == "POST":
        numbers = request.POST.getlist("order")
        if len(numbers) > shipping.SHIP_BATCH_MAX:
            messages.error(
                request, _("Please ship at most %(max)s orders at once.") % {"max": shipping.SHIP_BATCH_MAX}
            )
            return redirect("seller_orders:list")
        parcels = [
            {
                "order_number": number,
                "provider_code": request.POST.get(f"provider_{number}", ""),
                "weight_grams": request.POST.get(f"weight_{number}", ""),
            }
            for number in dict.fromkeys(numbers)
        ]
        results = shipping.shipments_create_batch(
            merchant=request.merchant, actor=request.user, parcels=parcels
        )
        shipped = [r["shipment"] for r in results if r["shipment"]]
        return render(
            request,
            "logistics/ship_batch_done.html",
            {"results": results, "waybills": [s.waybill_number for s in shipped]},
            status=200 if shipped or not results else 400,
        )
    orders = [
        o for o in _batch_orders(request, request.GET.getlist("order")) if o.status == Order.Status.PAID
    ]
    if not orders:
        messages.error(request, _("Please tick the paid orders you want to ship."))
        return redirect("seller_orders:list")
    # One quote computation per shipping mode and weight: orders alike share it.
    cache = {}
    rows = []
    for order in orders:
        weight = shipping.order_parcel_weight(order)
        key = (order.shipping_mode, weight)
        if key not in cache:
            try:
                cache[key] = quotes.shipment_quotes(
                    merchant=request.merchant, shipping_mode=order.shipping_mode, weight_grams=weight
                )
            except InvalidParcelWeight:
                cache[key] = []
        rows.append({"order": order, "weight": weight, "quotes": cache[key]})
    return render(request, "logistics/ship_batch.html", {"rows": rows})


@approved_merchant_required
def label_pdf(request):
    """The labels of the store's shipments named by `?waybill=` (one or many), one page each."""
    shipments = selectors.shipments_for_labels(
        request.merchant, request.GET.getlist("waybill"), limit=shipping.SHIP_BATCH_MAX
    )
    if not shipments:
        raise Http404(_("No such shipment."))
    pdf = labels.labels_pdf(shipments_label_data(shipments))
    name = shipments[0].waybill_number if len(shipments) == 1 else f"labels-{timezone.localdate():%Y%m%d}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response

