"""Return parcels of after-sales cases (docs/rules.md, "After-sales cases"): the buyer sends goods back
from their address in China to the store's return address in mainland China (or its bonded
warehouse), a domestic trip, quoted on the carriers' "CN" zone (the bonded-warehouse zone: a parcel
already inside China). The parcel is a `Shipment` of kind return tied to its case, with a waybill in
the carrier's format, tracked like any parcel (`tracking.shipment_event_record`); its delivery starts
the store's check period (`orders.cases.services.case_return_delivered`). One per case (a unique
constraint). The buyer pays the carrier: the price is recorded, not charged through the platform.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import quotes, waybills
from ..errors import ParcelTooHeavy, ProviderNotOffered
from ..models import CustomsMode, LogisticsProvider, Shipment

RETURN_ORIGIN = "CN"
WAYBILL_ATTEMPTS = 8

__all__ = ["return_quotes", "return_quote", "return_shipment_create"]


def return_quotes(*, weight_grams, now=None) -> list[quotes.ShipmentQuote]:
    """Every enabled carrier that carries a parcel inside China, cheapest first (list prices: no
    volume discount applies to a buyer)."""
    now = now or timezone.now()
    weight = quotes.check_weight(weight_grams)
    providers = [
        p
        for p in LogisticsProvider.objects.filter(is_enabled=True).order_by("code")
        if weight <= p.max_weight_grams
    ]
    cards = quotes.rate_cards_in_force([p.pk for p in providers], now)
    found = []
    for provider in providers:
        card = cards.get(provider.pk)
        quote = card and quotes._quote(provider, card, RETURN_ORIGIN, weight, 0, timezone.localdate(now))
        if quote:
            found.append(quote)
    return sorted(found, key=lambda q: (q.price, q.transit_days_max))


def return_quote(*, provider_code: str, weight_grams, now=None) -> quotes.ShipmentQuote:
    now = now or timezone.now()
    weight = quotes.check_weight(weight_grams)
    provider = LogisticsProvider.objects.filter(code=str(provider_code)[:40], is_enabled=True).first()
    if provider is None:
        raise ProviderNotOffered(str(provider_code)[:40])
    if weight > provider.max_weight_grams:
        raise ParcelTooHeavy(provider.name, provider.max_weight_grams, weight)
    card = quotes.rate_cards_in_force([provider.pk], now).get(provider.pk)
    quote = card and quotes._quote(provider, card, RETURN_ORIGIN, weight, 0, timezone.localdate(now))
    if not quote:
        raise ProviderNotOffered(provider.name)
    return quote


def return_shipment_create(
    *, case, actor, provider_code: str, weight_grams, recipient: str, now=None
) -> Shipment:
    """The case's return parcel (the caller, `case_return_ship`, holds the order's and the case's
    locks and has checked who sends it). The consignee is the store's return recipient."""
    quote = return_quote(provider_code=provider_code, weight_grams=weight_grams, now=now)
    provider = quote.provider
    order = case.order
    for _attempt in range(WAYBILL_ATTEMPTS):
        number = waybills.waybill_new(
            provider.waybill_format,
            origin_country=RETURN_ORIGIN,
            service_indicator=provider.service_indicator,
        )
        try:
            with transaction.atomic():
                return Shipment.objects.create(
                    order=order,
                    merchant_id=case.merchant_id,
                    kind=Shipment.Kind.RETURN,
                    case=case,
                    provider=provider,
                    rate_card=quote.rate_card,
                    zone=quote.zone,
                    shipping_mode=order.shipping_mode,
                    customs_mode=CustomsMode.for_shipping_mode(order.shipping_mode),
                    origin_country=RETURN_ORIGIN,
                    waybill_number=number,
                    weight_grams=quote.weight_grams,
                    list_price=quote.list_price,
                    discount_percent=quote.discount_percent,
                    price=quote.price,
                    transit_days_min=quote.transit_days_min,
                    transit_days_max=quote.transit_days_max,
                    expected_from=quote.expected_from,
                    expected_by=quote.expected_by,
                    consignee_name=str(recipient or "")[:60],
                    consignee_id_number="",
                    created_by=actor,
                )
        except IntegrityError:
            if not Shipment.objects.filter(waybill_number=number).exists():
                raise
    raise IntegrityError("no free waybill number after several attempts")
