"""Payouts: the merchant's available balance paid out, on request, weekly, or (Stripe mode) order by
order after release (docs/rules.md, "Payouts, refunds after release and compensation").

- Available balance = the merchant's `merchant_balance` account in its settlement currency (credits
  are negative in the ledger; shown positive). A payout moves money at once from the balance to
  `payout_in_transit` (ledger kind `payout`); when the money has left, `payout_paid` takes it out of
  transit against `gateway_clearing`; when it fails, `payout_failed` puts it back on the balance.
- Never more than the balance, whatever runs at once: every payout of a merchant is decided under the
  row lock of its `PayoutAccount` (created on demand), and the balance is read from the ledger under
  that lock.
- Method: a Stripe Connect transfer when the gateway supports transfers and the merchant's connected
  account is complete; otherwise a bank payout that finance staff gather into a `PayoutBatch`, export
  for the bank and mark paid with the bank's reference.
- Transfers: the payout's idempotency key is stored with the payout (before any gateway call); a
  Celery task queued on commit calls the gateway without any lock held, then locks and records the
  outcome once. A transient `GatewayError` is retried by the task with the same key.
"""

import csv
import io
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from djmoney.money import Money

from marketplace.money import format_money, from_cny, round_currency

from .. import merchant_selectors
from ..errors import (
    BankReferenceRequired,
    BatchAlreadyPaid,
    NotFinanceStaff,
    NothingToBatch,
    NotMerchantMember,
    PayoutAccountIncomplete,
    PayoutBelowMinimum,
    PayoutExceedsBalance,
    PayoutNotChangeable,
    PayoutsHeld,
    ReasonRequired,
    amount_check_positive,
)
from ..gateways import GatewayError, get_gateway
from ..models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    PaymentAttempt,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutEvent,
)
from ..permissions import can_manage_finance
from .core import ledger_post
from .release import RELEASE_FOLLOWUPS

__all__ = [
    "merchant_currency",
    "merchant_available_balance",
    "merchant_deposit_held",
    "payout_minimum",
    "payout_account_for",
    "payout_account_lock",
    "payout_account_update",
    "payout_request",
    "payouts_run_scheduled",
    "payout_transfer_send",
    "release_transfer_create",
    "payment_charge_reference",
    "payout_batch_create",
    "payout_batch_csv",
    "payout_batch_mark_paid",
    "payout_mark_failed",
    "transfers_available",
    "payout_transfers_resume",
    "payouts_held",
]


def _reference(prefix: str) -> str:
    return f"{prefix}{timezone.localtime():%y%m%d}{secrets.token_hex(4).upper()}"


def merchant_currency(merchant) -> str:
    return merchant.settlement_currency or "CNY"


def merchant_available_balance(merchant) -> Money:
    """What the platform owes the merchant and may pay out now, in its settlement currency (read
    from the ledger, exact to the cent on every database: `merchant_selectors.merchant_balance`)."""
    return Money(merchant_selectors.merchant_balance(merchant), merchant_currency(merchant))


def merchant_deposit_held(merchant) -> Money:
    return Money(merchant_selectors.deposit_held(merchant), merchant_currency(merchant))


def payout_minimum(merchant) -> Money:
    """`PAYOUT_MINIMUM_CNY` in the merchant's currency at today's rate (CNY per unit), rounded once,
    half up, to that currency's minor unit (`marketplace.money.from_cny`)."""
    from marketplace.errors import ExchangeRateMissing
    from marketplace.selectors import exchange_rates

    currency = merchant_currency(merchant)
    minimum_cny = Decimal(str(settings.PAYOUT_MINIMUM_CNY))
    if currency == "CNY":
        return Money(from_cny(minimum_cny, Decimal("1"), "CNY"), "CNY")
    rate = exchange_rates().get(currency)
    if not rate:
        raise ExchangeRateMissing(currency)
    return Money(from_cny(minimum_cny, rate, currency), currency)


def transfers_available(account: PayoutAccount | None, gateway=None) -> bool:
    gateway = gateway or get_gateway()
    return bool(
        gateway.supports_transfers
        and account is not None
        and account.stripe_account_id
        and account.stripe_details_submitted
    )


def _bank_details_complete(account: PayoutAccount) -> bool:
    return bool(account.bank_account_name and account.bank_name and account.bank_account_number)


