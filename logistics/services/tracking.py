"""Tracking events and the status they give a shipment (docs/rules.md, "Tracking").

Every event goes through `shipment_event_record`: carrier callbacks, the simulator (through the same
signed callback), events added by hand, and the platform's customs results. It locks the shipment,
records the event once (a carrier's event id is unique per carrier), recomputes the status from all
the shipment's events, and on the first delivery marks the order delivered.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from logistics.errors import EventKindNotAllowed, EventNotAllowed, EventReasonRequired, EventTimeInvalid
from logistics.models import Shipment, ShipmentEvent

Kind, Status = ShipmentEvent.Kind, Shipment.Status

# The milestones of a parcel's trip, in order: the furthest one reached gives the status, whatever
# order the events arrived in. (The departure from a bonded warehouse comes after customs: a bonded
# parcel is cleared inside China before it leaves the warehouse.)
MILESTONES: dict[str, tuple[int, str]] = {
    Kind.ACCEPTED: (1, Status.ACCEPTED),
    Kind.DEPARTED_ORIGIN: (2, Status.IN_TRANSIT),
    Kind.ARRIVED_CHINA: (3, Status.ARRIVED),
    Kind.CUSTOMS_DECLARED: (4, Status.IN_CUSTOMS),
    Kind.CUSTOMS_CLEARED: (5, Status.CLEARED),
    Kind.DEPARTED_BONDED: (6, Status.IN_TRANSIT),
    Kind.OUT_FOR_DELIVERY: (7, Status.OUT_FOR_DELIVERY),
}
# Once reached, nothing changes the status any more; the earlier of the two (by when it happened)
# wins if both are recorded.
TERMINAL: dict[str, str] = {Kind.DELIVERED: Status.DELIVERED, Kind.RETURNED: Status.RETURNED}
# What only platform staff (and the platform itself) may record: customs results, and the two events
# that end a parcel's trip and move the order's money clock.
STAFF_ONLY_KINDS = frozenset({Kind.CUSTOMS_CLEARED, Kind.CUSTOMS_HELD, Kind.DELIVERED, Kind.RETURNED})
# An event added by hand may be dated at most this far ahead of the clock (clock skew).
FUTURE_SLACK = timedelta(minutes=5)


def shipment_status_from_events(events) -> str:
    """The status that a shipment's events give, from `(kind, occurred_at)` pairs in any order:

    1. a delivery or a return ends the trip: the earlier of them gives the status;
    2. otherwise, a customs hold not followed by a later clearance: held;
    3. otherwise, an address problem not followed by a later milestone: a delivery problem;
    4. otherwise, the furthest milestone reached; none: the label is created, awaiting pickup.
    """
    events = sorted(events, key=lambda e: e[1])
    terminal = [(at, kind) for kind, at in events if kind in TERMINAL]
    if terminal:
        return TERMINAL[min(terminal)[1]]
    last_hold = max((at for kind, at in events if kind == Kind.CUSTOMS_HELD), default=None)
    if last_hold is not None and not any(
        kind == Kind.CUSTOMS_CLEARED and at > last_hold for kind, at in events
    ):
        return Status.CUSTOMS_HELD
    last_problem = max((at for kind, at in events if kind == Kind.ADDRESS_PROBLEM), default=None)
    if last_problem is not None and not any(kind in MILESTONES and at > last_problem for kind, at in events):
        return Status.EXCEPTION
    reached = [MILESTONES[kind] for kind, _at in events if kind in MILESTONES]
    return max(reached)[1] if reached else Status.LABEL_CREATED


def shipment_event_record(
    *,
    shipment: Shipment,
    kind: str,
    occurred_at: datetime,
    location: str = "",
    note: str = "",
    carrier_event_id: str = "",
    source: str = ShipmentEvent.Source.CARRIER,
    actor=None,
) -> tuple[ShipmentEvent, bool]:
    """Record one event of a parcel. Returns `(event, created)`: an event whose carrier event id the
    carrier already sent returns the recorded one with `created=False` and changes nothing.

    Recomputes the shipment's status from all its events (`shipment_status_from_events`) and its
    `last_event_at`; the first time the parcel is delivered, sets `delivered_at` to the event's time
    and, for an order's outbound parcel, marks the order delivered. The parcel's first customs
    declaration starts the platform's three-document match (`customs.customs_on_declared`)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown tracking event kind {kind!r}")
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must carry its time zone")
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if carrier_event_id:
            existing = ShipmentEvent.objects.filter(
                provider_id=locked.provider_id, carrier_event_id=carrier_event_id
            ).first()
            if existing is not None:
                return existing, False
        first_declaration = (
            kind == Kind.CUSTOMS_DECLARED
            and locked.kind == Shipment.Kind.OUTBOUND  # a return parcel has no import declaration
            and not locked.events.filter(kind=Kind.CUSTOMS_DECLARED).exists()
        )
        try:
            # A savepoint: the same carrier event id recorded at the same moment for another parcel
            # of the carrier (another row lock) meets the unique constraint, not a broken transaction.
            with transaction.atomic():
                event = ShipmentEvent.objects.create(
                    shipment=locked,
                    provider_id=locked.provider_id,
                    kind=kind,
                    occurred_at=occurred_at,
                    location=location[:120],
                    note=note[:300],
                    carrier_event_id=carrier_event_id,
                    source=source,
                    actor=actor,
                )
        except IntegrityError:
            if not carrier_event_id:
                raise
            existing = ShipmentEvent.objects.get(
                provider_id=locked.provider_id, carrier_event_id=carrier_event_id
            )
            return existing, False
        _shipment_refresh_status(locked)
        if first_declaration:
            from logistics.services import customs

            customs.customs_on_declared(shipment=locked)
            locked.refresh_from_db()
    for name in ("status", "last_event_at", "delivered_at"):
        setattr(shipment, name, getattr(locked, name))
    return event, True


