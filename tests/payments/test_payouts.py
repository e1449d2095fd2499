"""Payouts: the minimum, never more than the balance, the weekly run, bank batches end to end, and in
Stripe mode the transfer that follows each release (exact gateway calls, idempotency, retries)."""

import csv
import io
from decimal import Decimal

import pytest
from djmoney.money import Money

from marketplace.money import from_cny
from payments import services
from payments.errors import (
    NotFinanceStaff,
    NotMerchantMember,
    PayoutAccountIncomplete,
    PayoutBelowMinimum,
    PayoutExceedsBalance,
    PayoutNotChangeable,
)
from payments.models import LedgerAccount, LedgerTransaction, PaymentAttempt, Payout
from tests.factories import MerchantFactory, paid_order

from .payout_helpers import (
    FAKE_GATEWAY,
    FakeConnectGateway,
    assert_every_transaction_balances,
    balance,
    bank_details,
    connect,
    finance_staff,
    member,
    release,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def usd_released(rates):
    merchant = MerchantFactory(settlement_currency="USD")
    order = release(paid_order(merchant=merchant, prices=("100.00",)))
    return merchant, order


@pytest.fixture
def fake_gateway(settings):
    FakeConnectGateway.reset()
    settings.PAYMENT_GATEWAY_CLASS = FAKE_GATEWAY
    yield FakeConnectGateway
    FakeConnectGateway.reset()


def test_available_balance_is_the_release_net_in_the_merchant_currency(usd_released):
    merchant, order = usd_released
    available = services.merchant_available_balance(merchant)
    assert available.currency.code == "USD"
    assert available.amount == -balance(LedgerAccount.MERCHANT_BALANCE, "USD", merchant=merchant)
    assert available.amount > 0


def test_minimum_is_converted_at_the_current_rate(usd_released, settings, rates):
    merchant, _order = usd_released
    settings.PAYOUT_MINIMUM_CNY = "100"
    minimum = services.payout_minimum(merchant)
    assert minimum == Money(from_cny(Decimal("100"), Decimal(str(rates["USD"])), "USD"), "USD")
    bank_details(merchant)
    with pytest.raises(PayoutBelowMinimum):
        services.payout_request(
            merchant=merchant, actor=member(merchant), amount=minimum.amount - Decimal("0.01")
        )
    payout = services.payout_request(merchant=merchant, actor=member(merchant), amount=minimum.amount)
    assert payout.amount == minimum


def test_never_more_than_the_balance_and_only_by_the_store(usd_released):
    merchant, _order = usd_released
    bank_details(merchant)
    available = services.merchant_available_balance(merchant).amount
    with pytest.raises(PayoutExceedsBalance):
        services.payout_request(merchant=merchant, actor=member(merchant), amount=available + Decimal("0.01"))
    with pytest.raises(NotMerchantMember):
        services.payout_request(merchant=merchant, actor=member(MerchantFactory()), amount=available)
    assert not Payout.objects.exists()


def test_a_payout_needs_somewhere_to_send_the_money(usd_released):
    merchant, _order = usd_released
    available = services.merchant_available_balance(merchant).amount
    with pytest.raises(PayoutAccountIncomplete):
        services.payout_request(merchant=merchant, actor=member(merchant), amount=available)


def test_bank_batch_end_to_end(usd_released):
    merchant, _order = usd_released
    bank_details(merchant)
    user, staff = member(merchant), finance_staff()
    available = services.merchant_available_balance(merchant).amount
    payout = services.payout_request(merchant=merchant, actor=user, amount=available)
    assert payout.method == Payout.Method.BANK_BATCH and payout.status == Payout.Status.REQUESTED
    assert payout.idempotency_key == f"payout:{payout.reference}"
    assert services.merchant_available_balance(merchant).amount == 0
    assert balance(LedgerAccount.PAYOUT_IN_TRANSIT, "USD", merchant=merchant) == -available

    with pytest.raises(NotFinanceStaff):
        services.payout_batch_create(actor=user)
    batch = services.payout_batch_create(actor=staff)
    payout.refresh_from_db()
    assert payout.batch == batch and payout.status == Payout.Status.PROCESSING

    rows = list(csv.reader(io.StringIO(services.payout_batch_csv(batch=batch, actor=staff))))
    assert rows[0] == ["merchant", "account_holder", "bank", "iban", "amount", "currency", "reference"]
    assert rows[1] == [
        merchant.name,
        "Store Ltd",
        "Bank of Example",
        "DE89370400440532013000",
        f"{available:.2f}",
        "USD",
        payout.reference,
    ]
    batch.refresh_from_db()
    assert batch.exported_at is not None

    services.payout_batch_mark_paid(batch=batch, actor=staff, bank_reference="BANK-2026-001")
    services.payout_batch_mark_paid(batch=batch, actor=staff, bank_reference="BANK-2026-001")  # repeat
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID and payout.paid_at is not None
    assert LedgerTransaction.objects.filter(kind="payout_paid").count() == 1
    assert balance(LedgerAccount.PAYOUT_IN_TRANSIT, "USD", merchant=merchant) == 0
    assert balance(LedgerAccount.GATEWAY_CLEARING, "USD") == -available
    assert list(payout.events.values_list("to_status", flat=True)) == ["requested", "processing", "paid"]
    assert_every_transaction_balances()


def test_a_failed_bank_payout_goes_back_to_the_balance(usd_released):
    merchant, _order = usd_released
    bank_details(merchant)
    staff = finance_staff()
    available = services.merchant_available_balance(merchant).amount
    payout = services.payout_request(merchant=merchant, actor=member(merchant), amount=available)
    batch = services.payout_batch_create(actor=staff)
    services.payout_mark_failed(payout=payout, actor=staff, reason="IBAN closed")
    with pytest.raises(PayoutNotChangeable):
        services.payout_mark_failed(payout=payout, actor=staff, reason="again")
    assert services.merchant_available_balance(merchant).amount == available
    services.payout_batch_mark_paid(batch=batch, actor=staff, bank_reference="B1")
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED and payout.failure_reason == "IBAN closed"
    assert not LedgerTransaction.objects.filter(kind="payout_paid").exists()
    assert_every_transaction_balances()


def test_csv_cells_cannot_become_formulas(usd_released):
    merchant, _order = usd_released
    account = bank_details(merchant)
    account.bank_account_name = "=HYPERLINK(1)"
    account.save()
    services.payout_request(
        merchant=merchant, actor=member(merchant), amount=services.merchant_available_balance(merchant).amount
    )
    staff = finance_staff()
    batch = services.payout_batch_create(actor=staff)
    rows = list(csv.reader(io.StringIO(services.payout_batch_csv(batch=batch, actor=staff))))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_weekly_run_pays_each_whole_balance_above_the_minimum(rates, settings):
    settings.PAYOUT_MINIMUM_CNY = "100"
    rich = MerchantFactory(settlement_currency="USD")
    poor = MerchantFactory(settlement_currency="USD")
    no_account = MerchantFactory(settlement_currency="USD")
    release(paid_order(merchant=rich, prices=("100.00",)))
    release(paid_order(merchant=poor, prices=("5.00",)))
    release(paid_order(merchant=no_account, prices=("100.00",)))
    bank_details(rich)
    bank_details(poor)
    whole = services.merchant_available_balance(rich).amount
    assert services.payouts_run_scheduled() == 1
    payout = Payout.objects.get()
    assert payout.merchant == rich and payout.kind == Payout.Kind.SCHEDULED and payout.amount.amount == whole
    assert services.payouts_run_scheduled() == 0  # nothing left
    assert "payments-payouts-weekly" in settings.CELERY_BEAT_SCHEDULE


# ------------------------------------------------------------------------------------- Stripe mode


def _charge(order):
    return PaymentAttempt.objects.get(payment=order.payment, status="succeeded").gateway_reference


def test_release_transfer_with_exact_arguments(rates, fake_gateway, django_capture_on_commit_callbacks):
    merchant = MerchantFactory(settlement_currency="USD")
    connect(merchant, "acct_1MERCHANT")
    order = paid_order(merchant=merchant, prices=("100.00",))
    with django_capture_on_commit_callbacks(execute=True):
        order = release(order)
    payout = Payout.objects.get()
    net = -balance(LedgerAccount.MERCHANT_BALANCE, "USD", merchant=merchant, transaction__kind="release")
    assert payout.kind == Payout.Kind.RELEASE_TRANSFER and payout.order == order
    assert payout.method == Payout.Method.STRIPE_TRANSFER and payout.status == Payout.Status.PAID
    assert fake_gateway.calls == [
        (
            "transfer",
            {
                "amount": net,
                "currency": "USD",
                "destination": "acct_1MERCHANT",
                "transfer_group": order.payment.reference,
                "source_transaction": _charge(order),
                "idempotency_key": payout.idempotency_key,
            },
        )
    ]
    assert payout.gateway_reference == fake_gateway.transfers[payout.idempotency_key].reference
    assert services.merchant_available_balance(merchant).amount == 0
    assert balance(LedgerAccount.PAYOUT_IN_TRANSIT, "USD", merchant=merchant) == 0
    assert balance(LedgerAccount.GATEWAY_CLEARING, "USD") == -net
    # The follow-up again (a retried hook) and the task again change nothing.
    txn = LedgerTransaction.objects.get(kind="release", order=order)
    assert services.release_transfer_create(txn.pk) is None
    services.payout_transfer_send(payout_id=payout.pk)
    assert len(fake_gateway.calls) == 1
    assert Payout.objects.count() == 1
    assert_every_transaction_balances()


def test_a_transient_error_is_retried_and_transfers_once(
    rates, fake_gateway, django_capture_on_commit_callbacks
):
    merchant = MerchantFactory(settlement_currency="USD")
    connect(merchant)
    order = paid_order(merchant=merchant, prices=("100.00",))
    from celery.exceptions import Retry

    from payments.tasks import payout_transfer

    fake_gateway.fail_next = ["transfer"]  # the first call moves the money but its answer is lost
    with django_capture_on_commit_callbacks() as released:
        release(order)
    with django_capture_on_commit_callbacks() as queued:
        for callback in released:
            callback()  # the release follow-up: the payout, its task queued on commit
    payout = Payout.objects.get()
    with pytest.raises(Retry) as retry:
        queued[0]()  # the task: a transient error, retried later with backoff
    assert retry.value.when > 0
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PROCESSING
    payout_transfer.delay(payout.pk)  # the retry, as the worker runs it
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    keys = [call["idempotency_key"] for kind, call in fake_gateway.calls]
    assert keys == [payout.idempotency_key, payout.idempotency_key]  # retried with the same key
    assert len(fake_gateway.transfers) == 1  # one transfer on the gateway's side
    assert LedgerTransaction.objects.filter(kind="payout_paid").count() == 1
    assert_every_transaction_balances()


def test_a_service_level_retry_after_a_lost_answer(rates, fake_gateway):
    from payments.gateways import GatewayError

    merchant = MerchantFactory(settlement_currency="USD")
    connect(merchant)
    release(paid_order(merchant=merchant, prices=("100.00",)))  # hooks not run: no commit here
    payout = services.payout_request(
        merchant=merchant, actor=member(merchant), amount=services.merchant_available_balance(merchant).amount
    )
    assert payout.method == Payout.Method.STRIPE_TRANSFER
    fake_gateway.fail_next = ["transfer"]
    with pytest.raises(GatewayError):
        services.payout_transfer_send(payout_id=payout.pk)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PROCESSING
    services.payout_transfer_send(payout_id=payout.pk)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    assert len(fake_gateway.transfers) == 1
    first_call = fake_gateway.calls[0][1]
    assert first_call["source_transaction"] == "" and first_call["transfer_group"] == ""


def test_no_transfer_without_a_complete_connected_account(
    rates, fake_gateway, django_capture_on_commit_callbacks
):
    merchant = MerchantFactory(settlement_currency="USD")
    account = connect(merchant)
    account.stripe_details_submitted = False
    account.save()
    with django_capture_on_commit_callbacks(execute=True):
        release(paid_order(merchant=merchant, prices=("100.00",)))
    assert not Payout.objects.exists() and fake_gateway.calls == []


def test_the_sandbox_makes_no_release_transfer(rates, django_capture_on_commit_callbacks):
    merchant = MerchantFactory(settlement_currency="USD")
    connect(merchant)
    with django_capture_on_commit_callbacks(execute=True):
        release(paid_order(merchant=merchant, prices=("100.00",)))
    assert not Payout.objects.exists()


def test_stuck_transfers_are_queued_again_and_pay_once(
    rates, settings, fake_gateway, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from payments.gateways import GatewayError

    merchant = MerchantFactory(settlement_currency="USD")
    connect(merchant)
    release(paid_order(merchant=merchant, prices=("100.00",)))  # hooks not run: no commit here
    payout = services.payout_request(
        merchant=merchant, actor=member(merchant), amount=services.merchant_available_balance(merchant).amount
    )
    fake_gateway.fail_next = ["transfer"]
    with pytest.raises(GatewayError):
        services.payout_transfer_send(payout_id=payout.pk)  # the last retry failed too
    assert services.payout_transfers_resume() == 0  # not old enough yet
    with django_capture_on_commit_callbacks(execute=True):
        assert services.payout_transfers_resume(older_than=timedelta(0)) == 1
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    assert len(fake_gateway.transfers) == 1
    assert "payments-payout-transfers-resume" in settings.CELERY_BEAT_SCHEDULE


def test_a_suspended_or_blacklisted_store_is_not_paid_out(usd_released, settings):
    from payments.errors import PayoutsHeld

    merchant, _order = usd_released
    bank_details(merchant)
    available = services.merchant_available_balance(merchant).amount
    for status in (merchant.Status.SUSPENDED, merchant.Status.BLACKLISTED):
        merchant.status = status
        merchant.save(update_fields=["status"])
        with pytest.raises(PayoutsHeld):
            services.payout_request(merchant=merchant, actor=member(merchant), amount=available)
        assert services.payouts_run_scheduled() == 0
    assert not Payout.objects.exists()


def test_the_balance_is_exact_to_the_cent_whatever_the_database_sums(rates, settings):
    """SQLite sums decimals as floating point (10.00 - 9.71 = 0.289999999999999): the balance is read
    back to the cent, so the whole of it can be paid out (found by the money state machine)."""
    from djmoney.money import Money

    from payments.models import LedgerAccount, LedgerTransaction

    settings.PAYOUT_MINIMUM_CNY = "0.01"
    merchant = MerchantFactory(settlement_currency="USD")
    bank_details(merchant)
    for amount in ("10.00", "-9.71"):
        money = Money(amount, "USD")
        services.ledger_post(
            kind=LedgerTransaction.Kind.RELEASE,
            entries=[
                (LedgerAccount.GATEWAY_CLEARING, None, money),
                (LedgerAccount.MERCHANT_BALANCE, None, -money, merchant),
            ],
            merchant=merchant,
        )
    assert services.merchant_available_balance(merchant).amount == Decimal("0.29")
    payout = services.payout_request(merchant=merchant, actor=member(merchant), amount=Decimal("0.29"))
    assert payout.amount.amount == Decimal("0.29")
    assert services.merchant_available_balance(merchant).amount == 0