def payout_account_for(merchant) -> PayoutAccount:
    """The merchant's payout account, created empty on first use (a unique row per merchant)."""
    account = PayoutAccount.objects.filter(merchant=merchant).first()
    if account is None:
        try:
            with transaction.atomic():
                account = PayoutAccount.objects.create(merchant=merchant)
        except IntegrityError:  # created meanwhile by a concurrent request
            account = PayoutAccount.objects.get(merchant=merchant)
    return account


def payout_account_lock(merchant) -> PayoutAccount:
    """Lock the merchant's payout account: every payout decision of a merchant happens under it."""
    payout_account_for(merchant)
    return PayoutAccount.objects.select_for_update().get(merchant=merchant)


def payouts_held(merchant) -> bool:
    """A suspended or blacklisted store is not paid out: its balance stays to cover refunds."""
    return merchant.status in (merchant.Status.SUSPENDED, merchant.Status.BLACKLISTED)


def _check_member(merchant, actor) -> None:
    if actor is None:
        return  # the scheduled job
    if getattr(actor, "merchant", None) is None or actor.merchant.pk != merchant.pk:
        raise NotMerchantMember()


def payout_account_update(
    *, merchant, actor, bank_account_name: str, bank_name: str, bank_account_number: str
):
    """The bank account a merchant is paid to without Stripe (IBAN stored without spaces, upper case)."""
    _check_member(merchant, actor)
    with transaction.atomic():
        account = payout_account_lock(merchant)
        account.bank_account_name = bank_account_name.strip()[:120]
        account.bank_name = bank_name.strip()[:120]
        account.bank_account_number = "".join(bank_account_number.split()).upper()[:40]
        account.save(update_fields=["bank_account_name", "bank_name", "bank_account_number", "updated_at"])
    return account


def _event(payout, to_status, *, from_status="", actor=None, note="", txn=None) -> PayoutEvent:
    return PayoutEvent.objects.create(
        payout=payout,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note[:300],
        transaction=txn,
    )


def _set_status(payout: Payout, to_status: str, *, actor=None, note="", txn=None, **fields) -> None:
    """The one way a payout's status changes (caller holds the payout's row lock)."""
    from_status = payout.status
    if to_status not in Payout.TRANSITIONS[Payout.Status(from_status)]:
        raise PayoutNotChangeable(Payout.Status(from_status).label)
    payout.status = to_status
    for name, value in fields.items():
        setattr(payout, name, value)
    payout.save(update_fields=["status", *fields])
    _event(payout, to_status, from_status=from_status, actor=actor, note=note, txn=txn)
    _notify_store(payout, to_status)


def _notify_store(payout: Payout, status: str) -> None:
    """A payout paid or failed: the store's staff hear it, by email too (in this transaction). A
    release's own Stripe transfer is not announced when it succeeds (the release was), only if it fails."""
    from marketplace.notifications.models import Notification
    from marketplace.notifications.services import notify_store

    if status == Payout.Status.PAID and payout.kind == Payout.Kind.RELEASE_TRANSFER:
        return  # each release's own transfer: the store heard of the release already
    if status == Payout.Status.PAID:
        title = gettext_lazy("Payout %(reference)s was paid")
        body = gettext_lazy("%(amount)s was paid to your account.")
    elif status == Payout.Status.FAILED:
        title = gettext_lazy("Payout %(reference)s failed")
        body = gettext_lazy("%(amount)s could not be paid (%(reason)s) and is back in your balance.")
    else:
        return
    notify_store(
        merchant=payout.merchant,
        kind=Notification.Kind.PAYOUT,
        title=title,
        body=body,
        params={
            "reference": payout.reference,
            "amount": lambda: format_money(payout.amount),
            "reason": payout.failure_reason,
        },
        url=reverse("seller_payouts:list"),
        email=True,
        dedupe_key=f"payout-{payout.pk}-{status}",
    )


