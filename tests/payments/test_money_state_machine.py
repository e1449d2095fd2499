"""A hypothesis state machine over the money of orders: random sequences of pay, ship, deliver,
confirm receipt, the automatic release (time moved forward), refund before release, and staff holds
placed and lifted, security deposits paid, drawn and checked daily, and the money going out: refunds
after release (tax, commission, then the merchant's balance, then its deposit), compensation for a
deadline breach before release (from escrow) and after (from the merchant), payouts on request, the
weekly run, bank batches marked paid, payouts failed (back to the balance) and two requests for the
whole balance in a row, across merchants paid in USD, JPY and EUR. After every step the books are checked
against `MoneyModel`, the one place where the money we expect is kept:

- every ledger transaction balances in each currency;
- each order's escrow is never negative, equals what the model holds, and is zero once released or
  refunded;
- nothing is released twice: one release transaction per released order, exactly one per completed
  order;
- no refund exceeds what was paid;
- per merchant, `merchant_balance` = released net - refunds and compensation after release taken
  from the balance - payouts not failed, never negative (so no payout exceeded the balance);
- every payout row has the model's amount and status; `payout_in_transit` = payouts requested or
  processing;
- per merchant, the deposit held = deposits paid - drawn (a draw the deposit cannot cover leaves it
  negative); after the daily check a deposit once paid is flagged short exactly when it is below the
  requirement.

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
from djmoney.money import Money
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from marketplace.errors import DomainError
from marketplace.money import from_cny, round_currency
from merchants.models import SecurityDeposit
from orders import services as order_services
from orders.models import Order
from payments import merchant_selectors, services
from payments.errors import (
    DepositNothingDue,
    NothingToBatch,
    NothingToRefund,
    OrderNotReleasable,
    PayoutBelowMinimum,
    PayoutExceedsBalance,
    PayoutNotChangeable,
    ReleaseOnHold,
)
from payments.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutBatch,
    Refund,
    ReleaseHold,
)
from tests.factories import CategoryFactory, MerchantFactory, ProductFactory, checkout, pay, shopper_with_cart
from tests.payments.payout_helpers import bank_details, breach_for, member
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
    tax: Decimal = Decimal("0")  # tax owed on the order (paid - escrow at payment), CNY
    breached: bool = False  # a deadline breach (with its compensation) was recorded


@dataclass
class PayoutMoney:
    merchant_id: int
    amount: Decimal  # in the merchant's currency
    status: str = "requested"
    batch_id: int | None = None


class MoneyModel:
    """The expected money: every rule reports here what it moved; the invariants compare the books."""

    def __init__(self):
        self.orders: dict[int, OrderMoney] = {}
        self.deposits: dict[int, Decimal] = {}  # per merchant: deposit paid - drawn, its currency
        self.taken: dict[int, Decimal] = {}  # per merchant: refunds/compensation taken from the balance
        self.payouts: dict[int, PayoutMoney] = {}  # per payout id

    def on_deposit_moved(self, merchant_id, amount):
        self.deposits[merchant_id] = self.deposits.get(merchant_id, Decimal("0")) + amount

    # --- what happened ----------------------------------------------------------------------------
    def on_paid(self, order):
        self.orders[order.pk] = OrderMoney(
            merchant_id=order.merchant_id,
            currency=order.currency,
            rate=order.exchange_rate,
            paid=order.total.amount,
            escrow=order.goods_total.amount + order.shipping_fee.amount,
            tax=order.total.amount - order.goods_total.amount - order.shipping_fee.amount,
            goods_by_rate=[
                (line.goods_cny.amount, line.variant.product.category.commission_rate)
                for line in order.lines.all()
            ],
        )

    def on_refund_before_release(self, pk):
        """What the ledger still holds (escrow, less any compensation paid from it, + tax)."""
        money = self.orders[pk]
        money.refunded += min(money.escrow + money.tax, money.paid - money.refunded)
        money.escrow = Decimal("0")

    def _take_from_merchant(self, pk, amount_cny):
        """The merchant's part of a refund/compensation after release: converted at the order's
        rate (rounded once), from the balance as far as it goes, then the deposit."""
        money = self.orders[pk]
        if amount_cny <= 0:
            return
        due = from_cny(amount_cny, money.rate, money.currency)
        from_balance = min(due, max(self.merchant_balance(money.merchant_id), Decimal("0")))
        mid = money.merchant_id
        self.taken[mid] = self.taken.get(mid, Decimal("0")) + from_balance
        self.deposits[mid] = self.deposits.get(mid, Decimal("0")) - (due - from_balance)

    def refund_after_release_amount(self, pk) -> Decimal:
        money = self.orders[pk]
        return money.paid - money.refunded

    def on_refund_after_release(self, pk):
        """Tax owed back first, then the commission from platform revenue, the rest from the merchant."""
        money = self.orders[pk]
        amount = money.paid - money.refunded
        tax_part = min(money.tax, amount)
        commission_part = min(money.commission, amount - tax_part)
        money.refunded += amount
        self._take_from_merchant(pk, amount - tax_part - commission_part)

    def compensation_amount(self, pk, owed) -> Decimal:
        money = self.orders[pk]
        limit = money.paid - money.refunded
        if money.released_net is None:
            limit = min(limit, money.escrow)
        return min(owed, limit)

    def on_compensation(self, pk, amount):
        money = self.orders[pk]
        money.refunded += amount
        if money.released_net is None:
            money.escrow -= amount
        else:
            self._take_from_merchant(pk, amount)

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
        """Released net - refunds and compensation after release taken from the balance - payouts
        not failed."""
        released = sum(
            (m.released_net for m in self.orders.values() if m.merchant_id == merchant_id and m.released_net),
            Decimal("0"),
        )
        paid_out = sum(
            (
                p.amount
                for p in self.payouts.values()
                if p.merchant_id == merchant_id and p.status != "failed"
            ),
            Decimal("0"),
        )
        return released - self.taken.get(merchant_id, Decimal("0")) - paid_out

    def in_transit(self, merchant_id) -> Decimal:
        return sum(
            (
                p.amount
                for p in self.payouts.values()
                if p.merchant_id == merchant_id and p.status in ("requested", "processing")
            ),
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

    @initialize(
        lines=st.lists(st.integers(0, len(STORES) - 1), min_size=1, max_size=3), release=st.booleans()
    )
    def start(self, lines, release):
        """Each example starts with a paid order per store named, and maybe released: the money-out
        rules have something to work on within a few steps."""
        self.pay(shopper=1, lines=lines)
        if release:
            for _order in self._orders(Order.Status.PAID):
                self.ship_and_confirm(index=0)  # the first still paid (or shipped)

    @rule(index=st.integers(0, 50))
    def ship_and_confirm(self, index):
        """A short way to a released order (the money-out rules need some): ship if still paid, then
        the shopper confirms receipt."""
        order = self._pick(index, Order.Status.PAID, Order.Status.SHIPPED)
        if order is None or self.model.orders[order.pk].held:
            return
        if order.status == Order.Status.PAID:
            order = order_services.order_ship(order=order)
        services.order_confirm_receipt(user=order.user, number=order.number)
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

    @rule(store=st.integers(0, len(STORES) - 1))
    def deposit_pay(self, store):
        """The store pays what is due on its deposit (all of it, or a top-up) with the sandbox card."""
        merchant = self.world["merchants"][store]
        try:
            payment = services.deposit_payment_due(merchant=merchant, user=self.world["staff"])
        except DepositNothingDue:
            assert merchant_selectors.deposit_status(merchant).is_paid
            return
        pay(payment, key=self._key("deposit"))
        self.model.on_deposit_moved(merchant.pk, payment.amount.amount)
        assert merchant_selectors.deposit_status(merchant).is_paid

    @rule(store=st.integers(0, len(STORES) - 1), share=st.integers(1, 50))
    def deposit_draw(self, store, share):
        """A draw on the deposit as the refunds after release post it (`merchant_deposit` +, clearing
        -): `share` percent of what is held, rounded to the currency's minor unit."""
        merchant = self.world["merchants"][store]
        held = self.model.deposits.get(merchant.pk, Decimal("0"))
        amount = round_currency(held * share / 100, merchant.settlement_currency)
        if amount <= 0:
            return
        money = Money(amount, merchant.settlement_currency)
        services.ledger_post(
            kind=LedgerTransaction.Kind.DEPOSIT_DRAWN,
            entries=[
                (LedgerAccount.MERCHANT_DEPOSIT, None, money, merchant),
                (LedgerAccount.GATEWAY_CLEARING, None, -money),
            ],
            merchant=merchant,
        )
        self.model.on_deposit_moved(merchant.pk, -amount)

    @rule(days=st.integers(0, 20))
    def deposits_check(self, days):
        """The daily check, `days` on: a short deposit is flagged, a whole one is not."""
        services.deposits_check(now=self.now + timedelta(days=days))
        for merchant in self.world["merchants"]:
            deposit = SecurityDeposit.objects.filter(merchant=merchant, paid_at__isnull=False).first()
            if deposit is not None:
                short = not merchant_selectors.deposit_status(merchant).is_paid
                assert (deposit.shortfall_since is not None) == short

    # --- money out: refunds after release, compensation, payouts ------------------------------------
    @rule(index=st.integers(0, 50))
    def refund_after_release(self, index):
        """Finance staff refund a completed order in full: tax and commission back, the merchant's
        part from its balance, then its deposit."""
        order = self._pick(index, Order.Status.COMPLETED)
        if order is None:
            return
        expected = self.model.refund_after_release_amount(order.pk)
        try:
            refund = services.order_refund_by_staff(
                order=order, actor=self.world["staff"], idempotency_key=self._key("after")
            )
        except NothingToRefund:
            assert expected <= 0
            return
        assert refund.status == Refund.Status.SUCCEEDED and refund.amount.amount == expected > 0
        self.model.on_refund_after_release(order.pk)

    @rule(index=st.integers(0, 50), owed=st.sampled_from(["5.00", "40.00", "2000.00"]))
    def compensate(self, index, owed):
        """A deadline breach with its compensation, paid to the buyer: from the escrow before
        release, from the merchant's balance then deposit after."""
        order = self._pick(
            index, Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.COMPLETED
        )
        if order is None or self.model.orders[order.pk].breached:
            return
        self.model.orders[order.pk].breached = True
        breach = breach_for(order, Decimal(owed))
        expected = self.model.compensation_amount(order.pk, Decimal(owed))
        try:
            refund = services.compensation_pay(breach=breach)
        except NothingToRefund:
            assert expected <= 0
            return
        assert refund.status == Refund.Status.SUCCEEDED and refund.amount.amount == expected > 0
        self.model.on_compensation(order.pk, expected)
        assert services.compensation_pay(breach=breach).pk == refund.pk  # paid once

    def _record_payout(self, payout):
        assert payout.pk not in self.model.payouts
        self.model.payouts[payout.pk] = PayoutMoney(payout.merchant_id, payout.amount.amount)

    @rule(store=st.integers(0, len(STORES) - 1), share=st.integers(1, 100))
    def payout_on_request(self, store, share):
        """The store asks for `share` percent of its balance (the model's)."""
        merchant = self.world["merchants"][store]
        available = self.model.merchant_balance(merchant.pk)
        amount = round_currency(available * share / 100, merchant.settlement_currency)
        if amount <= 0:
            return
        minimum = services.payout_minimum(merchant).amount
        try:
            payout = services.payout_request(
                merchant=merchant, actor=self.world["members"][store], amount=amount
            )
        except PayoutBelowMinimum:
            assert amount < minimum
            return
        assert minimum <= amount <= available and payout.amount.amount == amount
        self._record_payout(payout)

    @rule(store=st.integers(0, len(STORES) - 1))
    def payout_whole_balance_twice(self, store):
        """Two requests for the whole balance, one after the other: only the first goes through.
        (True concurrency, two requests at once under the payout account's lock, is tested on
        PostgreSQL in test_payout_concurrency.py; here the second simply sees the first's effect.)"""
        merchant = self.world["merchants"][store]
        available = self.model.merchant_balance(merchant.pk)
        if available <= 0 or available < services.payout_minimum(merchant).amount:
            return
        actor = self.world["members"][store]
        payout = services.payout_request(merchant=merchant, actor=actor, amount=available)
        self._record_payout(payout)
        with pytest.raises(PayoutExceedsBalance):
            services.payout_request(merchant=merchant, actor=actor, amount=available)

    @rule()
    def payouts_weekly(self):
        """The weekly run pays each whole balance that reaches the minimum."""
        expected = {}
        for merchant in self.world["merchants"]:
            available = self.model.merchant_balance(merchant.pk)
            if available > 0 and available >= services.payout_minimum(merchant).amount:
                expected[merchant.pk] = available
        assert services.payouts_run_scheduled() == len(expected)
        made = Payout.objects.exclude(pk__in=list(self.model.payouts)).order_by("pk")
        assert {p.merchant_id: p.amount.amount for p in made} == expected
        for payout in made:
            assert payout.kind == Payout.Kind.SCHEDULED
            self._record_payout(payout)

    @rule(mark_paid=st.booleans())
    def payout_batch(self, mark_paid):
        """Finance staff gather the requested bank payouts into a batch, and maybe mark it paid."""
        waiting = {pk for pk, p in self.model.payouts.items() if p.status == "requested"}
        staff = self.world["staff"]
        try:
            batch = services.payout_batch_create(actor=staff)
        except NothingToBatch:
            assert not waiting
            return
        assert set(batch.payouts.values_list("pk", flat=True)) == waiting
        for pk in waiting:
            self.model.payouts[pk].status = "processing"
            self.model.payouts[pk].batch_id = batch.pk
        if mark_paid:
            self._batch_paid(batch)

    def _batch_paid(self, batch):
        services.payout_batch_mark_paid(
            batch=batch, actor=self.world["staff"], bank_reference=f"BANK-{batch.pk}"
        )
        for payout in self.model.payouts.values():
            if payout.batch_id == batch.pk and payout.status == "processing":
                payout.status = "paid"

    @precondition(lambda self: any(p.batch_id for p in self.model.payouts.values()))
    @rule(index=st.integers(0, 50))
    def payout_batch_mark_paid(self, index):
        batches = list(PayoutBatch.objects.filter(paid_at__isnull=True).order_by("pk"))
        if batches:
            self._batch_paid(batches[index % len(batches)])

    @precondition(lambda self: bool(self.model.payouts))
    @rule(index=st.integers(0, 50))
    def payout_fail(self, index):
        """The bank could not pay: the money goes back to the balance (not once paid or failed)."""
        pks = sorted(self.model.payouts)
        pk = pks[index % len(pks)]
        money = self.model.payouts[pk]
        try:
            services.payout_mark_failed(
                payout=Payout(pk=pk), actor=self.world["staff"], reason="bank said no"
            )
        except PayoutNotChangeable:
            assert money.status in ("paid", "failed")
            return
        assert money.status in ("requested", "processing")
        money.status = "failed"

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
            if money.released_net is not None or money.refunded == money.paid:  # released or refunded
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
    def merchant_balance_matches_the_model_and_is_never_negative(self):
        """Released net - refunds/compensation from the balance - payouts not failed, never < 0 (so no
        payout ever exceeded the balance)."""
        for merchant in self.world["merchants"]:
            entries = LedgerEntry.objects.filter(account=LedgerAccount.MERCHANT_BALANCE, merchant=merchant)
            assert set(entries.values_list("amount_currency", flat=True)) <= {merchant.settlement_currency}
            expected = self.model.merchant_balance(merchant.pk)
            assert -_sum(entries) == expected >= 0
            assert services.merchant_available_balance(merchant).amount == expected

    @invariant()
    def payouts_match_the_model(self):
        rows = {p.pk: p for p in Payout.objects.all()}
        assert set(rows) == set(self.model.payouts)
        for pk, money in self.model.payouts.items():
            assert (rows[pk].merchant_id, rows[pk].amount.amount, rows[pk].status) == (
                money.merchant_id,
                money.amount,
                money.status,
            )
        for merchant in self.world["merchants"]:
            entries = LedgerEntry.objects.filter(account=LedgerAccount.PAYOUT_IN_TRANSIT, merchant=merchant)
            assert -_sum(entries) == self.model.in_transit(merchant.pk)

    @invariant()
    def deposit_held_is_paid_less_drawn(self):
        for merchant in self.world["merchants"]:
            held = merchant_selectors.deposit_held(merchant)
            # A draw the deposit cannot cover leaves it negative (the store owes the platform).
            assert held == self.model.deposits.get(merchant.pk, Decimal("0"))


@pytest.fixture
def world(rates, settings):
    merchants, variants = [], []
    for currency, price, commission in STORES:
        merchant = MerchantFactory(settlement_currency=currency)
        category = CategoryFactory(commission_rate=Decimal(commission))
        product = ProductFactory(merchant=merchant, category=category, prices=[price], stock=500)
        merchants.append(merchant)
        variants.append(product.variants.get())
    for merchant in merchants:
        bank_details(merchant)
    settings.PAYOUT_MINIMUM_CNY = "20"  # low, so that payouts happen (and some requests are below it)
    return {
        "members": [member(merchant) for merchant in merchants],
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
