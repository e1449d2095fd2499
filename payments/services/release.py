"""Escrow release: the held money of an order goes to its merchant, less the category's commission.

Release happens exactly once per order, whatever fires it: the shopper's "confirm receipt", the
scheduled job 14 days (`ESCROW_AUTO_RELEASE_DAYS`) after delivery, a retry, or two of them at once.
The order's row lock serialises them and the ledger's `ledger_one_release_per_order` constraint
stands behind the lock. An open `ReleaseHold` (and, with the after-sales issue, an open case) stops
every release.

Amounts (docs/rules.md, "Confirming receipt and the escrow release"): commission = the sum over
lines of goods (CNY) × the line's category rate, rounded once to the fen; the merchant's net =
escrow held - commission, converted to its settlement currency at the rate locked on the order and
rounded once to that currency's minor unit. The FX account takes the conversion so the transaction
balances in each currency.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from djmoney.money import Money

from marketplace.errors import DomainError
from marketplace.money import from_cny, round_cny

from ..errors import (
    HoldReasonRequired,
    NotFinanceStaff,
    OrderNotHoldable,
    OrderNotReleasable,
    ReleaseHoldExists,
    ReleaseOnHold,
)
from ..models import LedgerAccount, LedgerTransaction, ReleaseHold
from ..permissions import can_manage_finance
from .core import ledger_post, order_check_no_refund_processing

__all__ = [
    "category_commission_rate",
    "order_commission",
    "release_blockers",
    "escrow_release",
    "order_confirm_receipt",
    "escrow_release_due",
    "escrow_auto_release_at",
    "case_pause",
    "release_hold_place",
    "release_hold_lift",
    "release_on_hold",
    "RELEASE_FOLLOWUPS",
]

logger = logging.getLogger(__name__)

# The statuses whose escrow is still held and may be released (or held by staff).
RELEASABLE = ("shipped", "delivered")
HOLDABLE = ("paid", "shipped", "delivered")

# Called with the release transaction's id after it commits (the Stripe transfer to the merchant's
# connected account registers here), so that a gateway call never runs under the order's lock.
RELEASE_FOLLOWUPS: list = []


def category_commission_rate(category) -> Decimal:
    """The commission rate of a category: its own, else its nearest ancestor's, else the default."""
    node = category
    while node is not None:
        if node.commission_rate is not None:
            return node.commission_rate
        node = node.parent
    return Decimal(str(settings.COMMISSION_RATE_DEFAULT))


def order_commission(order) -> Decimal:
    """The platform's commission on an order's goods (CNY), rounded once to the fen: on the units the
    buyer kept (quantity less the units refunded by after-sales cases)."""
    lines = order.lines.select_related("variant__product__category__parent")
    exact = sum(
        (
            line.goods_cny.amount
            * (line.quantity - line.refunded_quantity)
            / line.quantity
            * category_commission_rate(line.variant.product.category)
            for line in lines
        ),
        Decimal("0"),
    )
    return round_cny(exact)


def escrow_held(order) -> Decimal:
    from django.db.models import Sum

    from ..models import LedgerEntry

    total = LedgerEntry.objects.filter(account=LedgerAccount.ESCROW, order=order).aggregate(t=Sum("amount"))[
        "t"
    ]
    return round_cny(-(total or Decimal("0")))


def release_on_hold(order) -> bool:
    """Whether staff hold the order's release (an open `ReleaseHold`)."""
    return ReleaseHold.objects.filter(order=order, lifted_at__isnull=True).exists()


def release_blockers(order) -> list[str]:
    """Why the order's escrow may not be released now (empty: it may): a staff hold, an open
    after-sales case."""
    from orders.models import AfterSalesCase

    blockers = []
    if release_on_hold(order):
        blockers.append("hold")
    if AfterSalesCase.objects.filter(order=order, status__in=AfterSalesCase.OPEN_STATUSES).exists():
        blockers.append("case")
    return blockers


