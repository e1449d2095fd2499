"""Money moved by a payment is positive: no service, no gateway and no direct write can post a charge,
a refund or a ledger entry of zero or less."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from djmoney.money import Money
from hypothesis import given, settings
from hypothesis import strategies as st

from payments import services
from payments.errors import InvalidPaymentAmount, amount_check_positive
from payments.gateways import SandboxGateway
from payments.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Refund,
    SandboxOperation,
)
from tests.factories import ProductFactory, UserFactory, checkout, pay, shopper_with_cart

pytestmark = pytest.mark.django_db

NOT_POSITIVE = [Decimal("-5139.52"), Decimal("-0.01"), Decimal("0"), Decimal("0.00"), Decimal("NaN"), "abc"]


@pytest.fixture
def paid(rates):
    product = ProductFactory(prices=["10.00"])
    user, address, identity = shopper_with_cart((product.variants.get(), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    return payment


@pytest.mark.parametrize("amount", NOT_POSITIVE, ids=str)
def test_payment_create_refuses_a_charge_that_is_not_positive(db, amount):
    with pytest.raises(InvalidPaymentAmount):
        services.payment_create(user=UserFactory(), amount=amount, checkout_key="k-1")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", NOT_POSITIVE, ids=str)
def test_the_sandbox_gateway_refuses_a_charge_or_refund_that_is_not_positive(db, amount):
    gateway = SandboxGateway()
    with pytest.raises(InvalidPaymentAmount):
        gateway.create_payment(amount=amount, currency="CNY", reference="P1", idempotency_key="c-1")
    intent = gateway.create_payment(
        amount=Decimal("10.00"), currency="CNY", reference="P2", idempotency_key="c-2"
    )
    with pytest.raises(InvalidPaymentAmount):
        gateway.refund(payment_id=intent, amount=amount, idempotency_key="r-1")
    assert list(SandboxOperation.objects.values_list("amount", flat=True)) == [Decimal("10.00")]


@pytest.mark.parametrize("amount", [Decimal("-100"), Decimal("0")], ids=str)
def test_the_ledger_refuses_to_hold_a_payment_that_is_not_positive(paid, amount):
    before = LedgerEntry.objects.count()
    forged = Payment(pk=paid.pk, reference="FORGED", user=paid.user, amount=Money(amount, "CNY"))
    with pytest.raises(InvalidPaymentAmount):
        services.escrow_hold(payment=forged, orders=list(paid.orders.all()))
    assert LedgerEntry.objects.count() == before


def test_the_ledger_refuses_a_refund_that_is_not_positive(paid):
    order = paid.orders.get()
    forged = Refund(payment=paid, order=order, amount=Money("-10", "CNY"), idempotency_key="forged")
    with pytest.raises(InvalidPaymentAmount):
        services.escrow_refund(refund=forged, order=order)
    assert not LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.REFUND).exists()


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_only_finite_amounts_above_zero_pass_the_payment_check(amount):
    try:
        checked = amount_check_positive(amount)
    except InvalidPaymentAmount:
        assert not (amount.is_finite() and amount > 0)
    else:
        assert checked.is_finite() and checked > 0


# --- The database refuses what a forgotten check would let through ----------------------------------------


def write_fails(fn):
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("amount", [Decimal("-5139.52"), Decimal("0")], ids=str)
def test_direct_writes_of_money_that_is_not_positive_fail_at_the_database(paid, amount):
    order = paid.orders.get()
    assert write_fails(lambda: Payment.objects.filter(pk=paid.pk).update(amount=amount))
    assert write_fails(
        lambda: Refund.objects.create(payment=paid, order=order, amount=amount, idempotency_key="direct")
    )
    assert write_fails(lambda: SandboxOperation.objects.update(amount=amount))
    paid.refresh_from_db()
    assert paid.amount.amount > 0


def test_a_zero_ledger_entry_fails_at_the_database(paid):
    txn = LedgerTransaction.objects.create(kind=LedgerTransaction.Kind.ESCROW_HOLD, payment=paid)
    assert write_fails(
        lambda: LedgerEntry.objects.create(transaction=txn, account=LedgerAccount.GATEWAY_CLEARING, amount=0)
    )
