"""Money taken back from a merchant: refunds after release and compensations to buyers (docs/rules.md,
"Payouts, refunds after release and compensation").

The shopper's money always goes back through the gateway that took it, as a refund on the order's
payment whose idempotency key is stored (a `Refund` row, processing) before the call; the gateway is
called with no lock held; the outcome is recorded under the order's lock, once.

- Before release a refund or a compensation comes out of the order's escrow (and tax owed).
- After release it comes from the merchant: the commission goes back from platform revenue, the tax
  from tax owed, and the merchant's part (converted at the order's locked rate, rounded once to its
  currency's minor unit) from its available balance, then its security deposit (a deposit draw,
  which may leave the deposit below what is required: `DEPOSIT_DRAW_FOLLOWUPS` tells the deposits'
  code). In Stripe mode the order's release transfer is reversed first (key stored before the call),
  which puts the money back on the balance (`transfer_reversed`).
- No refund ever exceeds what was paid for the order less what was already given back.
"""

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from marketplace.money import format_money, from_cny

from ..errors import (
    IdempotencyKeyReused,
    NotFinanceStaff,
    NothingToRefund,
    OrderNotRefundable,
    RefundFailed,
    TransferInProgress,
)
from ..gateways import GatewayError, GatewayResult, get_gateway
from ..models import LedgerAccount, LedgerEntry, LedgerTransaction, Payout, PayoutEvent, Refund
from ..permissions import can_manage_finance
from .core import (
    ledger_post,
    order_check_no_refund_processing,
    order_held,
    order_refund,
    order_refunded_total,
)
from .payouts import merchant_available_balance, merchant_currency, payout_account_lock

logger = logging.getLogger(__name__)

__all__ = [
    "order_refund_after_release",
    "order_refund_by_staff",
    "compensation_pay",
    "compensations_pay_due",
    "order_is_released",
    "DEPOSIT_DRAW_FOLLOWUPS",
]

# Called on commit with the merchant's id after a refund or compensation drew on its deposit.
DEPOSIT_DRAW_FOLLOWUPS: list = []


def order_is_released(order) -> bool:
    return LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE, order=order).exists()


def _order_account(account, order) -> Decimal:
    from django.db.models import Sum

    total = LedgerEntry.objects.filter(account=account, order=order, amount_currency="CNY").aggregate(
        t=Sum("amount")
    )["t"]
    return Decimal(total or 0).quantize(Decimal("0.01"))  # SQLite sums decimals as floats


def _merchant_entries(order, amount_cny: Decimal) -> tuple[list, Decimal]:
    """Ledger entries taking `amount_cny` of an order's money back from its merchant, caller holding
    the merchant's payout-account lock: the FX account converts it at the order's locked rate, the
    balance pays what it can, the deposit the rest. Returns (entries, deposit drawn)."""
    if amount_cny <= 0:
        return [], Decimal("0")
    merchant = order.merchant
    currency = merchant_currency(merchant)
    entries = []
    if currency == "CNY":
        due = amount_cny
    else:
        due = from_cny(amount_cny, order.exchange_rate, currency)
        entries += [(LedgerAccount.FX, order, amount_cny), (LedgerAccount.FX, order, Money(-due, currency))]
    available = max(merchant_available_balance(merchant).amount, Decimal("0"))
    from_balance = min(due, available)
    from_deposit = due - from_balance
    entries += [
        (LedgerAccount.MERCHANT_BALANCE, order, Money(from_balance, currency), merchant),
        (LedgerAccount.MERCHANT_DEPOSIT, order, Money(from_deposit, currency), merchant),
    ]
    return entries, from_deposit


def _money_back_entries(
    order, amount: Decimal, *, commission: Decimal = Decimal("0")
) -> tuple[list, Decimal]:
    """Ledger entries taking `amount` (CNY) of an order's money back for its buyer, caller holding the
    order's lock: before release out of the order's escrow first; the rest (after release, all of it
    less `commission`, the platform's commission given back from its revenue) from the merchant, its
    balance then its deposit (`_merchant_entries`, under the payout-account lock taken here).
    Returns (entries, deposit drawn). Compensations and after-sales refunds share it."""
    entries: list = []
    if order_is_released(order):
        commission = max(Decimal("0"), min(commission, amount))
        entries.append((LedgerAccount.PLATFORM_REVENUE, order, commission))
        rest = amount - commission
    else:
        escrow, _tax = order_held(order)
        from_escrow = max(Decimal("0"), min(escrow, amount))
        entries.append((LedgerAccount.ESCROW, order, from_escrow))
        rest = amount - from_escrow
    drawn = Decimal("0")
    if rest > 0:
        payout_account_lock(order.merchant)
        more, drawn = _merchant_entries(order, rest)
        entries += more
    return entries, drawn