def case_pause(order, cases=None) -> timedelta:
    """How long after-sales cases held the order's release clock: for each closed case, the time it
    was open after the delivery (a case opened before delivery counts from the delivery). `cases`:
    (created_at, closed_at) pairs already read, else read here."""
    from orders.models import AfterSalesCase

    if order.delivered_at is None:
        return timedelta(0)
    if cases is None:
        cases = AfterSalesCase.objects.filter(order=order, closed_at__isnull=False).values_list(
            "created_at", "closed_at"
        )
    pause = timedelta(0)
    for created_at, closed_at in cases:
        if closed_at is not None:
            pause += max(timedelta(0), closed_at - max(created_at, order.delivered_at))
    return pause


def escrow_auto_release_at(order, cases=None):
    """When the scheduled job releases the order's money if nothing stops it (None: not delivered):
    `ESCROW_AUTO_RELEASE_DAYS` after delivery, later by the time after-sales cases were open
    (`case_pause`; while one is open nothing is released)."""
    if order.delivered_at is None:
        return None
    return order.delivered_at + timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS) + case_pause(order, cases)


def escrow_release(*, order, trigger: str = "confirm", actor=None) -> LedgerTransaction:
    """Release the order's escrow to its merchant (see the module's docstring). `trigger`: "confirm"
    (the shopper) or "auto" (the job). Returns the release transaction; a second call returns the
    first's and changes nothing."""
    return _escrow_release(order=order, trigger=trigger, actor=actor)[0]


def _escrow_release(*, order, trigger: str, actor=None, due_before=None) -> tuple[LedgerTransaction, bool]:
    """`escrow_release`, and whether this call made the release (False: an earlier one had).
    `due_before` (the job): release only a delivered order delivered at or before it, checked under
    the lock, so a delivery date moved after the job's query is respected."""
    from orders import services as order_services
    from orders.models import Order, OrderEvent

    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=order.pk)
        done = LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE, order=order).first()
        if done is not None:
            return done, False
        if due_before is not None and (
            order.status != Order.Status.DELIVERED
            or order.delivered_at is None
            or escrow_auto_release_at(order) > due_before + timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS)
        ):
            raise OrderNotReleasable(Order.Status(order.status).label)
        if order.status not in RELEASABLE:
            raise OrderNotReleasable(Order.Status(order.status).label)
        if release_blockers(order):
            raise ReleaseOnHold()
        # A refund being processed (a parcel customs returned) takes the escrow back: not both.
        order_check_no_refund_processing(order=order)
        held = escrow_held(order)
        commission = min(order_commission(order), held)
        net_cny = held - commission
        currency = order.currency
        entries = [(LedgerAccount.ESCROW, order, held), (LedgerAccount.PLATFORM_REVENUE, order, -commission)]
        if currency == "CNY":
            entries.append((LedgerAccount.MERCHANT_BALANCE, order, -net_cny, order.merchant))
        else:
            net = from_cny(net_cny, order.exchange_rate, currency)
            entries += [
                (LedgerAccount.FX, order, -net_cny),
                (LedgerAccount.FX, order, Money(net, currency)),
                (LedgerAccount.MERCHANT_BALANCE, order, Money(-net, currency), order.merchant),
            ]
        txn = ledger_post(
            kind=LedgerTransaction.Kind.RELEASE,
            entries=entries,
            payment=order.payment,
            order=order,
            merchant=order.merchant,
            description=f"release order {order.number}",
        )
        kind = OrderEvent.Kind.AUTO_CONFIRMED if trigger == "auto" else OrderEvent.Kind.RECEIPT_CONFIRMED
        order_services.order_transition(order, Order.Status.COMPLETED, kind=kind, actor=actor)
        from orders import notifications

        notifications.order_released(
            order,
            amount=Money(net, currency) if currency != "CNY" else Money(net_cny, "CNY"),
            commission=Money(commission, "CNY"),
        )
        for followup in RELEASE_FOLLOWUPS:
            transaction.on_commit(lambda followup=followup, pk=txn.pk: followup(pk))
    return txn, True


