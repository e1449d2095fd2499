"""Reads of shipments and their tracking events. A store's reads are filtered by the store."""

from django.db.models import Prefetch, QuerySet

from marketplace import identifiers
from marketplace.errors import InvalidIdentifier

from ..models import Shipment, ShipmentEvent


def _newest_first():
    return Prefetch("events", queryset=ShipmentEvent.objects.order_by("-occurred_at", "-id"))


def canonical_waybill(value) -> str | None:
    """The waybill number in canonical form, or None when it cannot be one."""
    try:
        return identifiers.waybill_number(value)
    except InvalidIdentifier:
        return None


def shipment_for_order(order) -> Shipment | None:
    """An order's outbound parcel with its carrier and its events (newest first): three queries
    however many events it has."""
    return (
        Shipment.objects.filter(order=order, kind=Shipment.Kind.OUTBOUND)
        .select_related("provider")
        .prefetch_related(_newest_first())
        .first()
    )


def shipment_public(waybill) -> Shipment | None:
    """The parcel with this waybill number, for anyone who has the number (the public tracking page
    and API show nothing personal)."""
    number = canonical_waybill(waybill)
    if number is None:
        return None
    return (
        Shipment.objects.filter(waybill_number=number)
        .select_related("provider")
        .prefetch_related(_newest_first())
        .first()
    )


def shipments_for_merchant(merchant) -> QuerySet[Shipment]:
    """A store's parcels, newest first, and only theirs."""
    return Shipment.objects.filter(merchant=merchant).select_related("provider", "order")


def shipment_for_merchant(merchant, waybill) -> Shipment | None:
    number = canonical_waybill(waybill)
    if number is None:
        return None
    return (
        shipments_for_merchant(merchant)
        .filter(waybill_number=number)
        .prefetch_related(_newest_first())
        .first()
    )
