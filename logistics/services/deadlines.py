"""Logistics deadlines (docs/rules.md, "Logistics deadlines"), checked by a scheduled job.

- Shipping: an order must ship by `order.ship_by` (72 h after payment bonded, 120 h direct mail; set
  when it is paid). An order still unshipped after it, or shipped after it, gets one
  `DeadlineBreach(SHIPPED_LATE)` ever: a late-shipment violation against the store (through
  `merchants.services.violation_record`), an order event telling the buyer (an unshipped order may
  be cancelled for a full refund, `orders.services.order_cancel`), and the compensation owed to the
  buyer recorded on the breach: `settings.LOGISTICS_LATE_SHIPMENT_COMPENSATION` (a share, 10% by
  default) of the order's goods value, rounded once, half up, to the fen. The escrow issue pays it.
- Delivery: a shipped order not delivered within `settings.LOGISTICS_DELIVERY_WORKING_DAYS` (14)
  working days after the day it shipped (`logistics.workdays`; the deadline is the end of that
  working day, China time) gets one `DeadlineBreach(DELIVERY_LATE)`, listed in the staff queue.

Once per order and kind: each order is handled in its own transaction holding the store's and the
order's row locks (the store first, as blacklisting does), and re-checks for a breach under them;
the unique constraint on (order, kind) is the last word if two jobs still meet.
"""

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.money import FEN, format_cny
from merchants import services as merchant_services
from merchants.models import Merchant, ViolationKind
from orders import notifications as order_notifications
from orders import services as order_services
from orders.models import Order, OrderEvent

from .. import workdays
from ..errors import BreachAlreadyResolved, NotPlatformStaff, ResolutionNoteRequired
from ..models import DeadlineBreach

LATE_SHIPMENT_KIND = "late-shipment"
# As seeded by merchants.0003_violation_kinds; used only if staff deleted the kind.
LATE_SHIPMENT_DEFAULTS = {"name_zh": "超时发货", "name_en": "Late shipment", "points": 2}


def compensation_for(order: Order) -> Decimal:
    """The compensation owed for a late shipment: the configured share of the goods value, rounded
    once, half up, to the fen."""
    share = Decimal(str(settings.LOGISTICS_LATE_SHIPMENT_COMPENSATION))
    return (order.goods_total.amount * share).quantize(FEN, rounding=ROUND_HALF_UP)


def delivery_deadline(shipped_at: datetime) -> datetime:
    """The end (China time) of the n-th working day after the day the order shipped."""
    shipped_day = timezone.localtime(shipped_at).date()
    last_day = workdays.add_working_days(shipped_day, settings.LOGISTICS_DELIVERY_WORKING_DAYS)
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


