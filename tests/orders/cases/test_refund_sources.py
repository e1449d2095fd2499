"""Where an after-sales refund's money comes from: the order's escrow first, then the merchant's
balance, then its deposit; after release the balance then the deposit (the platform gives back its
commission on the refunded units). A refused gateway call is retried by the job with a new key; a
refund never exceeds what was paid."""

from decimal import Decimal

import pytest

from orders.cases import services as cases
from orders.models import AfterSalesCase
from payments import services as payment_services
from payments.gateways import GatewayResult
from payments.models import LedgerAccount, LedgerTransaction, Refund
from tests.factories import MerchantFactory, completed_order, delivered_order
from tests.payments.payout_helpers import bank_details, breach_for, deposit_pay

from .helpers import assert_ledger_sound, balance, later, open_case, store_member

pytestmark = pytest.mark.django_db

Status = AfterSalesCase.Status


def _entries(case):
    txn = LedgerTransaction.objects.get(kind=LedgerTransaction.Kind.AFTER_SALES_REFUND, refund__case=case)
    return {(e.account, str(e.amount.currency)): e.amount.amount for e in txn.entries.all()}


def _leave_on_balance(merchant, usd: Decimal):
    """Pay the merchant's balance out but for `usd`."""
    bank_details(merchant)
    available = payment_services.merchant_available_balance(merchant).amount
    payment_services.payout_request(merchant=merchant, actor=store_member(merchant), amount=available - usd)
    assert payment_services.merchant_available_balance(merchant).amount == usd


def test_before_release_escrow_first_then_balance_then_deposit(rates):
    merchant = MerchantFactory(settlement_currency="USD")
    deposit_pay(merchant, Decimal("1000.00"))
    completed_order(merchant=merchant, prices=("100.00",))  # gives the store a balance
    _leave_on_balance(merchant, Decimal("5.00"))
    order = delivered_order(merchant=merchant, prices=("100.00",), quantity=2)
    escrow = -balance(LedgerAccount.ESCROW, order=order)
    assert escrow == order.goods_total.amount + order.shipping_fee.amount
    # everything back for a damaged parcel the buyer keeps: customs keeps the tax, so the escrow is
    # short by the tax, which the store makes good from its balance and then its deposit
    case = cases.case_accept(case=open_case(order), actor=store_member(merchant))
    assert case.status == Status.REFUNDED and case.amount_agreed == order.total
    entries = _entries(case)
    assert entries[(LedgerAccount.ESCROW, "CNY")] == escrow
    assert entries[(LedgerAccount.FX, "CNY")] == order.tax_total.amount
    assert entries[(LedgerAccount.MERCHANT_BALANCE, "USD")] == Decimal("5.00")
    tax_usd = -entries[(LedgerAccount.FX, "USD")]
    assert entries[(LedgerAccount.MERCHANT_DEPOSIT, "USD")] == tax_usd - Decimal("5.00")
    assert (LedgerAccount.TAX_PAYABLE, "CNY") not in entries
    assert balance(LedgerAccount.ESCROW, order=order) == 0
    assert payment_services.merchant_available_balance(merchant).amount == 0
    assert_ledger_sound(order, case=case)


def test_a_partial_refund_before_release_stays_in_the_escrow(rates):
    order = delivered_order(merchant=MerchantFactory(settlement_currency="USD"), prices=("100.00",))
    case = cases.case_offer(case=open_case(order), actor=store_member(order.merchant), amount="30.00")
    case = cases.case_offer_accept(case=case, actor=order.user)
    entries = _entries(case)
    assert entries == {
        (LedgerAccount.GATEWAY_CLEARING, "CNY"): Decimal("-30.00"),
        (LedgerAccount.ESCROW, "CNY"): Decimal("30.00"),
    }
    assert_ledger_sound(order, case=case)


