"""Reads for the staff finance page and its API (docs/rules.md, "Staff finance and reconciliation").

Every figure is derived from the ledger alone, by two aggregate queries whatever the number of
merchants or days: the balances before the window (per account, currency and merchant) and the
window's movements (per local day, transaction kind, account, currency and merchant, debits and
credits apart). Everything else is arithmetic on those rows. Days are Asia/Shanghai days
(`TIME_ZONE`); a window is whole days, `since` and `until` both included.

What each figure is (CNY unless it says "merchant currency"):
- escrow held: the credit balance of `escrow` at the end of the day / window.
- released: debits to `escrow` by release transactions (the gross held money released).
- released net (merchant currency): credits to `merchant_balance` by releases.
- refunded before release: credits to `gateway_clearing` by `refund` transactions (back to the card).
- refunded after release: credits to `gateway_clearing` by `refund_released` transactions; the
  merchant side (merchant currency) is what those transactions debit from its balance and deposit.
- commission: net credits to `platform_revenue`, whatever the kind (a refund after release may
  give commission back).
- compensation: credits to `gateway_clearing` by `compensation` transactions; merchant side as above.
- deposits paid / drawn (merchant currency): credits / debits to `merchant_deposit`; held: its
  credit balance at the end.
- payouts (merchant currency): credits to `payout_in_transit` (money sent to the merchant).
- positions: each account's balance per currency at the end (liabilities shown as positive); the
  FX account's balance in a currency is the platform's own position in it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import LedgerAccount, LedgerEntry, LedgerTransaction

Kind = LedgerTransaction.Kind
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_DAYS = 366

# The merchant an entry concerns: its own tag, else its order's store, else its transaction's, else
# (a refund before release, whose transaction names no order) the refunded order's store.
MERCHANT_OF_ENTRY = Coalesce(
    "merchant_id",
    "order__merchant_id",
    "transaction__merchant_id",
    "transaction__order__merchant_id",
    "transaction__refund__order__merchant_id",
)

# The CNY figures shown per day and per merchant, in the order of the table's columns.
CNY_FIGURES = ("escrow_held", "released", "refunded_before", "refunded_after", "commission", "compensation")
# The merchant-currency figures shown per merchant.
MERCHANT_FIGURES = (
    "released_net",
    "refunds_drawn",
    "compensation_drawn",
    "deposit_paid",
    "deposit_drawn",
    "deposit_held",
    "payouts",
    "balance",
)
# Accounts whose balance is a liability (or income): shown as positive amounts held for someone.
CREDIT_ACCOUNTS = {
    LedgerAccount.ESCROW,
    LedgerAccount.TAX_PAYABLE,
    LedgerAccount.PLATFORM_REVENUE,
    LedgerAccount.MERCHANT_BALANCE,
    LedgerAccount.MERCHANT_DEPOSIT,
    LedgerAccount.PAYOUT_IN_TRANSIT,
}


def _q(value) -> Decimal:
    """SQLite sums decimals as floating point: every aggregate is brought back to the cent here."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def local_today() -> date:
    return timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE)).date()


def default_window() -> tuple[date, date]:
    """The last 30 days, today included."""
    today = local_today()
    return today - timedelta(days=29), today


def finance_period(since: date | None, until: date | None) -> tuple[date, date]:
    """The window asked for, the missing ends filled in (the last 30 days by default); a window that
    ends before it starts or spans more than `MAX_DAYS` days is refused."""
    from .errors import FinancePeriodInvalid

    default_since, default_until = default_window()
    if until is None:
        until = default_until if since is None else min(since + timedelta(days=29), default_until)
    if since is None:
        since = until - timedelta(days=29)
    if until < since or (until - since).days + 1 > MAX_DAYS:
        raise FinancePeriodInvalid(days=MAX_DAYS)
    return since, until


