"""Property: after any sequence of checkouts, payments (good and bad cards, double submits),
cancellations, expiries and shipments, every ledger transaction balances and the escrow held is
exactly the goods and shipping of the orders that are paid, not released and not refunded."""

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.errors import DomainError
from orders import services as order_services
from orders.models import Order
from payments import selectors
from payments.models import LedgerAccount, Payment
from tests.factories import MerchantFactory, ProductFactory, checkout, pay, shopper_with_cart

pytestmark = pytest.mark.django_db

EXAMPLES = 100
CARDS = ["4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119"]
HELD = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.COMPLETED)

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("checkout"),
            st.integers(0, 1),
            st.lists(st.tuples(st.integers(0, 3), st.integers(1, 3)), min_size=1, max_size=3),
        ),
        st.tuples(st.just("pay"), st.integers(0, 9), st.sampled_from(CARDS), st.booleans()),
        st.tuples(st.just("cancel"), st.integers(0, 19), st.booleans()),
        st.tuples(st.just("ship"), st.integers(0, 19)),
        st.tuples(st.just("expire")),
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def world(rates):
    merchants = [MerchantFactory(), MerchantFactory(settlement_currency="JPY")]
    products = [
        ProductFactory(merchant=merchants[0], prices=["19.99"], stock=8),
        ProductFactory(merchant=merchants[0], prices=["120.00"], stock=8, shipping_mode="bonded"),
        ProductFactory(merchant=merchants[1], prices=["3333"], stock=8),
        ProductFactory(merchant=merchants[1], prices=["777"], stock=8),
    ]
    shoppers = [shopper_with_cart() for _ in range(2)]
    return [p.variants.get() for p in products], shoppers


def check_invariants():
    assert selectors.unbalanced_transactions() == []
    held_orders = list(Order.objects.filter(status__in=HELD))
    assert selectors.escrow_held() == sum((o.escrow_amount.amount for o in held_orders), Decimal("0"))
    for order in Order.objects.all():
        expected = order.escrow_amount.amount if order.status in HELD else Decimal("0")
        assert selectors.escrow_held(order=order) == expected, order.status
        tax = -selectors.account_balance(LedgerAccount.TAX_PAYABLE, order=order)
        assert tax == (order.tax_total.amount if order.status in HELD else Decimal("0"))
    # The processor holds what was charged minus what was refunded: the total of the held orders.
    clearing = selectors.account_balance(LedgerAccount.GATEWAY_CLEARING)
    assert clearing == sum((o.total.amount for o in held_orders), Decimal("0"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_ledger_balances_and_escrow_matches_paid_orders(world, steps):
    variants, shoppers = world
    with transaction.atomic():  # every example starts from the same catalogue
        payments, keys = [], []
        for step in steps:
            # Refused steps (limits, stock, illegal moves) must leave the books right too.
            with contextlib.suppress(DomainError):
                run(step, variants, shoppers, payments, keys)
            check_invariants()
        transaction.set_rollback(True)


def run(step, variants, shoppers, payments, keys):
    kind = step[0]
    if kind == "checkout":
        user, address, identity = shoppers[step[1]]
        cart = order_services.cart_get_or_create(user=user)
        for index, quantity in step[2]:
            order_services.cart_add(cart=cart, variant_id=variants[index].pk, quantity=quantity)
        payments.append(checkout(user, address, identity))
    elif kind == "pay" and payments:
        payment = payments[step[1] % len(payments)]
        key = keys[-1] if step[3] and keys else f"pay-{len(keys)}"
        keys.append(key)
        pay(Payment.objects.get(pk=payment.pk), card_number=step[2], key=key)
    elif kind == "cancel":
        orders = list(Order.objects.order_by("pk"))
        if orders:
            order = orders[step[1] % len(orders)]
            key = "cancel-same" if step[2] else f"cancel-{order.pk}-{len(keys)}"
            order_services.order_cancel(user=order.user, number=order.number, idempotency_key=key)
    elif kind == "ship":
        orders = list(Order.objects.order_by("pk"))
        if orders:
            order_services.order_ship(order=orders[step[1] % len(orders)])
    elif kind == "expire":
        order_services.orders_cancel_expired(now=timezone.now() + timedelta(hours=1))