def order_confirm_receipt(*, user, number: str) -> LedgerTransaction:
    """The shopper confirms the parcel arrived: the order's money goes to the store now."""
    from orders.errors import NotFound
    from orders.models import Order

    order = Order.objects.filter(user=user, number=number).first()
    if order is None:
        raise NotFound()
    return escrow_release(order=order, trigger="confirm", actor=user)


def escrow_release_due(*, now=None) -> int:
    """The scheduled job: release every delivered order whose confirmation period has passed and
    that nothing holds. Returns how many were released now."""
    from orders.models import AfterSalesCase, Order

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS)
    open_hold = ReleaseHold.objects.filter(order=OuterRef("pk"), lifted_at__isnull=True)
    open_case = AfterSalesCase.objects.filter(order=OuterRef("pk"), status__in=AfterSalesCase.OPEN_STATUSES)
    candidates = list(
        Order.objects.filter(status=Order.Status.DELIVERED, delivered_at__lte=cutoff)
        .exclude(Exists(open_hold))
        .exclude(Exists(open_case))
        .order_by("delivered_at", "pk")
        .values_list("pk", "delivered_at")
    )
    # Orders that had after-sales cases: their clock was paused while a case was open (one query).
    paused: dict[int, list] = {}
    for order_id, created_at, closed_at in AfterSalesCase.objects.filter(
        order_id__in=[pk for pk, _at in candidates], closed_at__isnull=False
    ).values_list("order_id", "created_at", "closed_at"):
        paused.setdefault(order_id, []).append((created_at, closed_at))
    due = [
        pk
        for pk, delivered_at in candidates
        if pk not in paused
        or escrow_auto_release_at(Order(pk=pk, delivered_at=delivered_at), paused[pk]) <= now
    ]
    released = 0
    for pk in due:
        try:
            _txn, made = _escrow_release(order=Order(pk=pk), trigger="auto", due_before=cutoff)
        except (ReleaseOnHold, OrderNotReleasable):
            continue  # a hold or a refund got there between the query and the lock
        except DomainError:
            # One order refused for another reason must not stop the others; the next run retries.
            logger.exception("automatic release of order %s refused", pk)
            continue
        released += made  # a release the shopper made meanwhile is not counted
    return released


def release_hold_place(*, order, actor, reason: str) -> ReleaseHold:
    """Finance staff stop the order's release until they lift the hold."""
    from orders.models import Order, OrderEvent
    from orders.services import order_note

    if not can_manage_finance(actor):
        raise NotFinanceStaff()
    reason = (reason or "").strip()
    if not reason:
        raise HoldReasonRequired()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in HOLDABLE:
            # Released, refunded, cancelled or unpaid: there is no held money left to stop.
            raise OrderNotHoldable(Order.Status(order.status).label)
        if release_on_hold(order):
            raise ReleaseHoldExists()
        hold = ReleaseHold.objects.create(order=order, reason=reason[:300], placed_by=actor)
        order_note(order, kind=OrderEvent.Kind.RELEASE_HELD, actor=actor, note=reason)
    return hold


def release_hold_lift(*, hold: ReleaseHold, actor, note: str = "") -> ReleaseHold:
    from orders.models import Order, OrderEvent
    from orders.services import order_note

    if not can_manage_finance(actor):
        raise NotFinanceStaff()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=hold.order_id)
        hold = ReleaseHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is None:
            hold.lifted_at = timezone.now()
            hold.lifted_by = actor
            hold.save(update_fields=["lifted_at", "lifted_by"])
            order_note(order, kind=OrderEvent.Kind.RELEASE_RESUMED, actor=actor, note=note)
    return hold