def _payout_create(*, account, merchant, amount: Money, kind, method, actor=None, order=None) -> Payout:
    """Inside the caller's transaction holding the payout account's lock: the payout row with its
    idempotency key, and the ledger moving the amount from the balance to payouts in transit."""
    reference = _reference("PO")
    payout = Payout.objects.create(
        reference=reference,
        merchant=merchant,
        amount=amount,
        method=method,
        kind=kind,
        order=order,
        idempotency_key=f"payout:{reference}",
        requested_by=actor,
    )
    txn = ledger_post(
        kind=LedgerTransaction.Kind.PAYOUT,
        entries=[
            (LedgerAccount.MERCHANT_BALANCE, order, amount, merchant),
            (LedgerAccount.PAYOUT_IN_TRANSIT, order, -amount, merchant),
        ],
        order=order,
        merchant=merchant,
        description=f"payout {reference}",
    )
    _event(payout, Payout.Status.REQUESTED, actor=actor, txn=txn)
    if method == Payout.Method.STRIPE_TRANSFER:
        from ..tasks import payout_transfer

        transaction.on_commit(lambda pk=payout.pk: payout_transfer.delay(pk))
    return payout


def payout_request(*, merchant, actor, amount, kind: str = Payout.Kind.ON_REQUEST) -> Payout:
    """Pay out `amount` (the merchant's currency) of the available balance: at least the minimum,
    at most the balance. With `actor` None (the weekly run) no membership check."""
    _check_member(merchant, actor)
    if payouts_held(merchant):
        raise PayoutsHeld(merchant.get_status_display())
    currency = merchant_currency(merchant)
    value = amount_check_positive(amount)
    if round_currency(value, currency) != value:
        from ..errors import InvalidPaymentAmount

        raise InvalidPaymentAmount(value)
    minimum = payout_minimum(merchant)
    if value < minimum.amount:
        raise PayoutBelowMinimum(format_money(minimum))
    gateway = get_gateway()
    with transaction.atomic():
        account = payout_account_lock(merchant)
        available = merchant_available_balance(merchant)
        if value > available.amount:
            raise PayoutExceedsBalance(format_money(available))
        if transfers_available(account, gateway):
            method = Payout.Method.STRIPE_TRANSFER
        elif _bank_details_complete(account):
            method = Payout.Method.BANK_BATCH
        else:
            raise PayoutAccountIncomplete()
        return _payout_create(
            account=account,
            merchant=merchant,
            amount=Money(value, currency),
            kind=kind,
            method=method,
            actor=actor,
        )


def payouts_run_scheduled() -> int:
    """The weekly run (`PAYOUT_WEEKDAY`): each merchant's whole available balance, when it reaches the
    minimum and the merchant can be paid (a complete bank account or connected account). Returns how
    many payouts it made."""
    from marketplace.errors import DomainError
    from merchants.models import Merchant

    merchant_ids = (
        LedgerEntry.objects.filter(account=LedgerAccount.MERCHANT_BALANCE, merchant__isnull=False)
        .values_list("merchant_id", flat=True)
        .distinct()
    )
    made = 0
    for merchant in Merchant.objects.filter(pk__in=list(merchant_ids)).order_by("pk"):
        available = merchant_available_balance(merchant)
        if available.amount <= 0:
            continue
        try:
            payout_request(merchant=merchant, actor=None, amount=available.amount, kind=Payout.Kind.SCHEDULED)
        except DomainError:
            continue  # below the minimum, no account to pay to, or the balance moved meanwhile
        made += 1
    return made


# --------------------------------------------------------------------------- Stripe Connect transfers


def payment_charge_reference(payment) -> str:
    """The gateway's id of the charge that took the payment's money (the succeeded attempt's)."""
    own = getattr(payment, "charge_reference", "")
    if own:
        return own
    attempt = (
        PaymentAttempt.objects.filter(payment=payment, status=PaymentAttempt.Status.SUCCEEDED)
        .exclude(gateway_reference="")
        .order_by("-id")
        .first()
    )
    return attempt.gateway_reference if attempt else ""


