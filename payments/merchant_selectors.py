"""Reads of one merchant's money, from the ledger alone: its available balance, what escrow still holds
for its orders, its security deposit, its statement and its releases per day. Every read filters by
the merchant (a merchant's page never reads another's rows) and runs a fixed number of queries,
whatever the number of rows.

Signs: the ledger's entries are signed from the platform's side (a liability is a credit, negative);
the figures here are the merchant's side (money it has or receives is positive).
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from marketplace.errors import ExchangeRateMissing
from marketplace.money import FEN, from_cny, round_cny, round_currency
from marketplace.selectors import exchange_rates
from merchants.models import Merchant, SecurityDeposit
from merchants.selectors import (
    deposit_required_cny,
    merchants_in_special_categories,
    special_deposit_category_ids,
)

from .models import LedgerAccount, LedgerEntry, LedgerTransaction, Payment

# The kinds of movement a merchant's statement lists (its money moves; escrow holds and refunds
# before release do not touch it).
STATEMENT_KINDS = (
    LedgerTransaction.Kind.RELEASE,
    LedgerTransaction.Kind.REFUND_AFTER_RELEASE,
    LedgerTransaction.Kind.COMPENSATION,
    LedgerTransaction.Kind.TRANSFER_REVERSED,
    LedgerTransaction.Kind.PAYOUT,
    LedgerTransaction.Kind.PAYOUT_PAID,
    LedgerTransaction.Kind.PAYOUT_FAILED,
    LedgerTransaction.Kind.DEPOSIT_PAID,
    LedgerTransaction.Kind.DEPOSIT_DRAWN,
)
RELEASE_CHART_DAYS = 30


def _sum(value) -> Decimal:
    """A database sum as an exact Decimal at two places (SQLite sums decimals as floating point)."""
    return Decimal(str(value or 0)).quantize(FEN)


def _merchant_account_total(merchant: Merchant, account: str) -> Decimal:
    total = LedgerEntry.objects.filter(
        account=account, merchant=merchant, amount_currency=merchant.settlement_currency or "CNY"
    ).aggregate(t=Sum("amount"))["t"]
    return _sum(total)


def merchant_balance(merchant: Merchant) -> Decimal:
    """Released money not yet paid out, in the merchant's currency."""
    return -_merchant_account_total(merchant, LedgerAccount.MERCHANT_BALANCE)


def deposit_held(merchant: Merchant) -> Decimal:
    """The security deposit the platform holds for the merchant, in its currency (paid less drawn)."""
    return -_merchant_account_total(merchant, LedgerAccount.MERCHANT_DEPOSIT)


def escrow_for_merchant(merchant: Merchant) -> Decimal:
    """CNY still held in escrow for the merchant's orders (paid, not yet released or refunded)."""
    total = LedgerEntry.objects.filter(
        account=LedgerAccount.ESCROW, order__merchant=merchant, amount_currency="CNY"
    ).aggregate(t=Sum("amount"))["t"]
    return round_cny(-_sum(total))


# --- The deposit ---------------------------------------------------------------------------------


@dataclass
class Requirement:
    """What a merchant must keep on deposit: `required` in its currency is `required_cny` at `rate`."""

    required: Decimal
    required_cny: Decimal
    special: bool
    rate: Decimal
    currency: str


def _rate(currency: str, rates: dict | None) -> Decimal:
    if currency == "CNY":
        return Decimal("1")
    rates = exchange_rates() if rates is None else rates
    if currency not in rates:
        raise ExchangeRateMissing(currency)
    return Decimal(rates[currency])


def deposit_requirement(
    merchant: Merchant, deposit: SecurityDeposit | None = None, *, special=None, rates=None
) -> Requirement:
    """The requirement now. The CNY amount follows the categories (`deposit_required_cny`). In the
    merchant's currency: the stored amount once the deposit has been paid in full and while the CNY
    requirement is unchanged (a moving exchange rate alone never makes a shortfall); otherwise the CNY
    amount at today's rate, rounded once to the currency's minor unit (`from_cny`)."""
    currency = merchant.settlement_currency
    required_cny, special = deposit_required_cny(merchant, special=special)
    if (
        deposit is not None
        and deposit.paid_at is not None
        and deposit.required_cny == required_cny
        and str(deposit.required.currency) == currency
    ):
        return Requirement(deposit.required.amount, required_cny, special, deposit.rate, currency)
    rate = _rate(currency, rates)
    return Requirement(from_cny(required_cny, rate, currency), required_cny, special, rate, currency)