def day_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """The instants [start of `since`, start of the day after `until`) in the platform's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(since, time.min, tzinfo=tz),
        datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz),
    )


@dataclass
class Movement:
    """One aggregated row of the window: debits and credits (both positive) of one account."""

    day: date
    kind: str
    account: str
    currency: str
    merchant_id: int | None
    debit: Decimal
    credit: Decimal


def _opening_balances(start):
    rows = (
        LedgerEntry.objects.filter(transaction__created_at__lt=start)
        .annotate(merchant_key=MERCHANT_OF_ENTRY)
        .values("account", "amount_currency", "merchant_key")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return [(r["account"], r["amount_currency"], r["merchant_key"], _q(r["total"])) for r in rows]


def _movements(start, end) -> list[Movement]:
    money = DecimalField(max_digits=16, decimal_places=2)
    rows = (
        LedgerEntry.objects.filter(transaction__created_at__gte=start, transaction__created_at__lt=end)
        .annotate(
            merchant_key=MERCHANT_OF_ENTRY,
            day=TruncDate("transaction__created_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
            kind=F("transaction__kind"),
        )
        .values("day", "kind", "account", "amount_currency", "merchant_key")
        .annotate(
            debit=Sum(Case(When(amount__gt=0, then=F("amount")), default=Value(0), output_field=money)),
            credit=Sum(Case(When(amount__lt=0, then=-F("amount")), default=Value(0), output_field=money)),
        )
        .order_by()
    )
    return [
        Movement(
            day=r["day"],
            kind=r["kind"],
            account=r["account"],
            currency=r["amount_currency"],
            merchant_id=r["merchant_key"],
            debit=_q(r["debit"]),
            credit=_q(r["credit"]),
        )
        for r in rows
    ]


def _cny_figures(m: Movement) -> dict[str, Decimal]:
    """What one movement adds to the CNY figures (escrow held is handled as a balance)."""
    out = {}
    if m.currency != "CNY":
        return out
    if m.account == LedgerAccount.ESCROW and m.kind == Kind.RELEASE:
        out["released"] = m.debit
    if m.account == LedgerAccount.GATEWAY_CLEARING:
        if m.kind == Kind.REFUND:
            out["refunded_before"] = m.credit
        elif m.kind == Kind.REFUND_AFTER_RELEASE:
            out["refunded_after"] = m.credit
        elif m.kind == Kind.COMPENSATION:
            out["compensation"] = m.credit
    if m.account == LedgerAccount.PLATFORM_REVENUE:
        out["commission"] = m.credit - m.debit
    return out


def _merchant_figures(m: Movement) -> dict[str, Decimal]:
    """What one movement adds to a merchant's figures in its own currency."""
    out = {}
    merchant_accounts = (LedgerAccount.MERCHANT_BALANCE, LedgerAccount.MERCHANT_DEPOSIT)
    if m.account == LedgerAccount.MERCHANT_BALANCE and m.kind == Kind.RELEASE:
        out["released_net"] = m.credit
    if m.account in merchant_accounts and m.kind == Kind.REFUND_AFTER_RELEASE:
        out["refunds_drawn"] = m.debit - m.credit
    if m.account in merchant_accounts and m.kind == Kind.COMPENSATION:
        out["compensation_drawn"] = m.debit - m.credit
    if m.account == LedgerAccount.MERCHANT_DEPOSIT:
        out["deposit_paid"] = m.credit
        out["deposit_drawn"] = m.debit
    if m.account == LedgerAccount.PAYOUT_IN_TRANSIT:
        out["payouts"] = m.credit
    return out


