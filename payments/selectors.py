"""Reads of the ledger: what the platform holds, derived from ledger entries alone."""

from decimal import Decimal

from django.db.models import Sum

from marketplace.money import round_cny

from .models import LedgerAccount, LedgerEntry


def account_balance(account: str, *, order=None) -> Decimal:
    """Debits minus credits of one account (for one order, or in all)."""
    entries = LedgerEntry.objects.filter(account=account)
    if order is not None:
        entries = entries.filter(order=order)
    return round_cny(entries.aggregate(total=Sum("amount"))["total"] or Decimal("0"))


def escrow_held(*, order=None) -> Decimal:
    """Money held in escrow for merchants (a liability: the negative of its balance)."""
    return -account_balance(LedgerAccount.ESCROW, order=order)


def unbalanced_transactions() -> list[int]:
    """Ids of ledger transactions whose entries do not sum to zero in some currency (always empty)."""
    totals = (
        LedgerEntry.objects.order_by()
        .values("transaction_id", "amount_currency")
        .annotate(total=Sum("amount"))
        .values_list("transaction_id", "total")
    )
    # SQLite sums decimals as floating point: compare at the fen.
    return sorted({transaction_id for transaction_id, total in totals if round_cny(total) != 0})


def open_release_holds():
    """The holds staff have not lifted yet, the oldest first, with their order and store."""
    from .models import ReleaseHold

    return (
        ReleaseHold.objects.filter(lifted_at__isnull=True)
        .select_related("order__merchant", "placed_by")
        .order_by("placed_at", "id")
    )


def open_hold_exists():
    """An `Exists` over the open holds of the outer query's order (annotate `release_on_hold`)."""
    from django.db.models import Exists, OuterRef

    from .models import ReleaseHold

    return Exists(ReleaseHold.objects.filter(order=OuterRef("pk"), lifted_at__isnull=True))