def payout_transfer_send(*, payout_id: int) -> Payout:
    """Send a Stripe payout: mark it processing, call the gateway with its stored key (no lock held),
    then record the outcome once. Raises `GatewayError` when the gateway could not be reached: the
    payout stays processing and the task retries with the same key."""
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status in (Payout.Status.PAID, Payout.Status.FAILED):
            return payout
        if payout.status == Payout.Status.REQUESTED:
            _set_status(payout, Payout.Status.PROCESSING)
        account = PayoutAccount.objects.get(merchant_id=payout.merchant_id)
        transfer_group = source_transaction = ""
        if payout.order_id:
            payment = payout.order.payment
            transfer_group = payment.reference
            source_transaction = payment_charge_reference(payment)

    result = get_gateway().transfer(
        amount=payout.amount.amount,
        currency=str(payout.amount.currency),
        destination=account.stripe_account_id,
        transfer_group=transfer_group,
        source_transaction=source_transaction,
        idempotency_key=payout.idempotency_key,
    )

    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != Payout.Status.PROCESSING:
            return payout  # a concurrent run recorded it first
        if result.succeeded:
            txn = ledger_post(
                kind=LedgerTransaction.Kind.PAYOUT_PAID,
                entries=[
                    (LedgerAccount.PAYOUT_IN_TRANSIT, payout.order, payout.amount, payout.merchant),
                    (LedgerAccount.GATEWAY_CLEARING, None, -payout.amount),
                ],
                order=payout.order,
                merchant=payout.merchant,
                description=f"payout {payout.reference} transfer {result.reference}",
            )
            _set_status(
                payout,
                Payout.Status.PAID,
                txn=txn,
                note=result.reference,
                gateway_reference=result.reference,
                paid_at=timezone.now(),
            )
        else:
            _payout_fail(payout, reason=result.error_message or result.error_code, actor=None)
    return payout


def payout_transfers_resume(*, older_than=None) -> int:
    """Queue again every Stripe payout still requested or processing after `older_than` (default one
    hour): a task that exhausted its retries, or a worker lost with its message. The stored key makes
    a repeated transfer harmless. Returns how many were queued."""
    from datetime import timedelta

    from ..tasks import payout_transfer

    cutoff = timezone.now() - (older_than if older_than is not None else timedelta(hours=1))
    stuck = list(
        Payout.objects.filter(
            method=Payout.Method.STRIPE_TRANSFER,
            status__in=(Payout.Status.REQUESTED, Payout.Status.PROCESSING),
            created_at__lt=cutoff,
        ).values_list("pk", flat=True)
    )
    for pk in stuck:
        transaction.on_commit(lambda pk=pk: payout_transfer.delay(pk))
    return len(stuck)


def _payout_fail(payout: Payout, *, reason: str, actor) -> None:
    txn = ledger_post(
        kind=LedgerTransaction.Kind.PAYOUT_FAILED,
        entries=[
            (LedgerAccount.PAYOUT_IN_TRANSIT, payout.order, payout.amount, payout.merchant),
            (LedgerAccount.MERCHANT_BALANCE, payout.order, -payout.amount, payout.merchant),
        ],
        order=payout.order,
        merchant=payout.merchant,
        description=f"payout {payout.reference} failed",
    )
    _set_status(payout, Payout.Status.FAILED, actor=actor, note=reason, txn=txn, failure_reason=reason[:300])


def release_transfer_create(release_txn_id: int) -> Payout | None:
    """`RELEASE_FOLLOWUPS`: after an order's release commits, in Stripe mode, transfer the merchant's
    net for that order to its connected account (a `release_transfer` payout, once per order, at most
    the available balance), tied to the order's charge (`source_transaction`) and transfer group."""
    gateway = get_gateway()
    if not gateway.supports_transfers:
        return None
    txn = LedgerTransaction.objects.select_related("order", "merchant").get(pk=release_txn_id)
    merchant, order = txn.merchant, txn.order
    if merchant is None or order is None or payouts_held(merchant):
        return None
    account = PayoutAccount.objects.filter(merchant=merchant).first()
    if not transfers_available(account, gateway):
        return None
    currency = merchant_currency(merchant)
    credited = txn.entries.filter(account=LedgerAccount.MERCHANT_BALANCE, amount_currency=currency).aggregate(
        t=Sum("amount")
    )["t"]
    net = -(credited or Decimal("0"))
    with transaction.atomic():
        account = payout_account_lock(merchant)
        if Payout.objects.filter(kind=Payout.Kind.RELEASE_TRANSFER, order=order).exists():
            return None
        amount = min(net, merchant_available_balance(merchant).amount)
        if amount <= 0:
            return None
        return _payout_create(
            account=account,
            merchant=merchant,
            amount=Money(amount, currency),
            kind=Payout.Kind.RELEASE_TRANSFER,
            method=Payout.Method.STRIPE_TRANSFER,
            order=order,
        )


