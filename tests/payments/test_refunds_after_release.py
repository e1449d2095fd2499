"""Refunds after release (from the balance, then the deposit; Stripe: the release transfer reversed
first), compensations before and after release, and refunds before release that never give back more
than was paid."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from marketplace.money import from_cny
from orders import services as order_services
from orders.models import Order, OrderEvent
from payments import services
from payments.errors import NotFinanceStaff, OrderNotRefundable, TransferInProgress
from payments.models import LedgerAccount, LedgerTransaction, Payment, Payout, Refund, SandboxOperation
from tests.factories import MerchantFactory, paid_order

from .payout_helpers import (
    FAKE_GATEWAY,
    FakeConnectGateway,
    assert_every_transaction_balances,
    balance,
    bank_details,
    breach_for,
    connect,
    deposit_pay,
    finance_staff,
    member,
    release,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_gateway(settings):
    FakeConnectGateway.reset()
    settings.PAYMENT_GATEWAY_CLASS = FAKE_GATEWAY
    yield FakeConnectGateway
    FakeConnectGateway.reset()


def _gateway_refunded(order) -> Decimal:
    total = SandboxOperation.objects.filter(
        intent=Payment.objects.get(pk=order.payment_id).gateway_reference, kind="refund", outcome="succeeded"
    ).aggregate(t=Sum("amount"))["t"]
    return total or Decimal("0")


def _order_accounts_empty(order):
    for account in (LedgerAccount.ESCROW, LedgerAccount.TAX_PAYABLE, LedgerAccount.PLATFORM_REVENUE):
        assert balance(account, "CNY", order=order) == 0, account


def test_refund_after_release_takes_the_balance_then_the_deposit(rates):
    merchant = MerchantFactory(settlement_currency="USD")
    deposit_pay(merchant, Decimal("2000.00"))
    order = release(paid_order(merchant=merchant, prices=("100.00",)))
    net = services.merchant_available_balance(merchant).amount
    # The merchant has been paid most of it already: 20 USD left on the balance.
    bank_details(merchant)
    services.payout_request(merchant=merchant, actor=member(merchant), amount=net - Decimal("20.00"))
    staff = finance_staff()

    with pytest.raises(NotFinanceStaff):
        services.order_refund_by_staff(order=order, actor=member(merchant), idempotency_key="r-1")
    refund = services.order_refund_by_staff(order=order, actor=staff, idempotency_key="r-1")
    again = services.order_refund_by_staff(order=order, actor=staff, idempotency_key="r-1")
    assert again.pk == refund.pk

    order.refresh_from_db()
    assert refund.reason == Refund.Reason.AFTER_RELEASE and refund.status == Refund.Status.SUCCEEDED
    assert refund.amount == order.total
    assert _gateway_refunded(order) == order.total.amount  # back through the gateway that took it
    assert order.status == Order.Status.REFUNDED
    assert order.events.filter(kind=OrderEvent.Kind.REFUNDED_AFTER).exists()

    txn = LedgerTransaction.objects.get(kind="refund_released")
    entries = {(e.account, str(e.amount.currency)): e.amount.amount for e in txn.entries.all()}
    assert entries[(LedgerAccount.GATEWAY_CLEARING, "CNY")] == -order.total.amount
    assert entries[(LedgerAccount.TAX_PAYABLE, "CNY")] == order.tax_total.amount
    assert entries[(LedgerAccount.MERCHANT_BALANCE, "USD")] == Decimal("20.00")
    assert entries[(LedgerAccount.MERCHANT_DEPOSIT, "USD")] == net - Decimal("20.00")
    for currency in ("CNY", "USD"):
        assert sum(v for (_a, c), v in entries.items() if c == currency) == 0
    _order_accounts_empty(order)
    assert services.merchant_available_balance(merchant).amount == 0
    assert services.merchant_deposit_held(merchant).amount == Decimal("2000.00") - (net - Decimal("20.00"))
    assert_every_transaction_balances()


def test_refund_after_release_is_only_for_completed_orders(rates):
    order = paid_order()
    with pytest.raises(OrderNotRefundable):
        services.order_refund_after_release(order=order, actor=finance_staff(), idempotency_key="k")


def test_staff_refund_before_release_of_a_shipped_order(rates):
    order = order_services.order_ship(order=paid_order(prices=("30.00",)))
    refund = services.order_refund_by_staff(order=order, actor=finance_staff(), idempotency_key="s-1")
    order.refresh_from_db()
    assert refund.reason == Refund.Reason.ORDER and order.status == Order.Status.REFUNDED
    _order_accounts_empty(order)
    assert_every_transaction_balances()


def test_stripe_refund_after_release_reverses_the_transfer_first(
    rates, fake_gateway, django_capture_on_commit_callbacks
):
    merchant = MerchantFactory(settlement_currency="USD")
    connect(merchant, "acct_1X")
    with django_capture_on_commit_callbacks(execute=True):
        order = release(paid_order(merchant=merchant, prices=("100.00",)))
    transfer = Payout.objects.get(kind=Payout.Kind.RELEASE_TRANSFER)
    assert transfer.status == Payout.Status.PAID
    fake_gateway.calls.clear()

    services.order_refund_after_release(order=order, actor=finance_staff(), idempotency_key="r-s")
    transfer.refresh_from_db()
    assert fake_gateway.calls == [
        (
            "reverse",
            {
                "transfer_id": transfer.gateway_reference,
                "amount": transfer.amount.amount,
                "idempotency_key": f"{transfer.idempotency_key}:reverse",
            },
        )
    ]
    assert transfer.reversal_key == f"{transfer.idempotency_key}:reverse" and transfer.reversed_at
    assert LedgerTransaction.objects.filter(kind="transfer_reversed").count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    # The reversed transfer paid the refund's merchant part: nothing drawn from the deposit.
    assert services.merchant_available_balance(merchant).amount == 0
    assert balance(LedgerAccount.MERCHANT_DEPOSIT, "USD", merchant=merchant) == 0
    assert balance(LedgerAccount.GATEWAY_CLEARING, "USD") == 0
    _order_accounts_empty(order)
    assert_every_transaction_balances()


def test_refund_waits_for_a_transfer_in_flight(rates, fake_gateway, django_capture_on_commit_callbacks):
    merchant = MerchantFactory(settlement_currency="USD")
    connect(merchant)
    with django_capture_on_commit_callbacks() as callbacks:
        order = release(paid_order(merchant=merchant, prices=("100.00",)))
    with django_capture_on_commit_callbacks():  # the payout is made, its task not run yet
        for callback in callbacks:
            callback()
    with pytest.raises(TransferInProgress):
        services.order_refund_after_release(order=order, actor=finance_staff(), idempotency_key="r-w")
    assert not Refund.objects.exists()


# ------------------------------------------------------------------------------------- compensation


def test_compensation_before_release_comes_from_the_escrow_then_the_refund_gives_back_the_rest(rates):
    order = paid_order(prices=("50.00",))
    compensation = Decimal("3.50")
    breach = breach_for(order, compensation)
    held_before = -balance(LedgerAccount.ESCROW, "CNY", order=order)

    refund = services.compensation_pay(breach=breach)
    assert services.compensation_pay(breach=breach).pk == refund.pk  # once
    breach.refresh_from_db()
    assert breach.compensation_paid_at is not None
    assert refund.reason == Refund.Reason.COMPENSATION and refund.amount.amount == compensation
    assert refund.idempotency_key == f"compensation:{breach.pk}:1"
    assert -balance(LedgerAccount.ESCROW, "CNY", order=order) == held_before - compensation

    # The shopper then cancels: the refund is what the escrow still holds plus tax, never more.
    order_services.order_cancel(user=order.user, number=order.number, idempotency_key="cancel-1")
    order.refresh_from_db()
    cancel = Refund.objects.get(idempotency_key="cancel-1")
    assert cancel.amount.amount == order.total.amount - compensation
    assert _gateway_refunded(order) == order.total.amount
    assert order.status == Order.Status.REFUNDED
    _order_accounts_empty(order)
    assert_every_transaction_balances()


def test_compensation_after_release_from_the_balance_then_the_deposit(rates):
    merchant = MerchantFactory(settlement_currency="USD")
    deposit_pay(merchant, Decimal("500.00"))
    order = release(paid_order(merchant=merchant, prices=("100.00",)))
    bank_details(merchant)
    net = services.merchant_available_balance(merchant).amount
    services.payout_request(merchant=merchant, actor=member(merchant), amount=net - Decimal("1.00"))
    compensation = Decimal("70.00")
    breach = breach_for(order, compensation)
    services.compensation_pay(breach=breach)

    due = from_cny(compensation, order.exchange_rate, "USD")
    txn = LedgerTransaction.objects.get(kind="compensation")
    entries = {(e.account, str(e.amount.currency)): e.amount.amount for e in txn.entries.all()}
    assert entries[(LedgerAccount.GATEWAY_CLEARING, "CNY")] == -compensation
    assert entries[(LedgerAccount.MERCHANT_BALANCE, "USD")] == Decimal("1.00")
    assert entries[(LedgerAccount.MERCHANT_DEPOSIT, "USD")] == due - Decimal("1.00")
    assert services.merchant_available_balance(merchant).amount == 0
    assert _gateway_refunded(order) == compensation

    # A refund after release then gives back the rest of what was paid, never more.
    services.order_refund_after_release(order=order, actor=finance_staff(), idempotency_key="after-c")
    assert _gateway_refunded(order) == order.total.amount
    assert balance(LedgerAccount.MERCHANT_BALANCE, "USD", merchant=merchant) == 0
    _order_accounts_empty(order)
    assert_every_transaction_balances()


def test_the_daily_job_pays_every_unpaid_compensation(rates):
    first, second = paid_order(prices=("40.00",)), release(paid_order(prices=("40.00",)))
    cancelled = paid_order(prices=("40.00",))
    breaches = [breach_for(first, Decimal("2.00")), breach_for(second, Decimal("2.00"))]
    order_services.order_cancel(user=cancelled.user, number=cancelled.number, idempotency_key="c-x")
    breach_for(cancelled, Decimal("2.00"))  # the order was refunded in full: nothing more to give
    assert services.compensations_pay_due() == 2
    assert services.compensations_pay_due() == 0
    for breach in breaches:
        breach.refresh_from_db()
        assert breach.compensation_paid_at is not None
    assert Refund.objects.filter(reason=Refund.Reason.COMPENSATION).count() == 2
    assert_every_transaction_balances()


def test_a_refused_compensation_is_tried_again_with_a_new_key(rates, monkeypatch):
    from payments.errors import RefundFailed
    from payments.gateways import GatewayResult, SandboxGateway

    order = paid_order(prices=("40.00",))
    breach = breach_for(order, Decimal("2.00"))
    original = SandboxGateway.refund
    monkeypatch.setattr(
        SandboxGateway,
        "refund",
        lambda self, **kw: GatewayResult(status="error", error_code="processing_error", error_message="x"),
    )
    with pytest.raises(RefundFailed):
        services.compensation_pay(breach=breach)
    monkeypatch.setattr(SandboxGateway, "refund", original)
    refund = services.compensation_pay(breach=breach)
    assert refund.idempotency_key == f"compensation:{breach.pk}:2", (refund.status, refund.error_message)
    assert _gateway_refunded(order) == Decimal("2.00")


def test_transfers_and_reversals_reconcile_with_the_gateway(
    rates, fake_gateway, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from payments.gateways import GatewayRecord
    from payments.services import reconciliation

    merchant = MerchantFactory(settlement_currency="USD")
    connect(merchant)
    with django_capture_on_commit_callbacks(execute=True):
        order = release(paid_order(merchant=merchant, prices=("100.00",)))
        release(paid_order(merchant=merchant, prices=("50.00",)))
    services.order_refund_after_release(order=order, actor=finance_staff(), idempotency_key="rec-1")
    now = timezone.now()
    run = reconciliation.reconciliation_run(since=now - timedelta(hours=1), until=now + timedelta(hours=1))
    assert run.difference_count == 0, list(run.differences.values())
    assert set(run.ours_totals) >= {"charge", "refund", "transfer", "transfer_reversal"}
    transfer = Payout.objects.get(order=order)
    assert run.ours_totals["transfer_reversal"] == {"USD": str(transfer.amount.amount)}

    # A transfer the gateway made that our books do not have is reported.
    fake_gateway.books.append(GatewayRecord("transfer", "tr_stray", Decimal("5.00"), "usd", "succeeded", now))
    run = reconciliation.reconciliation_run(since=now - timedelta(hours=1), until=now + timedelta(hours=1))
    assert run.difference_count == 1
