"""A hypothesis state machine over the money of orders: random sequences of pay, ship, deliver,
confirm receipt, the automatic release (time moved forward), refund before release, and staff holds
placed and lifted, across merchants paid in USD, JPY and EUR. After every step the books are checked
against `MoneyModel`, the one place where the money we expect is kept:

- every ledger transaction balances in each currency;
- each order's escrow is never negative, equals what the model holds, and is zero once released or
  refunded;
- nothing is released twice: one release transaction per released order, exactly one per completed
  order;
- no refund exceeds what was paid;
- per merchant, `merchant_balance` = the sum of its net releases (the model's `merchant_balance`,
  which the later operations extend: refunds after release, compensation, payouts, deposit draws).

To add an operation (refund after release, compensation, payout, deposit paid/drawn): add a rule that
calls the service and, on success, one `MoneyModel.on_*` method that records what it moves; then
extend `MoneyModel.merchant_balance` (and, if it touches them, `escrow`/`refunded`) and, if needed, an
invariant. Keep the expected money in `MoneyModel` only.

Kept fast: `EXAMPLES` examples of at most `STEPS` steps each (see the settings below).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from marketplace.errors import DomainError
from marketplace.money import from_cny
from orders import services as order_services
from orders.models import Order
from payments import services
from payments.errors import OrderNotReleasable, ReleaseOnHold
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Refund, ReleaseHold
from tests.factories import CategoryFactory, MerchantFactory, ProductFactory, checkout, pay, shopper_with_cart
from tests.payments.test_confirm_receipt import finance_staff

pytestmark = pytest.mark.django_db

EXAMPLES = 25
STEPS = 20
FEN = Decimal("0.01")

# One store per settlement currency; each product in its own category with its own commission rate.
STORES = [("USD", "24.90", "0.02"), ("JPY", "3480", "0.035"), ("EUR", "19.99", "0.05")]


@dataclass
class OrderMoney:
    """What the model expects of one order (CNY unless said otherwise)."""

    merchant_id: int
    currency: str
    rate: Decimal
    paid: Decimal  # what the shopper paid for this order (goods, shipping, tax)
    escrow: Decimal  # held for the merchant now
    goods_by_rate: list = field(default_factory=list)  # (goods CNY, commission rate) per line
    refunded: Decimal = Decimal("0")
    released_net: Decimal | None = None  # in the merchant's currency, once released
    commission: Decimal = Decimal("0")
    delivered_at: object = None
    held: bool = False


class MoneyModel:
    """The expected money: every rule reports here what it moved; the invariants compare the books."""

    def __init__(self):
        self.orders: dict[int, OrderMoney] = {}

    # --- what happened ----------------------------------------------------------------------------
    def on_paid(self, order):
        self.orders[order.pk] = OrderMoney(
            merchant_id=order.merchant_id,
            currency=order.currency,
            rate=order.exchange_rate,
            paid=order.total.amount,
            escrow=order.goods_total.amount + order.shipping_fee.amount,
            goods_by_rate=[
                (line.goods_cny.amount, line.variant.product.category.commission_rate)
                for line in order.lines.all()
            ],
        )

    def on_refund_before_release(self, pk):
        money = self.orders[pk]
        money.refunded += money.paid
        money.escrow = Decimal("0")

    def on_release(self, pk):
        """The release's amounts, computed here independently of the service (docs/rules.md)."""
        money = self.orders[pk]
        exact = sum((goods * rate for goods, rate in money.goods_by_rate), Decimal("0"))
        money.commission = min(exact.quantize(FEN, rounding=ROUND_HALF_UP), money.escrow)
        money.released_net = from_cny(money.escrow - money.commission, money.rate, money.currency)
        money.escrow = Decimal("0")

    # --- what follows -----------------------------------------------------------------------------
    def releasable(self, pk, status) -> bool:
        return status in (Order.Status.SHIPPED, Order.Status.DELIVERED) and not self.orders[pk].held

    def due(self, pk, status, now) -> bool:
        money = self.orders[pk]
        return (
            status == Order.Status.DELIVERED
            and not money.held
            and money.delivered_at + timedelta(days=django_settings.ESCROW_AUTO_RELEASE_DAYS) <= now
        )

    def merchant_balance(self, merchant_id) -> Decimal:
        """Released - refunds after release - payouts - compensation drawn (only releases so far)."""
        return sum(
            (m.released_net for m in self.orders.values() if m.merchant_id == merchant_id and m.released_net),
            Decimal("0"),
        )