if release_transfer_create not in RELEASE_FOLLOWUPS:
    RELEASE_FOLLOWUPS.append(release_transfer_create)


# --------------------------------------------------------------------------------- bank payout batches


def _check_finance(actor) -> None:
    if not can_manage_finance(actor):
        raise NotFinanceStaff()


def payout_batch_create(*, actor, payout_ids=None) -> PayoutBatch:
    """Gather the requested bank payouts (all, or those named) into a new batch; they become
    processing."""
    _check_finance(actor)
    with transaction.atomic():
        waiting = Payout.objects.filter(
            method=Payout.Method.BANK_BATCH, status=Payout.Status.REQUESTED, batch__isnull=True
        )
        if payout_ids is not None:
            waiting = waiting.filter(pk__in=list(payout_ids))
        payouts = list(waiting.select_for_update().order_by("pk"))
        if not payouts:
            raise NothingToBatch()
        batch = PayoutBatch.objects.create(reference=_reference("PB"), created_by=actor)
        for payout in payouts:
            _set_status(payout, Payout.Status.PROCESSING, actor=actor, note=batch.reference, batch=batch)
    return batch


# Cells a spreadsheet would read as a formula get a leading apostrophe (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


CSV_HEADER = ["merchant", "account_holder", "bank", "iban", "amount", "currency", "reference"]


def payout_batch_csv(*, batch: PayoutBatch, actor) -> str:
    """The batch as the bank's CSV, one row per payout still to pay; the first export is recorded."""
    _check_finance(actor)
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.exported_at is None:
            batch.exported_at = timezone.now()
            batch.save(update_fields=["exported_at"])
    payouts = list(
        batch.payouts.exclude(status=Payout.Status.FAILED).select_related("merchant").order_by("pk")
    )
    accounts = PayoutAccount.objects.in_bulk([p.merchant_id for p in payouts], field_name="merchant_id")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for payout in payouts:
        account = accounts.get(payout.merchant_id)
        writer.writerow(
            [
                _cell(payout.merchant.name),
                _cell(account.bank_account_name if account else ""),
                _cell(account.bank_name if account else ""),
                _cell(account.bank_account_number if account else ""),
                f"{payout.amount.amount:.2f}",
                str(payout.amount.currency),
                payout.reference,
            ]
        )
    return out.getvalue()


def payout_batch_mark_paid(*, batch: PayoutBatch, actor, bank_reference: str) -> PayoutBatch:
    """The bank paid the batch: each payout in it still processing becomes paid (`payout_paid`)."""
    _check_finance(actor)
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise BankReferenceRequired()
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.paid_at is not None:
            if batch.bank_reference == bank_reference[:80]:
                return batch  # the same request again
            raise BatchAlreadyPaid(batch.bank_reference)
        now = timezone.now()
        for payout in (
            batch.payouts.select_for_update().filter(status=Payout.Status.PROCESSING).order_by("pk")
        ):
            txn = ledger_post(
                kind=LedgerTransaction.Kind.PAYOUT_PAID,
                entries=[
                    (LedgerAccount.PAYOUT_IN_TRANSIT, None, payout.amount, payout.merchant),
                    (LedgerAccount.GATEWAY_CLEARING, None, -payout.amount),
                ],
                merchant=payout.merchant,
                description=f"payout {payout.reference} bank {bank_reference}"[:200],
            )
            _set_status(
                payout,
                Payout.Status.PAID,
                actor=actor,
                note=bank_reference,
                txn=txn,
                gateway_reference=bank_reference[:64],
                paid_at=now,
            )
        batch.paid_at = now
        batch.paid_by = actor
        batch.bank_reference = bank_reference[:80]
        batch.save(update_fields=["paid_at", "paid_by", "bank_reference"])
    return batch


