"""Shipping an order: the merchant picks a provider from the quotes; the shipment is created with a
waybill number in the carrier's format and the quoted price, and the order becomes shipped.

One shipment per order: the order's row lock serialises a double click or two of the store's staff,
and a unique constraint backs it. The same provider asked again returns the shipment already made
(a double click is not an error); another provider is refused with the waybill already issued.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from orders import services as order_services
from orders.errors import NotFound
from orders.models import Order
from payments import services as payment_services

from .. import quotes, waybills
from ..errors import BatchTooLarge, OrderAlreadyShipped, OrderNotShippable
from ..models import CustomsMode, Shipment

# Orders one batch may ship at once (the batch label is one PDF).
SHIP_BATCH_MAX = 50
# Tries at a fresh random serial when a waybill number is already taken.
WAYBILL_ATTEMPTS = 8


def _require_member(user, merchant) -> None:
    from merchants.errors import NotAllowed

    if not (user and user.is_authenticated and user.merchant and user.merchant.pk == merchant.pk):
        raise NotAllowed()


def order_parcel_weight(order: Order) -> int:
    """The parcel's weight as the order's lines say (variants' weights x quantities), for the form's
    first value; the merchant weighs the parcel and may correct it."""
    return sum(line.variant.weight_grams * line.quantity for line in order.lines.all()) or 1


def _new_shipment(order, quote, *, actor) -> Shipment:
    provider = quote.provider
    origin = quotes.origin_country(merchant=order.merchant, shipping_mode=order.shipping_mode)
    for _attempt in range(WAYBILL_ATTEMPTS):
        number = waybills.waybill_new(
            provider.waybill_format, origin_country=origin, service_indicator=provider.service_indicator
        )
        try:
            with transaction.atomic():
                return Shipment.objects.create(
                    order=order,
                    merchant=order.merchant,
                    provider=provider,
                    rate_card=quote.rate_card,
                    zone=quote.zone,
                    shipping_mode=order.shipping_mode,
                    customs_mode=CustomsMode.for_shipping_mode(order.shipping_mode),
                    origin_country=origin,
                    waybill_number=number,
                    weight_grams=quote.weight_grams,
                    list_price=quote.list_price,
                    discount_percent=quote.discount_percent,
                    price=quote.price,
                    transit_days_min=quote.transit_days_min,
                    transit_days_max=quote.transit_days_max,
                    expected_from=quote.expected_from,
                    expected_by=quote.expected_by,
                    consignee_name=order.buyer_name,
                    consignee_id_number=order.buyer_id_number,
                    created_by=actor,
                )
        except IntegrityError:
            # A waybill number collision draws another serial; anything else is a real error.
            if not Shipment.objects.filter(waybill_number=number).exists():
                raise
    raise IntegrityError("no free waybill number after several attempts")


@transaction.atomic
def shipment_create(
    *, merchant, actor, order_number: str, provider_code: str, weight_grams, now=None
) -> Shipment:
    """Ship one of the store's paid orders with the provider chosen from the quotes."""
    _require_member(actor, merchant)
    order = (
        Order.objects.select_for_update()
        .filter(merchant=merchant, number=str(order_number)[:24])
        .select_related("merchant")
        .first()
    )
    if order is None:
        raise NotFound(_("No such order."))
    existing = order.shipments.filter(kind=Shipment.Kind.OUTBOUND).select_related("provider").first()
    if existing is not None:
        if existing.provider.code == provider_code:
            return existing
        raise OrderAlreadyShipped(order.number, existing.provider.name, existing.waybill_number)
    if order.status != Order.Status.PAID:
        raise OrderNotShippable(order.number, Order.Status(order.status).label.lower())
    payment_services.order_check_no_refund_processing(order=order)
    quote = quotes.shipment_quote(
        merchant=merchant,
        shipping_mode=order.shipping_mode,
        weight_grams=weight_grams,
        provider_code=provider_code,
        now=now,
    )
    shipment = _new_shipment(order, quote, actor=actor)
    order_services.order_ship(
        order=order,
        actor=actor,
        note=_("%(provider)s, waybill %(waybill)s")
        % {"provider": quote.provider.name, "waybill": shipment.waybill_number},
    )
    # The buyer hears it (centre and email) from the order's move to shipped: orders.notifications.
    return shipment


def shipments_create_batch(*, merchant, actor, parcels: list[dict], now=None) -> list[dict]:
    """Ship several orders: `parcels` [{order_number, provider_code, weight_grams}]. Each order is its
    own transaction, so one refusal does not undo the others; the answer says, per order, the
    shipment made or the reason it was refused."""
    _require_member(actor, merchant)
    if len(parcels) > SHIP_BATCH_MAX:
        raise BatchTooLarge(SHIP_BATCH_MAX)
    now = now or timezone.now()
    results = []
    for parcel in parcels:
        number = str(parcel.get("order_number", ""))
        try:
            shipment = shipment_create(
                merchant=merchant,
                actor=actor,
                order_number=number,
                provider_code=str(parcel.get("provider_code", "")),
                weight_grams=parcel.get("weight_grams"),
                now=now,
            )
        except DomainError as exc:
            results.append({"order_number": number, "shipment": None, "error": exc})
        else:
            results.append({"order_number": number, "shipment": shipment, "error": None})
    return results
