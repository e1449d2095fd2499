"""Writes of payments: creating a checkout's payment, confirming it with a card through the gateway,
refunds, and the double-entry escrow ledger.

The gateway is never called while a database lock is held: a confirmation records a "processing"
attempt (its idempotency key is unique), commits, calls the gateway with that key, then locks again
and records the outcome. A second submit with the same key gets the first attempt back; a submit
with another key while one is processing, or after the payment succeeded, is refused. The gateway
honours the same keys, so a retried call never charges or refunds twice.
"""

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from marketplace.money import format_money

from ..errors import (
    IdempotencyKeyReused,
    LedgerUnbalanced,
    NothingToRefund,
    PaymentAlreadyMade,
    PaymentCancelled,
    PaymentInProgress,
    RefundFailed,
    RefundInProgress,
    amount_check_positive,
)
from ..gateways import Card, GatewayError, GatewayResult, get_gateway
from ..models import LedgerAccount, LedgerEntry, LedgerTransaction, Payment, PaymentAttempt, Refund

# ------------------------------------------------------------------------------------------ ledger


def ledger_post(
    *, kind: str, entries, payment=None, refund=None, order=None, merchant=None, description: str = ""
) -> LedgerTransaction:
    """Record one balanced movement. `entries`: (account, order or None, signed amount[, merchant]),
    positive = debit, negative = credit; an amount is a `Money` or a Decimal in CNY. The entries of
    each currency sum to zero (a foreign-exchange account takes conversions: `LedgerAccount.FX`);
    unbalanced entries are a programming error. `order`/`merchant` tag the transaction itself (the
    release's one-per-order constraint, the merchant's statement)."""
    rows = []
    for entry in entries:
        account, entry_order, amount = entry[:3]
        entry_merchant = entry[3] if len(entry) > 3 else None
        money = amount if isinstance(amount, Money) else Money(Decimal(amount), "CNY")
        if money.amount:
            rows.append((account, entry_order, money, entry_merchant))
    totals: dict[str, Decimal] = {}
    for _account, _order, money, _merchant in rows:
        currency = str(money.currency)
        totals[currency] = totals.get(currency, Decimal("0")) + money.amount
    if any(total != 0 for total in totals.values()):
        raise LedgerUnbalanced(rows)
    txn = LedgerTransaction.objects.create(
        kind=kind,
        payment=payment,
        refund=refund,
        order=order,
        merchant=merchant,
        description=description[:200],
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            transaction=txn, account=account, order=entry_order, merchant=entry_merchant, amount=money
        )
        for account, entry_order, money, entry_merchant in rows
    )
    return txn


def escrow_hold(*, payment: Payment, orders) -> LedgerTransaction:
    """The card was charged: the gateway owes us the total; each order's goods and shipping are
    held in escrow for its merchant and its tax is owed to customs."""
    amount_check_positive(payment.amount)
    entries = [(LedgerAccount.GATEWAY_CLEARING, None, payment.amount.amount)]
    for order in orders:
        entries.append((LedgerAccount.ESCROW, order, -order.escrow_amount.amount))
        entries.append((LedgerAccount.TAX_PAYABLE, order, -order.tax_total.amount))
    return ledger_post(
        kind=LedgerTransaction.Kind.ESCROW_HOLD,
        entries=entries,
        payment=payment,
        description=f"payment {payment.reference}",
    )


def order_held(order) -> tuple[Decimal, Decimal]:
    """What the ledger holds for an order before release (CNY): (escrow, tax owed to customs). A
    compensation paid while the money is held has already come out of the escrow."""
    from django.db.models import Sum

    def held(account):
        total = LedgerEntry.objects.filter(account=account, order=order, amount_currency="CNY").aggregate(
            t=Sum("amount")
        )["t"]
        return -(total or Decimal("0"))

    return held(LedgerAccount.ESCROW), held(LedgerAccount.TAX_PAYABLE)


def order_refunded_total(order) -> Decimal:
    """Everything already given back to the card for this order (refunds and compensations)."""
    from django.db.models import Sum

    total = order.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(t=Sum("amount"))["t"]
    return total or Decimal("0")


def order_refundable_before_release(order) -> Decimal:
    """A refund before release gives back what the ledger still holds for the order (escrow + tax),
    never more than was paid for it less what was already given back."""
    escrow, tax = order_held(order)
    return max(Decimal("0"), min(escrow + tax, order.total.amount - order_refunded_total(order)))