def _deposit_followups(merchant_id) -> None:
    for followup in DEPOSIT_DRAW_FOLLOWUPS:
        transaction.on_commit(lambda followup=followup: followup(merchant_id))


def _gateway_refund(refund: Refund) -> GatewayResult:
    try:
        return get_gateway().refund(
            payment_id=refund.payment.gateway_reference,
            amount=refund.amount.amount,
            idempotency_key=refund.idempotency_key,
        )
    except GatewayError as exc:
        return GatewayResult(status="error", error_code="gateway_unreachable", error_message=str(exc)[:200])


def _refund_failed(refund: Refund, order, result: GatewayResult, actor) -> None:
    from orders import services as order_services
    from orders.models import OrderEvent

    refund.status = Refund.Status.FAILED
    refund.gateway_reference = result.reference
    refund.error_message = (result.error_message or result.error_code)[:200]
    refund.save(update_fields=["status", "gateway_reference", "error_message"])
    order_services.order_note(order, kind=OrderEvent.Kind.REFUND_FAILED, actor=actor, note=result.error_code)


# ------------------------------------------------------------------------------ refund after release


def _reverse_release_transfer(transfer: Payout, refund: Refund, actor) -> GatewayResult:
    """Take the order's release transfer back from the connected account (its key stored before the
    call); on success the money is back on the merchant's balance (`transfer_reversed`)."""
    try:
        result = get_gateway().transfer_reverse(
            transfer_id=transfer.gateway_reference,
            amount=transfer.amount.amount,
            idempotency_key=transfer.reversal_key,
        )
    except GatewayError as exc:
        result = GatewayResult(status="error", error_code="gateway_unreachable", error_message=str(exc)[:200])
    with transaction.atomic():
        payout_account_lock(transfer.merchant)
        transfer = Payout.objects.select_for_update().get(pk=transfer.pk)
        if result.succeeded and transfer.reversed_at is None:
            txn = ledger_post(
                kind=LedgerTransaction.Kind.TRANSFER_REVERSED,
                entries=[
                    (LedgerAccount.GATEWAY_CLEARING, None, transfer.amount),
                    (LedgerAccount.MERCHANT_BALANCE, transfer.order, -transfer.amount, transfer.merchant),
                ],
                order=transfer.order,
                merchant=transfer.merchant,
                description=f"transfer {transfer.gateway_reference} reversed",
            )
            transfer.reversed_at = timezone.now()
            transfer.reversal_reference = result.reference
            transfer.save(update_fields=["reversed_at", "reversal_reference"])
            PayoutEvent.objects.create(
                payout=transfer,
                from_status=transfer.status,
                to_status=transfer.status,
                actor=actor,
                note=f"reversed {result.reference}"[:300],
                transaction=txn,
            )
    return result


