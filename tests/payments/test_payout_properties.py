"""Property: after any sequence of shipping, release, compensation, refunds before and after release,
payouts (requested, batched, paid, failed) and the weekly run, every ledger transaction balances in
each currency; no merchant balance goes below zero; per merchant, balance = released - payouts not
failed - what refunds and compensations took from the balance, and payouts in transit = the payouts
not yet paid or failed; no order gets back more than was paid; the gateway refunded exactly what the
`Refund` rows say; a refunded order's escrow and tax accounts are empty."""

import contextlib
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.errors import DomainError
from orders import services as order_services
from orders.models import Order
from payments import services
from payments.models import LedgerAccount, LedgerEntry, Payment, Payout, Refund, SandboxOperation
from tests.factories import MerchantFactory, paid_order

from .payout_helpers import (
    assert_every_transaction_balances,
    bank_details,
    breach_for,
    deposit_pay,
    finance_staff,
    member,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 40
ORDERS = 5

steps = st.lists(
    st.one_of(
        st.tuples(st.just("ship"), st.integers(0, ORDERS - 1)),
        st.tuples(st.just("release"), st.integers(0, ORDERS - 1)),
        st.tuples(st.just("refund"), st.integers(0, ORDERS - 1)),
        st.tuples(
            st.just("compensate"), st.integers(0, ORDERS - 1), st.sampled_from(["1.00", "5.00", "80.00"])
        ),
        st.tuples(st.just("payout"), st.integers(0, 1), st.sampled_from(["0.3", "0.5", "1", "1.5"])),
        st.tuples(st.just("batch"), st.booleans()),
        st.tuples(st.just("fail"), st.integers(0, 5)),
        st.tuples(st.just("weekly")),
    ),
    min_size=1,
    max_size=14,
)


@pytest.fixture
def world(rates):
    merchants = [MerchantFactory(settlement_currency="USD"), MerchantFactory(settlement_currency="JPY")]
    for merchant in merchants:
        bank_details(merchant)
        deposit_pay(merchant, Decimal("300") if merchant.settlement_currency == "USD" else Decimal("40000"))
    prices = {"USD": ("80.00",), "JPY": ("9000",)}
    orders = [
        paid_order(merchant=merchants[i % 2], prices=prices[merchants[i % 2].settlement_currency])
        for i in range(ORDERS)
    ]
    return merchants, orders, [member(m) for m in merchants], finance_staff()


def _sum(queryset) -> Decimal:
    return Decimal(queryset.aggregate(t=Sum("amount"))["t"] or 0).quantize(Decimal("0.01"))


def check_invariants(merchants, orders):
    assert_every_transaction_balances()
    for merchant in merchants:
        currency = merchant.settlement_currency
        entries = LedgerEntry.objects.filter(
            account=LedgerAccount.MERCHANT_BALANCE, merchant=merchant, amount_currency=currency
        )
        available = services.merchant_available_balance(merchant).amount
        assert available >= 0
        released = -_sum(entries.filter(transaction__kind="release"))
        taken = _sum(entries.filter(transaction__kind__in=["refund_released", "compensation"]))
        reversed_back = -_sum(entries.filter(transaction__kind="transfer_reversed"))
        payouts = Payout.objects.filter(merchant=merchant).exclude(status=Payout.Status.FAILED)
        assert available == released + reversed_back - _sum(payouts) - taken
        in_transit = -_sum(
            LedgerEntry.objects.filter(
                account=LedgerAccount.PAYOUT_IN_TRANSIT, merchant=merchant, amount_currency=currency
            )
        )
        assert in_transit == _sum(payouts.exclude(status=Payout.Status.PAID))
    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        refunded = _sum(order.refunds.filter(status=Refund.Status.SUCCEEDED))
        assert refunded <= order.total.amount
        intent = Payment.objects.get(pk=order.payment_id).gateway_reference
        gateway = _sum(SandboxOperation.objects.filter(intent=intent, kind="refund", outcome="succeeded"))
        assert gateway == refunded
        escrow = -_sum(LedgerEntry.objects.filter(account=LedgerAccount.ESCROW, order=order))
        tax = -_sum(LedgerEntry.objects.filter(account=LedgerAccount.TAX_PAYABLE, order=order))
        assert escrow >= 0
        if order.status in (Order.Status.REFUNDED, Order.Status.COMPLETED):
            assert escrow == 0
        if order.status == Order.Status.REFUNDED:
            assert tax == 0 and refunded > 0


def run(step, merchants, orders, users, staff, keys):
    kind, *args = step
    if kind == "ship":
        order_services.order_ship(order=orders[args[0]])
    elif kind == "release":  # the shopper confirms receipt (shipping first when still unshipped)
        order = Order.objects.get(pk=orders[args[0]].pk)
        if order.status == Order.Status.PAID:
            order = order_services.order_ship(order=order)
        services.escrow_release(order=order)
    elif kind == "refund":
        keys[0] += 1
        services.order_refund_by_staff(order=orders[args[0]], actor=staff, idempotency_key=f"prop-{keys[0]}")
    elif kind == "compensate":
        order = orders[args[0]]
        from logistics.models import DeadlineBreach

        breach = DeadlineBreach.objects.filter(order=order).first() or breach_for(order, Decimal(args[1]))
        services.compensation_pay(breach=breach)
    elif kind == "payout":
        merchant = merchants[args[0]]
        available = services.merchant_available_balance(merchant).amount
        amount = (available * Decimal(args[1])).quantize(
            Decimal("1") if merchant.settlement_currency == "JPY" else Decimal("0.01")
        )
        services.payout_request(merchant=merchant, actor=users[args[0]], amount=amount)
    elif kind == "batch":
        batch = services.payout_batch_create(actor=staff)
        if args[0]:
            services.payout_batch_mark_paid(batch=batch, actor=staff, bank_reference=f"B{batch.pk}")
    elif kind == "fail":
        payout = Payout.objects.order_by("pk")[args[0] : args[0] + 1].first()
        if payout is not None:
            services.payout_mark_failed(payout=payout, actor=staff, reason="bank said no")
    elif kind == "weekly":
        services.payouts_run_scheduled()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_payouts_refunds_and_compensation_keep_the_books(world, steps):
    merchants, orders, users, staff = world
    with transaction.atomic():  # every example starts from the same paid orders
        keys = [0]
        for step in steps:
            with contextlib.suppress(DomainError), transaction.atomic():
                run(step, merchants, orders, users, staff, keys)
            for order in orders:
                order.refresh_from_db()
            check_invariants(merchants, orders)
        transaction.set_rollback(True)