def escrow_refund(*, refund: Refund, order) -> LedgerTransaction:
    """A refund before release comes out of the order's tax owed and its escrow (what they hold:
    after a compensation paid from escrow, less than the order's amounts). The escrow then holds
    nothing more for the order."""
    amount = amount_check_positive(refund.amount)
    _escrow, tax = order_held(order)
    tax_part = min(tax, amount)
    return ledger_post(
        kind=LedgerTransaction.Kind.REFUND,
        entries=[
            (LedgerAccount.ESCROW, order, amount - tax_part),
            (LedgerAccount.TAX_PAYABLE, order, tax_part),
            (LedgerAccount.GATEWAY_CLEARING, None, -amount),
        ],
        payment=refund.payment,
        refund=refund,
        description=f"refund order {order.number}",
    )

# ---------------------------------------------------------------------------------------- payments


def _reference() -> str:
    return f"P{timezone.localtime():%y%m%d}{secrets.token_hex(5).upper()}"


def payment_create(
    *, user, amount: Decimal, checkout_key: str, payer_name: str = "", payer_id_number: str = ""
) -> Payment:
    """The payment for one checkout (inside the checkout's transaction). Its amount is above zero.
    The payer is the buyer identity chosen at checkout: the payment record customs matches against
    the declaration and the waybill (docs/rules.md, "Customs clearance")."""
    return Payment.objects.create(
        reference=_reference(),
        user=user,
        amount=amount_check_positive(amount),
        checkout_key=checkout_key,
        gateway=get_gateway().name,
        payer_name=payer_name,
        payer_id_number=payer_id_number,
    )


def payment_lock(*, payment: Payment | None = None, payment_id=None) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment.pk if payment else payment_id)


def payment_is_processing(*, payment: Payment) -> bool:
    return payment.attempts.filter(status=PaymentAttempt.Status.PROCESSING).exists()


def payment_check_not_processing(*, payment: Payment) -> None:
    if payment_is_processing(payment=payment):
        raise PaymentInProgress()


def payment_cancel(*, payment: Payment) -> None:
    """The checkout's orders were cancelled before payment (caller holds the payment lock)."""
    if payment.status == Payment.Status.REQUIRES_PAYMENT:
        payment.status = Payment.Status.CANCELLED
        payment.save(update_fields=["status"])


def payment_confirm(*, payment: Payment, user, card: Card, idempotency_key: str) -> PaymentAttempt:
    """Charge `card` for the payment. On success the orders become paid and their money is held in
    escrow; on a decline or an error the orders stay unpaid and the shopper may try again."""
    from orders import services as order_services
    from orders.models import Order, OrderEvent

    with transaction.atomic():
        payment = payment_lock(payment=payment)
        attempt = PaymentAttempt.objects.filter(idempotency_key=idempotency_key).first()
        if attempt is not None:
            if attempt.payment_id != payment.pk:
                raise IdempotencyKeyReused()
            return attempt  # the same submit again: the first answer, nothing charged twice
        if payment.status == Payment.Status.SUCCEEDED:
            raise PaymentAlreadyMade()
        if payment.status == Payment.Status.CANCELLED:
            raise PaymentCancelled()
        amount_check_positive(payment.amount)
        payment_check_not_processing(payment=payment)
        attempt = PaymentAttempt.objects.create(
            payment=payment, idempotency_key=idempotency_key, card_last4=card.last4
        )

    gateway = get_gateway()
    try:
        if not payment.gateway_reference:
            payment.gateway_reference = gateway.create_payment(
                amount=payment.amount.amount,
                currency=str(payment.amount.currency),
                reference=payment.reference,
                idempotency_key=f"{payment.reference}:create",
                transfer_group=payment.reference,
            )
            Payment.objects.filter(pk=payment.pk).update(gateway_reference=payment.gateway_reference)
        result = gateway.confirm(
            payment_id=payment.gateway_reference, card=card, idempotency_key=idempotency_key
        )
    except GatewayError as exc:
        result = GatewayResult(status="error", error_code="gateway_unreachable", error_message=str(exc)[:200])

    with transaction.atomic():
        payment = payment_lock(payment=payment)
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        attempt.status = {
            "succeeded": PaymentAttempt.Status.SUCCEEDED,
            "declined": PaymentAttempt.Status.DECLINED,
        }.get(result.status, PaymentAttempt.Status.ERROR)
        attempt.gateway_reference = result.reference
        attempt.error_code = result.error_code
        attempt.error_message = result.error_message[:200]
        attempt.save(update_fields=["status", "gateway_reference", "error_code", "error_message"])
        if result.succeeded:
            payment_succeeded(payment=payment, actor=user)
        else:
            for order in Order.objects.filter(payment=payment):
                order_services.order_note(
                    order,
                    kind=OrderEvent.Kind.PAYMENT_FAILED,
                    actor=user,
                    note=result.error_message or result.error_code,
                )
    return attempt