def order_refund_after_release(*, order, actor, idempotency_key: str) -> Refund:
    """Refund a completed order in full (what was paid less what was already given back) after its
    money was released to the merchant. Idempotent by key; the order becomes refunded
    (`refunded_after`)."""
    from orders import services as order_services
    from orders.models import Order, OrderEvent

    transfer = None
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("payment", "merchant")
            .get(pk=order.pk)
        )
        refund = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if refund is not None:
            if refund.order_id != order.pk or refund.reason != Refund.Reason.AFTER_RELEASE:
                raise IdempotencyKeyReused()
            return refund
        if order.status != Order.Status.COMPLETED or not order_is_released(order):
            raise OrderNotRefundable(Order.Status(order.status).label)
        order_check_no_refund_processing(order=order)
        amount = order.total.amount - order_refunded_total(order)
        if amount <= 0:
            raise NothingToRefund()
        transfer = (
            Payout.objects.select_for_update().filter(kind=Payout.Kind.RELEASE_TRANSFER, order=order).first()
        )
        if transfer is not None:
            if transfer.status in (Payout.Status.REQUESTED, Payout.Status.PROCESSING):
                raise TransferInProgress()
            if transfer.status != Payout.Status.PAID or transfer.reversed_at is not None:
                transfer = None  # failed (the money went back to the balance) or already reversed
            elif not transfer.reversal_key:
                transfer.reversal_key = f"{transfer.idempotency_key}:reverse"
                transfer.save(update_fields=["reversal_key"])
        try:
            with transaction.atomic():
                refund = Refund.objects.create(
                    payment=order.payment,
                    order=order,
                    amount=Money(amount, "CNY"),
                    idempotency_key=idempotency_key,
                    reason=Refund.Reason.AFTER_RELEASE,
                )
        except IntegrityError as exc:
            raise IdempotencyKeyReused() from exc

    if transfer is not None:
        reversed_ = _reverse_release_transfer(transfer, refund, actor)
        if not reversed_.succeeded:
            with transaction.atomic():
                order = Order.objects.select_for_update().get(pk=order.pk)
                refund = Refund.objects.select_for_update().get(pk=refund.pk)
                _refund_failed(refund, order, reversed_, actor)
            raise RefundFailed(reversed_.error_message or reversed_.error_code)

    result = _gateway_refund(refund)

    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=order.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PROCESSING:
            return refund
        if not result.succeeded:
            _refund_failed(refund, order, result, actor)
        else:
            payout_account_lock(order.merchant)
            refund.status = Refund.Status.SUCCEEDED
            refund.gateway_reference = result.reference
            refund.save(update_fields=["status", "gateway_reference"])
            paid_back = refund.amount.amount
            tax_part = min(max(-_order_account(LedgerAccount.TAX_PAYABLE, order), Decimal("0")), paid_back)
            commission = max(-_order_account(LedgerAccount.PLATFORM_REVENUE, order), Decimal("0"))
            commission_part = min(commission, paid_back - tax_part)
            merchant_cny = paid_back - tax_part - commission_part
            merchant_entries, drawn = _merchant_entries(order, merchant_cny)
            ledger_post(
                kind=LedgerTransaction.Kind.REFUND_AFTER_RELEASE,
                entries=[
                    (LedgerAccount.GATEWAY_CLEARING, None, -paid_back),
                    (LedgerAccount.TAX_PAYABLE, order, tax_part),
                    (LedgerAccount.PLATFORM_REVENUE, order, commission_part),
                    *merchant_entries,
                ],
                payment=refund.payment,
                refund=refund,
                order=order,
                merchant=order.merchant,
                description=f"refund after release order {order.number}",
            )
            order_services.order_transition(
                order,
                Order.Status.REFUNDED,
                kind=OrderEvent.Kind.REFUNDED_AFTER,
                actor=actor,
                note=_("%(amount)s refunded to the card.") % {"amount": format_money(refund.amount)},
            )
            if drawn > 0:
                _deposit_followups(order.merchant_id)
    if not result.succeeded:
        raise RefundFailed(result.error_message or result.error_code)
    return refund


def order_refund_by_staff(*, order, actor, idempotency_key: str) -> Refund:
    """Finance staff refund an order in full: out of escrow before release (paid, shipped or
    delivered), from the merchant after release (completed)."""
    from orders.models import Order

    if not can_manage_finance(actor):
        raise NotFinanceStaff()
    order = Order.objects.get(pk=order.pk)
    done = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if done is not None:  # the same request again: its first answer
        if done.order_id != order.pk:
            raise IdempotencyKeyReused()
        return done
    if order.status == Order.Status.COMPLETED:
        return order_refund_after_release(order=order, actor=actor, idempotency_key=idempotency_key)
    if order.status in (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED):
        return order_refund(order=order, actor=actor, idempotency_key=idempotency_key, staff_decision=True)
    raise OrderNotRefundable(Order.Status(order.status).label)


# ------------------------------------------------------------------------------------- compensation

COMPENSATION_STATUSES = ("paid", "shipped", "delivered", "completed")