def finance_summary(*, since: date, until: date) -> dict:
    """The finance page's figures for the days `since`..`until` (see the module's docstring).

    Returns {since, until, days: [{day, <CNY figures>}], totals: {<CNY figures>},
    merchants: [{merchant, name, currency, cny: {...}, own: {...}}], merchant_totals: {currency:
    {<merchant figures>}}, positions: [{currency, <account>: amount}]}."""
    from merchants.models import Merchant

    start, end = day_bounds(since, until)
    opening = _opening_balances(start)
    movements = _movements(start, end)

    # Balances at the end: opening + the window's net, per (account, currency, merchant).
    balances: dict[tuple, Decimal] = defaultdict(Decimal)
    for account, currency, merchant_id, total in opening:
        balances[(account, currency, merchant_id)] += total
    for m in movements:
        balances[(m.account, m.currency, m.merchant_id)] += m.debit - m.credit

    # Per day (CNY).
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    per_day = {d: dict.fromkeys(CNY_FIGURES, ZERO) for d in days}
    escrow_change = defaultdict(Decimal)
    for m in movements:
        if m.day not in per_day:
            continue
        for figure, amount in _cny_figures(m).items():
            per_day[m.day][figure] += amount
        if m.account == LedgerAccount.ESCROW:
            escrow_change[m.day] += m.credit - m.debit
    held = -sum((total for account, _c, _m, total in opening if account == LedgerAccount.ESCROW), ZERO)
    for d in days:
        held += escrow_change[d]
        per_day[d]["escrow_held"] = held
    totals = {figure: sum((per_day[d][figure] for d in days), ZERO) for figure in CNY_FIGURES}
    totals["escrow_held"] = held
    totals["refunded"] = totals["refunded_before"] + totals["refunded_after"]

    # Per merchant.
    merchant_ids = {key[2] for key in balances if key[2] is not None}
    merchants = Merchant.objects.filter(pk__in=merchant_ids).only(
        "pk", "slug", "name_zh", "name_en", "settlement_currency"
    )
    rows = {
        merchant.pk: {
            "merchant": merchant.pk,
            "slug": merchant.slug,
            "name": str(merchant.name or merchant.slug),
            "currency": merchant.settlement_currency,
            "cny": dict.fromkeys(CNY_FIGURES, ZERO),
            "own": dict.fromkeys(MERCHANT_FIGURES, ZERO),
        }
        for merchant in merchants
    }
    for m in movements:
        row = rows.get(m.merchant_id)
        if row is None:
            continue
        for figure, amount in _cny_figures(m).items():
            row["cny"][figure] += amount
        if m.currency == row["currency"]:
            for figure, amount in _merchant_figures(m).items():
                row["own"][figure] += amount
    for (account, currency, merchant_id), total in balances.items():
        row = rows.get(merchant_id)
        if row is None:
            continue
        if account == LedgerAccount.ESCROW and currency == "CNY":
            row["cny"]["escrow_held"] += -total
        elif currency == row["currency"] and account == LedgerAccount.MERCHANT_DEPOSIT:
            row["own"]["deposit_held"] += -total
        elif currency == row["currency"] and account == LedgerAccount.MERCHANT_BALANCE:
            row["own"]["balance"] += -total
    merchant_rows = sorted(rows.values(), key=lambda r: (r["name"].lower(), r["merchant"]))
    merchant_totals: dict[str, dict[str, Decimal]] = {}
    for row in merchant_rows:
        bucket = merchant_totals.setdefault(row["currency"], dict.fromkeys(MERCHANT_FIGURES, ZERO))
        for figure, amount in row["own"].items():
            bucket[figure] += amount

    # Positions per currency: what the platform holds for whom, in which currency.
    positions: dict[str, dict[str, Decimal]] = {}
    for (account, currency, _merchant), total in balances.items():
        position = positions.setdefault(currency, dict.fromkeys(LedgerAccount.values, ZERO))
        position[account] += -total if account in CREDIT_ACCOUNTS else total

    return {
        "since": since,
        "until": until,
        "days": [{"day": d, **per_day[d]} for d in days],
        "totals": totals,
        "merchants": merchant_rows,
        "merchant_totals": dict(sorted(merchant_totals.items())),
        "positions": [
            {"currency": c, **positions[c]} for c in sorted(positions, key=lambda c: (c != "CNY", c))
        ],
    }


def finance_chart_data(summary: dict) -> dict:
    """The page's charts (drawn by static/js/finance.js): per day, CNY as strings."""
    return {
        "labels": [d["day"].isoformat() for d in summary["days"]],
        "series": {
            figure: [str(d[figure]) for d in summary["days"]]
            for figure in ("released", "refunded_before", "refunded_after", "commission", "escrow_held")
        },
    }
