"""Shared helpers of the after-sales case tests: people, a case opened like the buyer would, and
the ledger checks every path ends with."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db.models import Sum
from django.utils import timezone

from orders.cases import services as cases
from orders.models import AfterSalesCase
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Refund
from tests.factories import MerchantMemberFactory, StaffFactory

CENT = Decimal("0.01")


def store_member(merchant):
    return MerchantMemberFactory(merchant=merchant).user


def arbitrator():
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="arbitrate_case"))
    return type(staff).objects.get(pk=staff.pk)


def all_lines(order):
    return [{"line_id": line.pk, "quantity": line.quantity} for line in order.lines.all()]


def open_case(
    order,
    *,
    kind=AfterSalesCase.Kind.REFUND_ONLY,
    reason=AfterSalesCase.Reason.DAMAGED,
    lines=None,
    amount=None,
    photos=(),
    user=None,
):
    return cases.case_open(
        user=user or order.user,
        order_number=order.number,
        kind=kind,
        reason=reason,
        description="The box arrived crushed.",
        lines=lines if lines is not None else all_lines(order),
        amount=amount,
        photos=photos,
    )


def later(**delta):
    return timezone.now() + timedelta(**delta)


def balance(account, currency="CNY", **filters) -> Decimal:
    total = LedgerEntry.objects.filter(account=account, amount_currency=currency, **filters).aggregate(
        t=Sum("amount")
    )["t"]
    return Decimal(total or 0).quantize(CENT)


def refunded_to_buyer(order) -> Decimal:
    total = Refund.objects.filter(order=order, status=Refund.Status.SUCCEEDED).aggregate(t=Sum("amount"))["t"]
    return Decimal(total or 0).quantize(CENT)


def assert_ledger_sound(order, *, case=None):
    """Every transaction balances per currency; the buyer never got more than paid; the merchant and
    the platform together never gave more than the case's refund."""
    for txn in LedgerTransaction.objects.all():
        for currency in set(txn.entries.values_list("amount_currency", flat=True)):
            total = txn.entries.filter(amount_currency=currency).aggregate(t=Sum("amount"))["t"]
            assert Decimal(total).quantize(CENT) == 0, (txn.kind, currency, total)
    assert refunded_to_buyer(order) <= order.total.amount
    if case is not None and case.status == AfterSalesCase.Status.REFUNDED:
        txn = LedgerTransaction.objects.get(kind=LedgerTransaction.Kind.AFTER_SALES_REFUND, refund__case=case)
        cny = {e.account: e.amount.amount for e in txn.entries.filter(amount_currency="CNY")}
        refund = case.amount_agreed.amount
        assert -cny[LedgerAccount.GATEWAY_CLEARING] == refund
        # what left the escrow, the platform, customs and (through FX) the merchant adds up to the refund
        taken = sum(v for k, v in cny.items() if k != LedgerAccount.GATEWAY_CLEARING)
        assert taken == refund
        assert cny.get(LedgerAccount.FX, Decimal("0")) <= refund
        assert cny.get(LedgerAccount.TAX_PAYABLE, Decimal("0")) == case.tax_refunded.amount