def test_after_release_the_balance_then_the_deposit(rates):
    merchant = MerchantFactory(settlement_currency="USD")
    deposit_pay(merchant, Decimal("1000.00"))
    order = completed_order(merchant=merchant, prices=("100.00",), quantity=2)
    _leave_on_balance(merchant, Decimal("20.00"))
    line = order.lines.get()
    case = open_case(order, lines=[{"line_id": line.pk, "quantity": 1}])
    case = cases.case_accept(case=case, actor=store_member(merchant))
    assert case.status == Status.REFUNDED
    entries = _entries(case)
    commission = (line.goods_cny.amount / 2 * Decimal("0.05")).quantize(Decimal("0.01"))
    assert entries[(LedgerAccount.PLATFORM_REVENUE, "CNY")] == commission
    assert entries[(LedgerAccount.FX, "CNY")] == case.amount_agreed.amount - commission
    assert entries[(LedgerAccount.MERCHANT_BALANCE, "USD")] == Decimal("20.00")
    assert entries[(LedgerAccount.MERCHANT_DEPOSIT, "USD")] > 0
    # the merchant never loses more than the refund
    taken_usd = (
        entries[(LedgerAccount.MERCHANT_BALANCE, "USD")] + entries[(LedgerAccount.MERCHANT_DEPOSIT, "USD")]
    )
    assert taken_usd * order.exchange_rate <= case.amount_agreed.amount + Decimal("0.01")
    order.refresh_from_db()
    assert order.status == "completed"  # one unit kept
    assert_ledger_sound(order, case=case)


def test_a_refund_never_exceeds_what_is_left_after_a_compensation(rates):
    order = delivered_order(merchant=MerchantFactory(settlement_currency="USD"), prices=("100.00",))
    payment_services.compensation_pay(breach=breach_for(order, Decimal("40.00")))
    lines = [{"line_id": order.lines.get().pk, "quantity": 1}]
    assert cases.case_max_refund(order=order, lines=lines) == order.total.amount - Decimal("40.00")
    case = cases.case_accept(case=open_case(order), actor=store_member(order.merchant))
    assert case.amount_agreed.amount == order.total.amount - Decimal("40.00")
    paid_back = sum(r.amount.amount for r in Refund.objects.filter(order=order, status="succeeded"))
    assert paid_back == order.total.amount
    order.refresh_from_db()
    assert order.status == "refunded"
    assert_ledger_sound(order, case=case)


def test_a_refused_gateway_call_is_retried_by_the_job_with_a_new_key(rates, monkeypatch):
    from payments.services import aftersales

    order = delivered_order(merchant=MerchantFactory(settlement_currency="USD"), prices=("100.00",))
    real = aftersales._gateway_refund
    monkeypatch.setattr(
        aftersales,
        "_gateway_refund",
        lambda refund: GatewayResult(status="error", error_code="card_closed", error_message="Card closed."),
    )
    case = cases.case_accept(case=open_case(order), actor=store_member(order.merchant))
    assert case.status == Status.REFUNDING
    assert case.events.filter(kind="refund_failed").exists()
    assert Refund.objects.get(case=case).status == Refund.Status.FAILED
    assert not LedgerTransaction.objects.filter(kind="aftersales_refund").exists()
    monkeypatch.setattr(aftersales, "_gateway_refund", real)
    assert cases.cases_deadlines_check(now=later(minutes=10))["refunds_retried"] == 1
    case.refresh_from_db()
    assert case.status == Status.REFUNDED
    assert sorted(Refund.objects.filter(case=case).values_list("idempotency_key", "status")) == [
        (f"case:{case.pk}:1", "failed"),
        (f"case:{case.pk}:2", "succeeded"),
    ]
    # paying again changes nothing
    assert payment_services.case_refund_pay(case=case).idempotency_key == f"case:{case.pk}:2"
    assert LedgerTransaction.objects.filter(kind="aftersales_refund").count() == 1
    assert_ledger_sound(order, case=case)


def test_a_case_agreed_after_the_order_was_refunded_in_full_closes_with_nothing_paid(rates):
    from tests.factories import paid_order

    order = paid_order(merchant=MerchantFactory(settlement_currency="USD"), prices=("100.00",))
    case = open_case(order, reason="not_received")
    payment_services.order_refund(order=order, idempotency_key="cancel-1")  # the buyer cancelled meanwhile
    case = cases.case_accept(case=case, actor=store_member(order.merchant))
    assert case.status == Status.CLOSED
    assert not Refund.objects.filter(case=case).exists()
    assert case.events.filter(kind="closed").exists()
    assert_ledger_sound(order)