@dataclass
class DepositStatus:
    currency: str
    required: Decimal
    required_cny: Decimal
    special: bool
    held: Decimal
    paid_at: datetime | None = None
    shortfall_since: datetime | None = None
    reminded_at: datetime | None = None
    suspended_at: datetime | None = None
    awaiting: bool = False  # the store stays closed until it is paid
    open_payment: Payment | None = None
    now: datetime = field(default_factory=timezone.now)

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.held, Decimal("0.00"))

    @property
    def is_paid(self) -> bool:
        return self.shortfall == 0

    @property
    def suspend_on(self) -> datetime | None:
        """When the daily check suspends the store if the shortfall is not made up."""
        if self.reminded_at is None or self.suspended_at is not None:
            return None
        return self.reminded_at + timedelta(days=settings.SECURITY_DEPOSIT_GRACE_DAYS)

    @property
    def days_left(self) -> int | None:
        if self.suspend_on is None:
            return None
        return max(0, -(-int((self.suspend_on - self.now).total_seconds()) // 86400))


def deposit_status(merchant: Merchant, *, now=None) -> DepositStatus:
    """Where the merchant's deposit stands (four queries; nothing is written)."""
    deposit = SecurityDeposit.objects.filter(merchant=merchant).first()
    requirement = deposit_requirement(merchant, deposit)
    open_payment = Payment.objects.filter(
        merchant=merchant, purpose=Payment.Purpose.DEPOSIT, status=Payment.Status.REQUIRES_PAYMENT
    ).first()
    return DepositStatus(
        currency=requirement.currency,
        required=requirement.required,
        required_cny=requirement.required_cny,
        special=requirement.special,
        held=deposit_held(merchant),
        paid_at=deposit and deposit.paid_at,
        shortfall_since=deposit and deposit.shortfall_since,
        reminded_at=deposit and deposit.reminded_at,
        suspended_at=deposit and deposit.suspended_at,
        awaiting=merchant.awaiting_deposit,
        open_payment=open_payment,
        now=now or timezone.now(),
    )


def deposits_for_staff(*, now=None) -> list[tuple[Merchant, DepositStatus]]:
    """Every store past review with its deposit (who has paid), in a fixed number of queries: the
    stores with their deposit rows, the held sums, the special-category stores, the rates."""
    now = now or timezone.now()
    merchants = list(
        Merchant.objects.exclude(status=Merchant.Status.PENDING)
        .select_related("security_deposit")
        .order_by("slug")
    )
    held: dict[tuple[int, str], Decimal] = {}
    rows = (
        LedgerEntry.objects.filter(account=LedgerAccount.MERCHANT_DEPOSIT, merchant__isnull=False)
        .order_by()
        .values_list("merchant_id", "amount_currency")
        .annotate(total=Sum("amount"))
    )
    for merchant_id, currency, total in rows:
        held[(merchant_id, currency)] = -_sum(total)
    special = merchants_in_special_categories(special_ids=special_deposit_category_ids())
    rates = exchange_rates()
    result = []
    for merchant in merchants:
        deposit = getattr(merchant, "security_deposit", None)
        try:
            requirement = deposit_requirement(merchant, deposit, special=merchant.pk in special, rates=rates)
        except ExchangeRateMissing:  # a currency without a rate yet: nothing to compare with
            continue
        result.append(
            (
                merchant,
                DepositStatus(
                    currency=requirement.currency,
                    required=requirement.required,
                    required_cny=requirement.required_cny,
                    special=requirement.special,
                    held=held.get((merchant.pk, merchant.settlement_currency), Decimal("0.00")),
                    paid_at=deposit and deposit.paid_at,
                    shortfall_since=deposit and deposit.shortfall_since,
                    reminded_at=deposit and deposit.reminded_at,
                    suspended_at=deposit and deposit.suspended_at,
                    awaiting=merchant.awaiting_deposit,
                    now=now,
                ),
            )
        )
    return result


# --- The overview --------------------------------------------------------------------------------


@dataclass
class FinanceOverview:
    currency: str
    balance: Decimal
    escrow_cny: Decimal
    escrow_approx: Decimal | None  # the escrow in the merchant's currency at today's rate
    deposit: DepositStatus


def finance_overview(merchant: Merchant) -> FinanceOverview:
    currency = merchant.settlement_currency
    escrow = escrow_for_merchant(merchant)
    try:
        approx = from_cny(escrow, _rate(currency, None), currency)
    except ExchangeRateMissing:
        approx = None
    return FinanceOverview(
        currency=currency,
        balance=merchant_balance(merchant),
        escrow_cny=escrow,
        escrow_approx=approx,
        deposit=deposit_status(merchant),
    )


def releases_per_day(merchant: Merchant, *, days: int = RELEASE_CHART_DAYS, today=None) -> list[tuple]:
    """[(date, net amount released to the merchant that day, in its currency)] for the last `days`
    days (China time), oldest first, zero on days without a release. One query."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        LedgerEntry.objects.filter(
            account=LedgerAccount.MERCHANT_BALANCE,
            merchant=merchant,
            amount_currency=merchant.settlement_currency,
            transaction__kind=LedgerTransaction.Kind.RELEASE,
            transaction__created_at__gte=since,
        )
        .annotate(day=TruncDate("transaction__created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day")
        .annotate(total=Sum("amount"))
    )
    by_day = {day: -_sum(total) for day, total in rows}
    return [
        (first + timedelta(days=n), by_day.get(first + timedelta(days=n), Decimal("0.00")))
        for n in range(days)
    ]


# --- The statement -------------------------------------------------------------------------------


def _entry_sum(account: str, merchant: Merchant | None = None, currency: str | None = None):
    condition = Q(entries__account=account)
    if merchant is not None:
        condition &= Q(entries__merchant=merchant)
    if currency is not None:
        condition &= Q(entries__amount_currency=currency)
    return Sum("entries__amount", filter=condition)


def statement(merchant: Merchant) -> QuerySet[LedgerTransaction]:
    """Every movement of the merchant's money, newest first, one row per ledger transaction, with its
    figures annotated (one query however many rows; the caller filters and paginates):
    `gross_total` (CNY held for the order, at a release), `commission_total` (CNY, the platform's),
    `balance_total` and `deposit_total` (its available balance and its deposit, in its currency, as
    the ledger signs them: `statement_row` turns them to the merchant's side)."""
    currency = merchant.settlement_currency
    touches = LedgerEntry.objects.filter(transaction=OuterRef("pk"), merchant=merchant)
    return (
        LedgerTransaction.objects.filter(kind__in=STATEMENT_KINDS)
        .filter(Q(merchant=merchant) | Exists(touches))
        .select_related("order")
        .annotate(
            gross_total=_entry_sum(LedgerAccount.ESCROW, currency="CNY"),
            commission_total=_entry_sum(LedgerAccount.PLATFORM_REVENUE, currency="CNY"),
            balance_total=_entry_sum(LedgerAccount.MERCHANT_BALANCE, merchant, currency),
            deposit_total=_entry_sum(LedgerAccount.MERCHANT_DEPOSIT, merchant, currency),
        )
        .order_by("-created_at", "-id")
    )


@dataclass
class StatementRow:
    """One line of the statement, from the merchant's side: `amount` is the change of its available
    balance, `deposit` the change of its deposit (both in its currency, + in, - out); `gross` and
    `commission` (CNY) are filled for a sale released (and a commission given back)."""

    id: int
    created_at: datetime
    kind: str
    kind_label: str
    order_number: str
    description: str
    gross: Decimal | None
    commission: Decimal | None
    amount: Decimal
    deposit: Decimal
    currency: str


def statement_row(txn: LedgerTransaction, currency: str) -> StatementRow:
    gross = _sum(txn.gross_total) if txn.gross_total is not None else None
    commission = -_sum(txn.commission_total) if txn.commission_total is not None else None
    return StatementRow(
        id=txn.pk,
        created_at=txn.created_at,
        kind=txn.kind,
        kind_label=str(txn.get_kind_display()),
        order_number=txn.order.number if txn.order_id else "",
        description=txn.description,
        gross=gross if gross else None,
        commission=commission if commission else None,
        amount=round_currency(-_sum(txn.balance_total), currency),
        deposit=round_currency(-_sum(txn.deposit_total), currency),
        currency=currency,
    )