def payout_mark_failed(*, payout: Payout, actor, reason: str) -> Payout:
    """A bank payout the bank could not pay (before its batch is marked paid): its money goes back to
    the merchant's balance (`payout_failed`)."""
    _check_finance(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.method != Payout.Method.BANK_BATCH or payout.status not in (
            Payout.Status.REQUESTED,
            Payout.Status.PROCESSING,
        ):
            raise PayoutNotChangeable(Payout.Status(payout.status).label)
        _payout_fail(payout, reason=reason, actor=actor)
    return payout


def merchant_payouts(merchant):
    return (
        Payout.objects.filter(merchant=merchant)
        .select_related("batch", "order")
        .order_by("-created_at", "-id")
    )


def bank_payouts_waiting():
    return (
        Payout.objects.filter(method=Payout.Method.BANK_BATCH)
        .filter(Q(status=Payout.Status.REQUESTED) | Q(status=Payout.Status.PROCESSING))
        .select_related("merchant", "batch")
        .order_by("created_at", "id")
    )


__all__ += ["merchant_payouts", "bank_payouts_waiting", "GatewayError"]


# ------------------------------------------------------------------------------------ reconciliation


def _transfers_source(since, until):
    """Reconciliation's "transfer" movements: every Stripe payout that got an answer in the window,
    with the amount the ledger credited to the gateway's clearing account when it was paid."""
    from .reconciliation import LedgerMovement

    payouts = list(
        Payout.objects.filter(method=Payout.Method.STRIPE_TRANSFER).filter(
            Q(status=Payout.Status.PAID, paid_at__gte=since, paid_at__lt=until)
            | Q(status=Payout.Status.FAILED, created_at__gte=since, created_at__lt=until)
        )
    )
    events = PayoutEvent.objects.filter(
        payout_id__in=[p.pk for p in payouts], to_status=Payout.Status.PAID, transaction__isnull=False
    )
    payout_of_txn = dict(events.values_list("transaction_id", "payout_id"))
    booked = {}
    for row in (
        LedgerEntry.objects.filter(
            account=LedgerAccount.GATEWAY_CLEARING, amount__lt=0, transaction_id__in=list(payout_of_txn)
        )
        .values("transaction_id", "amount_currency")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        booked[payout_of_txn[row["transaction_id"]]] = (row["amount_currency"], -row["total"])
    movements = []
    for payout in payouts:
        paid = payout.status == Payout.Status.PAID
        currency, amount = booked.get(payout.pk, (str(payout.amount.currency), Decimal("0")))
        movements.append(
            LedgerMovement(
                movement="transfer",
                our_reference=f"payout {payout.reference}",
                amount=(amount if paid else payout.amount.amount).quantize(Decimal("0.01")),
                currency=currency,
                status="succeeded" if paid else "failed",
                occurred_at=payout.paid_at if paid else payout.created_at,
                reference=payout.gateway_reference,
                idempotency_key=payout.idempotency_key,
            )
        )
    return movements


def _reversals_source(since, until):
    """Reconciliation's "transfer_reversal" movements: release transfers reversed in the window, with
    the amount the ledger debited back to the clearing account (`transfer_reversed`)."""
    from .reconciliation import LedgerMovement

    payouts = list(Payout.objects.filter(reversed_at__gte=since, reversed_at__lt=until))
    events = PayoutEvent.objects.filter(
        payout_id__in=[p.pk for p in payouts], transaction__kind=LedgerTransaction.Kind.TRANSFER_REVERSED
    )
    payout_of_txn = dict(events.values_list("transaction_id", "payout_id"))
    booked = {
        payout_of_txn[txn_id]: amount
        for txn_id, amount in LedgerEntry.objects.filter(
            account=LedgerAccount.GATEWAY_CLEARING, amount__gt=0, transaction_id__in=list(payout_of_txn)
        ).values_list("transaction_id", "amount")
    }
    return [
        LedgerMovement(
            movement="transfer_reversal",
            our_reference=f"payout {payout.reference} reversed",
            amount=Decimal(booked.get(payout.pk, 0)).quantize(Decimal("0.01")),
            currency=str(payout.amount.currency),
            status="succeeded",
            occurred_at=payout.reversed_at,
            reference=payout.reversal_reference,
            idempotency_key=payout.reversal_key,
        )
        for payout in payouts
    ]


def _register_reconciliation_sources():
    from .reconciliation import LEDGER_SOURCES

    LEDGER_SOURCES.setdefault("transfer", _transfers_source)
    LEDGER_SOURCES.setdefault("transfer_reversal", _reversals_source)


_register_reconciliation_sources()