def _sum(entries) -> Decimal:
    """Summed in Python: SQLite sums decimals as floating point."""
    return sum((Decimal(str(amount)) for amount in entries.values_list("amount", flat=True)), Decimal("0"))


class MoneyMachine(RuleBasedStateMachine):
    world = None  # set by the test: stores, variants, shoppers, staff

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # each example starts from the same world and is rolled back
        self.model = MoneyModel()
        self.now = timezone.now()
        self.keys = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ----------------------------------------------------------------------------------
    def _orders(self, *statuses):
        return list(Order.objects.filter(pk__in=self.model.orders, status__in=statuses).order_by("pk"))

    def _pick(self, index, *statuses):
        orders = self._orders(*statuses)
        return orders[index % len(orders)] if orders else None

    def _key(self, prefix):
        self.keys += 1
        return f"{prefix}-{self.keys}"

    # --- rules ------------------------------------------------------------------------------------
    @rule(shopper=st.integers(0, 1), lines=st.lists(st.integers(0, len(STORES) - 1), min_size=1, max_size=3))
    def pay(self, shopper, lines):
        user, address, identity = self.world["shoppers"][shopper]
        cart = order_services.cart_get_or_create(user=user)
        for index in lines:
            order_services.cart_add(cart=cart, variant_id=self.world["variants"][index].pk, quantity=1)
        payment = checkout(user, address, identity, key=self._key("checkout"))
        pay(payment, key=self._key("pay"))
        for order in payment.orders.prefetch_related("lines__variant__product__category"):
            assert order.status == Order.Status.PAID
            self.model.on_paid(order)

    @rule(index=st.integers(0, 50))
    def ship(self, index):
        order = self._pick(index, Order.Status.PAID)
        if order is not None:
            order_services.order_ship(order=order)

    @rule(index=st.integers(0, 50), days_ago=st.integers(0, 20), hours=st.integers(0, 23))
    def deliver(self, index, days_ago, hours):
        order = self._pick(index, Order.Status.SHIPPED)
        if order is not None:
            delivered_at = self.now - timedelta(days=days_ago, hours=hours)
            with transaction.atomic():
                order_services.order_deliver(order=order, delivered_at=delivered_at)
            self.model.orders[order.pk].delivered_at = delivered_at

    @rule(index=st.integers(0, 50))
    def confirm(self, index):
        orders = self._orders(*Order.Status.values)
        if not orders:
            return
        order = orders[index % len(orders)]
        money = self.model.orders[order.pk]
        expect = self.model.releasable(order.pk, order.status)
        try:
            services.order_confirm_receipt(user=order.user, number=order.number)
        except ReleaseOnHold:
            assert money.held and money.released_net is None
        except OrderNotReleasable:
            assert not expect and money.released_net is None
        else:
            assert expect or money.released_net is not None  # a second confirmation changes nothing
            if money.released_net is None:
                self.model.on_release(order.pk)

    @rule(days=st.integers(0, 15), hours=st.integers(0, 23))
    def auto_release(self, days, hours):
        self.now += timedelta(days=days, hours=hours)
        due = [o.pk for o in self._orders(Order.Status.DELIVERED) if self.model.due(o.pk, o.status, self.now)]
        assert services.escrow_release_due(now=self.now) == len(due)
        for pk in due:
            self.model.on_release(pk)

    @rule(index=st.integers(0, 50), returned=st.booleans())
    def refund_before_release(self, index, returned):
        """A paid order cancelled by its shopper's refund, or a shipped parcel customs returned."""
        statuses = (Order.Status.PAID, Order.Status.SHIPPED) if returned else (Order.Status.PAID,)
        order = self._pick(index, *statuses)
        if order is not None:
            services.order_refund(order=order, idempotency_key=self._key("refund"), parcel_returned=returned)
            self.model.on_refund_before_release(order.pk)

    @rule(index=st.integers(0, 50))
    def hold_place(self, index):
        order = self._pick(index, Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)
        if order is None:
            return
        money = self.model.orders[order.pk]
        try:
            services.release_hold_place(order=order, actor=self.world["staff"], reason="property test")
        except DomainError as exc:
            assert money.held and exc.code == "release_hold_exists"
        else:
            assert not money.held
            money.held = True

    @precondition(lambda self: any(m.held for m in self.model.orders.values()))
    @rule(index=st.integers(0, 50))
    def hold_lift(self, index):
        holds = list(ReleaseHold.objects.filter(lifted_at__isnull=True).order_by("pk"))
        hold = holds[index % len(holds)]
        services.release_hold_lift(hold=hold, actor=self.world["staff"])
        self.model.orders[hold.order_id].held = False

    # --- invariants -------------------------------------------------------------------------------
    @invariant()
    def every_transaction_balances_in_each_currency(self):
        totals = {}
        for txn, currency, amount in LedgerEntry.objects.values_list(
            "transaction_id", "amount_currency", "amount"
        ):
            totals[(txn, currency)] = totals.get((txn, currency), Decimal("0")) + Decimal(str(amount))
        assert {key: total for key, total in totals.items() if total} == {}

    @invariant()
    def escrow_matches_the_model_and_is_never_negative(self):
        for pk, money in self.model.orders.items():
            held = -_sum(LedgerEntry.objects.filter(account=LedgerAccount.ESCROW, order_id=pk))
            assert held >= 0
            assert held == money.escrow, (pk, held, money)
            if money.released_net is not None or money.refunded:
                assert held == 0

    @invariant()
    def released_exactly_once(self):
        statuses = dict(Order.objects.filter(pk__in=self.model.orders).values_list("pk", "status"))
        counts = {}
        for txn in LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE):
            counts[txn.order_id] = counts.get(txn.order_id, 0) + 1
        for pk, money in self.model.orders.items():
            expected = 1 if money.released_net is not None else 0
            assert counts.get(pk, 0) == expected, (pk, counts.get(pk), money)
            if statuses[pk] == Order.Status.COMPLETED:
                assert counts.get(pk) == 1

    @invariant()
    def no_refund_exceeds_what_was_paid(self):
        for pk, money in self.model.orders.items():
            refunded = _sum(Refund.objects.filter(order_id=pk, status=Refund.Status.SUCCEEDED))
            assert refunded == money.refunded <= money.paid

    @invariant()
    def merchant_balance_is_the_sum_of_net_releases(self):
        for merchant in self.world["merchants"]:
            entries = LedgerEntry.objects.filter(account=LedgerAccount.MERCHANT_BALANCE, merchant=merchant)
            assert set(entries.values_list("amount_currency", flat=True)) <= {merchant.settlement_currency}
            assert -_sum(entries) == self.model.merchant_balance(merchant.pk)


@pytest.fixture
def world(rates):
    merchants, variants = [], []
    for currency, price, commission in STORES:
        merchant = MerchantFactory(settlement_currency=currency)
        category = CategoryFactory(commission_rate=Decimal(commission))
        product = ProductFactory(merchant=merchant, category=category, prices=[price], stock=500)
        merchants.append(merchant)
        variants.append(product.variants.get())
    return {
        "merchants": merchants,
        "variants": variants,
        "shoppers": [shopper_with_cart() for _ in range(2)],
        "staff": finance_staff(),
    }


def test_money_moves_balance_and_release_once(world):
    MoneyMachine.world = world
    try:
        run_state_machine_as_test(
            MoneyMachine,
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )
    finally:
        MoneyMachine.world = None