def _compensation_key_prefix(breach) -> str:
    return f"compensation:{breach.pk}:"


def compensation_pay(*, breach, actor=None) -> Refund | None:
    """Pay the compensation recorded on a deadline breach to the buyer, as a partial refund on the
    order's payment: out of the escrow while it is held, after release from the merchant's balance
    then its deposit. Idempotent: a breach is paid once (`compensation_paid_at`); a run that stopped
    after calling the gateway is completed with the same key. Returns the refund (None: nothing owed)."""
    from logistics.models import DeadlineBreach
    from orders.models import Order

    prefix = _compensation_key_prefix(breach)
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("payment").get(pk=breach.order_id)
        )
        breach = DeadlineBreach.objects.select_for_update().get(pk=breach.pk)
        attempts = order.refunds.filter(reason=Refund.Reason.COMPENSATION, idempotency_key__startswith=prefix)
        done = attempts.filter(status=Refund.Status.SUCCEEDED).first()
        if breach.compensation_paid_at is not None or done is not None:
            if breach.compensation_paid_at is None:
                breach.compensation_paid_at = timezone.now()
                breach.save(update_fields=["compensation_paid_at"])
            return done
        if breach.compensation is None or breach.compensation.amount <= 0:
            return None
        refund = attempts.filter(status=Refund.Status.PROCESSING).first()
        if refund is None:  # a new attempt (the first, or after one the gateway refused)
            if order.status not in COMPENSATION_STATUSES:
                raise OrderNotRefundable(Order.Status(order.status).label)
            order_check_no_refund_processing(order=order)
            limit = order.total.amount - order_refunded_total(order)
            if not order_is_released(order):
                escrow, _tax = order_held(order)
                limit = min(limit, escrow)
            amount = min(breach.compensation.amount, limit)
            if amount <= 0:
                raise NothingToRefund()
            refund = Refund.objects.create(
                payment=order.payment,
                order=order,
                amount=Money(amount, "CNY"),
                idempotency_key=f"{prefix}{attempts.count() + 1}",
                reason=Refund.Reason.COMPENSATION,
            )

    result = _gateway_refund(refund)

    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=order.pk)
        breach = DeadlineBreach.objects.select_for_update().get(pk=breach.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PROCESSING:
            return refund  # a concurrent run recorded it
        if not result.succeeded:
            _refund_failed(refund, order, result, actor)
        else:
            refund.status = Refund.Status.SUCCEEDED
            refund.gateway_reference = result.reference
            refund.save(update_fields=["status", "gateway_reference"])
            amount = refund.amount.amount
            # Before release out of the escrow (the rest, never with the configured share, from the
            # merchant: kept balanced regardless); after release from the merchant.
            entries, drawn = _money_back_entries(order, amount)
            ledger_post(
                kind=LedgerTransaction.Kind.COMPENSATION,
                entries=[(LedgerAccount.GATEWAY_CLEARING, None, -amount), *entries],
                payment=refund.payment,
                refund=refund,
                order=order,
                merchant=order.merchant,
                description=f"compensation order {order.number}",
            )
            breach.compensation_paid_at = timezone.now()
            breach.save(update_fields=["compensation_paid_at"])
            from orders import notifications

            notifications.order_compensated(order, amount=amount, key=f"breach-{breach.pk}")
            if drawn > 0:
                _deposit_followups(order.merchant_id)
    if not result.succeeded:
        raise RefundFailed(result.error_message or result.error_code)
    return refund


def compensations_pay_due() -> int:
    """The daily job: pay every recorded compensation not yet paid on an order still paid for.
    Returns how many it paid now."""
    from logistics.models import DeadlineBreach
    from marketplace.errors import DomainError

    due = (
        DeadlineBreach.objects.filter(
            compensation__gt=0, compensation_paid_at__isnull=True, order__status__in=COMPENSATION_STATUSES
        )
        .order_by("pk")
        .values_list("pk", "order_id")
    )
    paid = 0
    for pk, order_id in list(due):
        try:
            refund = compensation_pay(breach=DeadlineBreach(pk=pk, order_id=order_id))
        except DomainError as exc:
            logger.warning("compensation for breach %s not paid: %s", pk, exc)
            continue
        paid += refund is not None
    return paid
