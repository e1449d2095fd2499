"""Escrow release: commission per category, the per-currency balanced ledger, exactly once, holds and
the automatic release after delivery."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from marketplace.models import Category
from orders import services as order_services
from orders.models import Order, OrderEvent
from payments import services
from payments.errors import OrderNotReleasable, ReleaseOnHold
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction
from tests.factories import CategoryFactory, MerchantFactory, StaffFactory, paid_order

pytestmark = pytest.mark.django_db


def _balance(account, currency, **filters):
    entries = LedgerEntry.objects.filter(account=account, amount_currency=currency, **filters)
    total = entries.aggregate(t=Sum("amount"))["t"] or 0
    return Decimal(total).quantize(Decimal("0.01"))


def _finance_staff():
    from django.contrib.auth.models import Permission

    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_finance", "manage_finance"]))
    return type(staff).objects.get(pk=staff.pk)


def _shipped(order):
    return order_services.order_ship(order=order)


@pytest.fixture
def usd_order(rates):
    order = paid_order(merchant=MerchantFactory(settlement_currency="USD"), prices=("100.00",))
    category = order.lines.get().variant.product.category
    category.commission_rate = Decimal("0.04")
    category.save()
    return _shipped(order)


def test_every_release_transaction_balances_in_each_currency(usd_order):
    txn = services.escrow_release(order=usd_order, actor=usd_order.user)
    for currency in ("CNY", "USD"):
        assert txn.entries.filter(amount_currency=currency).aggregate(t=Sum("amount"))["t"] == 0
    usd_order.refresh_from_db()
    goods = usd_order.goods_total.amount
    commission = (goods * Decimal("0.04")).quantize(Decimal("0.01"))
    assert _balance(LedgerAccount.PLATFORM_REVENUE, "CNY") == -commission
    net_cny = usd_order.escrow_amount.amount - commission
    expected = (net_cny / usd_order.exchange_rate).quantize(Decimal("0.01"))
    assert _balance(LedgerAccount.MERCHANT_BALANCE, "USD", merchant=usd_order.merchant) == -expected
    assert _balance(LedgerAccount.ESCROW, "CNY", order=usd_order) == 0
    assert usd_order.status == Order.Status.COMPLETED
    assert usd_order.events.filter(kind=OrderEvent.Kind.RECEIPT_CONFIRMED).exists()


def test_a_second_release_changes_nothing(usd_order):
    first = services.escrow_release(order=usd_order)
    second = services.escrow_release(order=usd_order, trigger="auto")
    assert first.pk == second.pk
    assert LedgerTransaction.objects.filter(kind="release").count() == 1


def test_a_paid_order_not_shipped_is_not_released(rates):
    order = paid_order()
    with pytest.raises(OrderNotReleasable):
        services.escrow_release(order=order)


def test_subcategory_takes_the_parent_rate_and_the_default_applies_last(settings):
    settings.COMMISSION_RATE_DEFAULT = "0.05"
    parent = CategoryFactory(commission_rate=Decimal("0.02"))
    child = CategoryFactory(parent=parent)
    assert services.category_commission_rate(child) == Decimal("0.02")
    assert services.category_commission_rate(CategoryFactory()) == Decimal("0.05")


def test_the_database_refuses_a_commission_outside_2_to_5_percent():
    from django.db import IntegrityError, transaction

    category = CategoryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.filter(pk=category.pk).update(commission_rate=Decimal("0.2"))


def test_a_hold_stops_the_shopper_and_the_job_until_lifted(usd_order):
    staff = _finance_staff()
    hold = services.release_hold_place(order=usd_order, actor=staff, reason="fraud check")
    with pytest.raises(ReleaseOnHold):
        services.order_confirm_receipt(user=usd_order.user, number=usd_order.number)
    order_services.order_deliver(order=usd_order, delivered_at=timezone.now() - timedelta(days=20))
    assert services.escrow_release_due() == 0
    services.release_hold_lift(hold=hold, actor=staff)
    assert services.escrow_release_due() == 1
    usd_order.refresh_from_db()
    assert usd_order.status == Order.Status.COMPLETED
    assert usd_order.events.filter(kind=OrderEvent.Kind.AUTO_CONFIRMED).exists()


def test_the_job_waits_for_the_confirmation_period(usd_order, settings):
    settings.ESCROW_AUTO_RELEASE_DAYS = 14
    order_services.order_deliver(order=usd_order, delivered_at=timezone.now() - timedelta(days=13, hours=23))
    assert services.escrow_release_due() == 0
    assert services.escrow_release_due(now=timezone.now() + timedelta(hours=2)) == 1
