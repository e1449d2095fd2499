"""The sandbox gateway, payment confirmation, refunds and their idempotency."""

from decimal import Decimal

import pytest

from orders import services as order_services
from orders.errors import OrderNotCancellable
from orders.models import Order, OrderEvent
from payments import selectors
from payments.errors import PaymentAlreadyMade, PaymentCancelled
from payments.gateways import Card, SandboxGateway
from payments.models import LedgerTransaction, PaymentAttempt, Refund, SandboxOperation
from tests.factories import MerchantFactory, ProductFactory, checkout, pay, shopper_with_cart

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orders(rates):
    a = ProductFactory(merchant=MerchantFactory(), prices=["10.00"])
    b = ProductFactory(merchant=MerchantFactory(settlement_currency="JPY"), prices=["2000"])
    user, address, identity = shopper_with_cart((a.variants.get(), 1), (b.variants.get(), 2))
    return checkout(user, address, identity)


def charges():
    return SandboxOperation.objects.filter(kind="charge", outcome="succeeded").count()


def refunds():
    return SandboxOperation.objects.filter(kind="refund", outcome="succeeded").count()


def test_test_card_pays_every_order_and_holds_the_money_in_escrow(two_orders):
    attempt = pay(two_orders)
    assert attempt.status == PaymentAttempt.Status.SUCCEEDED
    orders = list(two_orders.orders.all())
    assert {o.status for o in orders} == {Order.Status.PAID}
    for order in orders:
        assert selectors.escrow_held(order=order) == order.escrow_amount.amount
    assert selectors.escrow_held() == sum(o.goods_total.amount + o.shipping_fee.amount for o in orders)
    assert selectors.unbalanced_transactions() == []
    assert charges() == 1


def test_double_submit_of_the_same_payment_charges_once(two_orders):
    first = pay(two_orders, key="submit-1")
    second = pay(two_orders, key="submit-1")
    assert first == second
    assert charges() == 1
    assert LedgerTransaction.objects.filter(kind="escrow_hold").count() == 1
    with pytest.raises(PaymentAlreadyMade):  # a fresh submit after success: refused, not charged
        pay(two_orders, key="submit-2")
    assert charges() == 1


@pytest.mark.parametrize(
    "card, status, code",
    [
        ("4000000000000002", PaymentAttempt.Status.DECLINED, "card_declined"),
        ("4000000000009995", PaymentAttempt.Status.DECLINED, "insufficient_funds"),
        ("4000000000000119", PaymentAttempt.Status.ERROR, "processing_error"),
        ("4111111111111111", PaymentAttempt.Status.DECLINED, "card_declined"),
    ],
)
def test_declined_and_failing_cards_charge_nothing_and_allow_a_retry(two_orders, card, status, code):
    attempt = pay(two_orders, card_number=card)
    assert (attempt.status, attempt.error_code) == (status, code)
    assert set(two_orders.orders.values_list("status", flat=True)) == {Order.Status.PENDING_PAYMENT}
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.PAYMENT_FAILED).count() == 2
    assert selectors.escrow_held() == 0 and charges() == 0
    assert pay(two_orders).status == PaymentAttempt.Status.SUCCEEDED
    assert charges() == 1


def test_sandbox_gateway_replays_answers_by_key():
    gateway = SandboxGateway()
    intent = gateway.create_payment(
        amount=Decimal("10.00"), currency="CNY", reference="P1", idempotency_key="c"
    )
    assert (
        gateway.create_payment(amount=Decimal("10.00"), currency="CNY", reference="P1", idempotency_key="c")
        == intent
    )
    card = Card("4242424242424242", 1, 2030, "123")
    first = gateway.confirm(payment_id=intent, card=card, idempotency_key="k")
    assert gateway.confirm(payment_id=intent, card=card, idempotency_key="k") == first
    assert gateway.confirm(payment_id=intent, card=card, idempotency_key="other") == first  # never twice
    assert gateway.refund(payment_id=intent, amount=Decimal("4"), idempotency_key="r1").succeeded
    assert gateway.refund(payment_id=intent, amount=Decimal("4"), idempotency_key="r1").succeeded
    assert not gateway.refund(payment_id=intent, amount=Decimal("7"), idempotency_key="r2").succeeded
    assert charges() == 1 and refunds() == 1


def test_cancelling_a_paid_order_refunds_it_once(two_orders):
    pay(two_orders)
    order = two_orders.orders.order_by("id").first()
    stock_before = order.lines.get().variant.stock
    first = order_services.order_cancel(user=order.user, number=order.number, idempotency_key="cancel-1")
    second = order_services.order_cancel(user=order.user, number=order.number, idempotency_key="cancel-1")
    assert first == second
    assert Refund.objects.count() == 1 and refunds() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert first.amount == order.total
    assert selectors.escrow_held(order=order) == 0
    assert order.lines.get().variant.stock == stock_before + 1
    other = two_orders.orders.exclude(pk=order.pk).get()
    assert other.status == Order.Status.PAID
    assert selectors.escrow_held() == other.escrow_amount.amount
    assert selectors.unbalanced_transactions() == []
    with pytest.raises(OrderNotCancellable):  # a new cancel after the refund: refused, no refund
        order_services.order_cancel(user=order.user, number=order.number, idempotency_key="cancel-2")
    assert refunds() == 1


def test_a_shipped_order_cannot_be_cancelled(two_orders):
    pay(two_orders)
    order = two_orders.orders.first()
    order_services.order_ship(order=order)
    with pytest.raises(OrderNotCancellable):
        order_services.order_cancel(user=order.user, number=order.number, idempotency_key="x")
    assert refunds() == 0


def test_paying_cancelled_orders_is_refused(two_orders):
    order = two_orders.orders.first()
    order_services.order_cancel(user=order.user, number=order.number, idempotency_key="x")
    with pytest.raises(PaymentCancelled):
        pay(two_orders)
    assert charges() == 0