def payment_succeeded(*, payment: Payment, actor=None) -> None:
    """The gateway took the money (a card confirmed here, or Stripe's signed webhook): the one place a
    payment becomes paid. The caller holds the payment's row lock; a payment already paid changes
    nothing, so a duplicate webhook or a webhook racing the browser's return settles once. What the
    money was for decides what follows: a checkout's orders become paid and are held in escrow; a
    security deposit is held for its merchant (`deposits.deposit_payment_succeeded`)."""
    from orders import services as order_services

    if payment.status == Payment.Status.SUCCEEDED:
        return
    payment.status = Payment.Status.SUCCEEDED
    payment.paid_at = timezone.now()
    payment.save(update_fields=["status", "paid_at"])
    if payment.purpose == Payment.Purpose.ORDERS:
        orders = order_services.orders_mark_paid(payment=payment, actor=actor)
        escrow_hold(payment=payment, orders=orders)
    elif payment.purpose == Payment.Purpose.DEPOSIT:
        from .deposits import deposit_payment_succeeded

        deposit_payment_succeeded(payment=payment, actor=actor)


# ----------------------------------------------------------------------------------------- refunds


def refund_exists(*, idempotency_key: str) -> bool:
    return Refund.objects.filter(idempotency_key=idempotency_key).exists()


def order_check_no_refund_processing(*, order) -> None:
    if order.refunds.filter(status=Refund.Status.PROCESSING).exists():
        raise RefundInProgress()


def order_refund(
    *, order, idempotency_key: str, actor=None, parcel_returned: bool = False, staff_decision: bool = False
) -> Refund:
    """Refund a paid order in full through the gateway, out of its escrow. The order becomes
    refunded and its stock returns. Idempotent by key.

    `parcel_returned`: customs returned the parcel (`logistics.services.customs.customs_hold_resolve`),
    the one way a shipped order is refunded; its units are not put back on sale (they travel back to
    the store, which restocks them itself). `staff_decision`: finance staff refund a shipped or
    delivered order before release (`refunds.order_refund_by_staff`); the goods are with the buyer, so
    nothing is restocked.

    The amount is what the ledger holds for the order (escrow + tax; a compensation already paid from
    the escrow is not refunded twice), never more than was paid for it."""
    from orders import services as order_services
    from orders.errors import OrderNotCancellable
    from orders.models import Order, OrderEvent

    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("payment").get(pk=order.pk)
        refund = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if refund is not None:
            if refund.order_id != order.pk:
                raise IdempotencyKeyReused()
            return refund
        refundable = (Order.Status.PAID, Order.Status.SHIPPED) if parcel_returned else (Order.Status.PAID,)
        if staff_decision:
            refundable = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)
        if order.status not in refundable:
            raise OrderNotCancellable(Order.Status(order.status).label)
        order_check_no_refund_processing(order=order)
        amount = order_refundable_before_release(order)
        if amount <= 0:
            raise NothingToRefund()
        try:
            with transaction.atomic():
                refund = Refund.objects.create(
                    payment=order.payment,
                    order=order,
                    amount=Money(amount, "CNY"),
                    idempotency_key=idempotency_key,
                    reason=Refund.Reason.ORDER,
                )
        except IntegrityError as exc:
            raise IdempotencyKeyReused() from exc

    try:
        result = get_gateway().refund(
            payment_id=order.payment.gateway_reference,
            amount=refund.amount.amount,
            idempotency_key=idempotency_key,
        )
    except GatewayError as exc:
        result = GatewayResult(status="error", error_code="gateway_unreachable", error_message=str(exc)[:200])

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        refund.gateway_reference = result.reference
        if result.succeeded:
            refund.status = Refund.Status.SUCCEEDED
            refund.save(update_fields=["status", "gateway_reference"])
            escrow_refund(refund=refund, order=order)
            order_services.order_refunded(
                order=order,
                actor=actor,
                note=_("%(amount)s refunded to the card.") % {"amount": format_money(refund.amount)},
                parcel_returned=parcel_returned,
                restock=not staff_decision or order.status == Order.Status.PAID,
            )
        else:
            refund.status = Refund.Status.FAILED
            refund.error_message = result.error_message[:200]
            refund.save(update_fields=["status", "gateway_reference", "error_message"])
            order_services.order_note(
                order, kind=OrderEvent.Kind.REFUND_FAILED, actor=actor, note=result.error_code
            )
    if not result.succeeded:
        raise RefundFailed(result.error_message or result.error_code)
    return refund
