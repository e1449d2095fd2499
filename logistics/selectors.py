"""Reads of logistics: staff queues (held parcels, late deliveries) and the merchants' shipping numbers."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from orders.models import Order

from .models import CustomsDeclaration, DeadlineBreach

# --- customs and deadlines: staff queues --------------------------------------------------------------


def customs_held_queue():
    """Parcels held by customs, the one waiting longest first, with what the page shows."""
    return (
        CustomsDeclaration.objects.filter(status=CustomsDeclaration.Status.HELD)
        .select_related("order", "order__merchant")
        .order_by("checked_at", "pk")
    )


def customs_held_for_merchant(merchant):
    """The store's parcels held by customs, with the reasons (the seller dashboard's home)."""
    return customs_held_queue().filter(order__merchant=merchant)


def customs_declaration_for_staff(pk):
    return (
        CustomsDeclaration.objects.select_related("order", "order__merchant", "order__payment")
        .prefetch_related("lines")
        .filter(pk=pk)
        .first()
    )


def late_deliveries_queue():
    """Orders not delivered within the working days allowed, not resolved yet, oldest deadline first."""
    return (
        DeadlineBreach.objects.filter(kind=DeadlineBreach.Kind.DELIVERY_LATE, resolved_at__isnull=True)
        .select_related("order", "order__merchant")
        .order_by("deadline", "pk")
    )


# --- merchant numbers ----------------------------------------------------------------------------------

NUMBERS_WINDOW_DAYS = 90


@dataclass(frozen=True)
class ShippingNumbers:
    """A store's shipping record over the last 90 days (orders paid in the window).

    `due`: orders shipped, or whose ship-by time has passed (an order cancelled or refunded before
    its ship-by time without shipping was never due). `on_time`: those shipped by their ship-by time.
    `average_hours_to_ship`: from payment to shipment, over the orders shipped."""

    due: int
    on_time: int
    shipped: int
    average_hours_to_ship: Decimal | None

    @property
    def on_time_rate(self) -> Decimal | None:
        """Percent, one decimal, rounded half up; None when no order was due."""
        if not self.due:
            return None
        return (Decimal(100 * self.on_time) / self.due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def average_days_to_ship(self) -> Decimal | None:
        if self.average_hours_to_ship is None:
            return None
        return (self.average_hours_to_ship / 24).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def merchant_shipping_numbers(merchant, *, now=None) -> ShippingNumbers:
    """One query: the on-time shipping rate and the average time to ship of a store."""
    return shipping_numbers_by_merchant([merchant.pk], now=now)[merchant.pk]


def shipping_numbers_by_merchant(merchant_ids, *, now=None) -> dict[int, ShippingNumbers]:
    """One query for any number of stores: `{merchant_id: ShippingNumbers}` (a store without orders in
    the window gets zeros). The credit page and the staff list of stores read it."""
    now = now or timezone.now()
    merchant_ids = list(merchant_ids)
    never_due = Q(shipped_at__isnull=True, closed_at__isnull=False, closed_at__lte=F("ship_by"))
    due = Q(shipped_at__isnull=False) | (Q(ship_by__lt=now) & ~never_due)
    shipped = Q(shipped_at__isnull=False)
    rows = (
        Order.objects.filter(
            merchant_id__in=merchant_ids,
            paid_at__isnull=False,
            ship_by__isnull=False,
            paid_at__gte=now - timedelta(days=NUMBERS_WINDOW_DAYS),
        )
        .order_by()
        .values("merchant_id")
        .annotate(
            due=Count("pk", filter=due),
            on_time=Count("pk", filter=Q(shipped_at__lte=F("ship_by"))),
            shipped=Count("pk", filter=shipped),
            time_to_ship=Sum(
                ExpressionWrapper(F("shipped_at") - F("paid_at"), output_field=DurationField()),
                filter=shipped,
            ),
        )
    )
    none = ShippingNumbers(due=0, on_time=0, shipped=0, average_hours_to_ship=None)
    numbers = dict.fromkeys(merchant_ids, none)
    for row in rows:
        average = None
        if row["shipped"] and row["time_to_ship"] is not None:
            total: timedelta = row["time_to_ship"]
            average = (Decimal(total.total_seconds()) / 3600 / row["shipped"]).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
        numbers[row["merchant_id"]] = ShippingNumbers(
            due=row["due"], on_time=row["on_time"], shipped=row["shipped"], average_hours_to_ship=average
        )
    return numbers


# --- labels ----------------------------------------------------------------------------------------


def shipments_for_labels(merchant, waybills, *, limit: int) -> list:
    """The store's shipments named by `waybills` (as typed: trimmed, upper-cased, at most `limit`), in
    the order named, with what a label prints loaded. Another store's numbers are simply not found."""
    from .models import Shipment

    numbers = [str(w).strip().upper()[:40] for w in waybills if str(w).strip()][:limit]
    shipments = list(
        Shipment.objects.filter(merchant=merchant, waybill_number__in=numbers)
        .select_related("order", "merchant", "provider")
        .prefetch_related("order__lines")
    )
    position = {number: i for i, number in enumerate(numbers)}
    return sorted(shipments, key=lambda s: position.get(s.waybill_number, 0))