def _shipment_refresh_status(shipment: Shipment) -> None:
    """Recompute status and last event time from all events; deliver the order on the first
    delivery. The caller holds the shipment's row lock."""
    events = list(shipment.events.values_list("kind", "occurred_at"))
    shipment.status = shipment_status_from_events(events)
    shipment.last_event_at = max(at for _kind, at in events)
    fields = ["status", "last_event_at"]
    if shipment.status == Status.DELIVERED and shipment.delivered_at is None:
        shipment.delivered_at = min(at for kind, at in events if kind == Kind.DELIVERED)
        fields.append("delivered_at")
        shipment.save(update_fields=fields)
        if shipment.kind == Shipment.Kind.OUTBOUND:
            from orders import services as order_services

            order_services.order_deliver(order=shipment.order, delivered_at=shipment.delivered_at)
        elif shipment.case_id is not None:
            # A return parcel reached the store: its check period starts (after-sales).
            from orders.cases.services import case_return_delivered

            case_return_delivered(shipment=shipment)
        return
    shipment.save(update_fields=fields)


def event_may_add_by_hand(user, shipment: Shipment) -> bool:
    """Platform staff, or a member of the store that shipped the parcel."""
    if not (user and user.is_authenticated):
        return False
    if user.is_staff:
        return True
    merchant = user.merchant
    return merchant is not None and merchant.pk == shipment.merchant_id


def kinds_addable_by_hand(user) -> list[tuple[str, str]]:
    """The event kinds `user` may add by hand, as form choices."""
    staff = bool(user and user.is_authenticated and user.is_staff)
    return [(value, label) for value, label in Kind.choices if staff or value not in STAFF_ONLY_KINDS]


def shipment_event_add_by_hand(
    *, shipment: Shipment, user, kind: str, occurred_at: datetime, reason: str, location: str = ""
) -> ShipmentEvent:
    """An event added by platform staff or the store, with the reason why (kept as the event's note).
    The store may not record customs results, a delivery or a return: those are staff's."""
    if not event_may_add_by_hand(user, shipment):
        raise EventNotAllowed()
    if kind not in Kind.values:
        raise ValueError(f"unknown tracking event kind {kind!r}")
    if kind in STAFF_ONLY_KINDS and not user.is_staff:
        raise EventKindNotAllowed(Kind(kind).label)
    reason = (reason or "").strip()
    if not reason:
        raise EventReasonRequired()
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > timezone.now() + FUTURE_SLACK or occurred_at < shipment.created_at:
        raise EventTimeInvalid()
    event, _created = shipment_event_record(
        shipment=shipment,
        kind=kind,
        occurred_at=occurred_at,
        location=location.strip(),
        note=reason,
        source=ShipmentEvent.Source.MANUAL,
        actor=user,
    )
    return event