def system_user():
    """The account the job records violations as (violations are recorded by platform staff): a
    staff account that cannot sign in."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=settings.LOGISTICS_SYSTEM_USERNAME,
        defaults={
            "email": f"{settings.LOGISTICS_SYSTEM_USERNAME}@platform.invalid",
            "is_staff": True,
            "is_active": False,
            "role": User.Role.STAFF,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _late_shipment_kind() -> ViolationKind:
    kind, _created = ViolationKind.objects.get_or_create(
        code=LATE_SHIPMENT_KIND, defaults=LATE_SHIPMENT_DEFAULTS
    )
    return kind


def _late_shipping_candidates(now):
    breached = DeadlineBreach.objects.filter(kind=DeadlineBreach.Kind.SHIPPED_LATE).values("order_id")
    return (
        Order.objects.filter(ship_by__isnull=False)
        .filter(
            Q(status=Order.Status.PAID, ship_by__lt=now, shipped_at__isnull=True)
            | Q(shipped_at__isnull=False, shipped_at__gt=F("ship_by"))
        )
        .exclude(pk__in=breached)
        .order_by("pk")
        .values_list("pk", "merchant_id")
    )


def _record_late_shipment(order_id, merchant_id, *, now, recorded_by) -> DeadlineBreach | None:
    with transaction.atomic():
        Merchant.objects.select_for_update().filter(pk=merchant_id).first()
        order = Order.objects.select_for_update().get(pk=order_id)
        if DeadlineBreach.objects.filter(order=order, kind=DeadlineBreach.Kind.SHIPPED_LATE).exists():
            return None
        unshipped = order.shipped_at is None
        if unshipped and not (order.status == Order.Status.PAID and order.ship_by < now):
            return None  # cancelled or shipped meanwhile
        if not unshipped and order.shipped_at <= order.ship_by:
            return None
        compensation = compensation_for(order)
        deadline = timezone.localtime(order.ship_by)
        breach = DeadlineBreach.objects.create(
            order=order,
            kind=DeadlineBreach.Kind.SHIPPED_LATE,
            deadline=order.ship_by,
            compensation=compensation,
        )
        if unshipped:
            note = _("Order %(number)s was not shipped by %(deadline)s.")
        else:
            note = _("Order %(number)s was shipped after its deadline, %(deadline)s.")
        note %= {"number": order.number, "deadline": f"{deadline:%Y-%m-%d %H:%M}"}
        breach.violation = merchant_services.violation_record(
            merchant=order.merchant,
            kind=_late_shipment_kind(),
            note=note,
            recorded_by=recorded_by,
            occurred_on=deadline.date(),
        )
        breach.save(update_fields=["violation"])
        owed = _("A compensation of %(amount)s is owed to you.") % {"amount": format_cny(compensation)}
        if unshipped:
            buyer_note = _(
                "The store did not ship by %(deadline)s. You may cancel for a full refund. %(owed)s"
            )
        else:
            buyer_note = _("The store shipped after its deadline, %(deadline)s. %(owed)s")
        order_services.order_note(
            order,
            kind=OrderEvent.Kind.SHIPPED_LATE,
            note=buyer_note % {"deadline": f"{deadline:%Y-%m-%d %H:%M}", "owed": owed},
        )
        order_notifications.order_shipped_late(
            order, compensation=compensation, deadline=order.ship_by, unshipped=unshipped
        )
        return breach


def _record_late_delivery(order_id, *, now) -> DeadlineBreach | None:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.Status.SHIPPED or order.shipped_at is None:
            return None
        deadline = delivery_deadline(order.shipped_at)
        if deadline > now:
            return None
        if DeadlineBreach.objects.filter(order=order, kind=DeadlineBreach.Kind.DELIVERY_LATE).exists():
            return None
        return DeadlineBreach.objects.create(
            order=order, kind=DeadlineBreach.Kind.DELIVERY_LATE, deadline=deadline
        )


def deadlines_check(*, now=None) -> dict:
    """Record every missed shipping and delivery deadline not recorded yet. Returns the counts of
    breaches recorded by this run: {"shipped_late": n, "delivery_late": m}."""
    now = now or timezone.now()
    counts = {DeadlineBreach.Kind.SHIPPED_LATE.value: 0, DeadlineBreach.Kind.DELIVERY_LATE.value: 0}
    recorded_by = None
    for order_id, merchant_id in list(_late_shipping_candidates(now)):
        recorded_by = recorded_by or system_user()
        try:
            breach = _record_late_shipment(order_id, merchant_id, now=now, recorded_by=recorded_by)
        except IntegrityError:  # another run recorded it between our check and our insert
            breach = None
        counts[DeadlineBreach.Kind.SHIPPED_LATE] += breach is not None

    # 14 working days are at least 14 calendar days: only orders shipped before that can be late.
    delivered_breaches = DeadlineBreach.objects.filter(kind=DeadlineBreach.Kind.DELIVERY_LATE).values(
        "order_id"
    )
    shipped = (
        Order.objects.filter(
            status=Order.Status.SHIPPED,
            shipped_at__lt=now - timedelta(days=settings.LOGISTICS_DELIVERY_WORKING_DAYS),
        )
        .exclude(pk__in=delivered_breaches)
        .order_by("pk")
        .values_list("pk", "shipped_at")
    )
    for order_id, shipped_at in list(shipped):
        if delivery_deadline(shipped_at) > now:
            continue
        try:
            breach = _record_late_delivery(order_id, now=now)
        except IntegrityError:
            breach = None
        counts[DeadlineBreach.Kind.DELIVERY_LATE] += breach is not None
    return counts


@transaction.atomic
def late_delivery_resolve(*, breach: DeadlineBreach, staff_user, note: str) -> DeadlineBreach:
    """Staff looked into a late delivery (asked the carrier, told the buyer...) and close it."""
    from merchants.permissions import is_platform_staff

    if not is_platform_staff(staff_user):
        raise NotPlatformStaff()
    note = (note or "").strip()
    if not note:
        raise ResolutionNoteRequired()
    breach = DeadlineBreach.objects.select_for_update().get(pk=breach.pk)
    if breach.resolved_at is not None:
        raise BreachAlreadyResolved()
    breach.resolved_at = timezone.now()
    breach.resolved_by = staff_user
    breach.resolution_note = note
    breach.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    return breach
