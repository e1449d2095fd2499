"""Exactly once on PostgreSQL: the shopper's button and the hourly job racing, five confirmations at
once, and a hold racing a confirmation. Threads with their own connections; one release transaction,
one completion event, a balanced ledger."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from orders import services as order_services
from orders.models import Order, OrderEvent
from payments import services
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, ReleaseHold
from tests.concurrency import race
from tests.factories import MerchantFactory, paid_order
from tests.payments.test_confirm_receipt import finance_staff

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers"
    ),
]


def assert_released_once(order):
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert LedgerTransaction.objects.filter(kind="release", order=order).count() == 1
    done = order.events.filter(kind__in=[OrderEvent.Kind.RECEIPT_CONFIRMED, OrderEvent.Kind.AUTO_CONFIRMED])
    assert done.count() == 1
    assert order.events.filter(to_status=Order.Status.COMPLETED).count() == 1
    for txn in LedgerTransaction.objects.all():
        for currency in txn.entries.values_list("amount_currency", flat=True).distinct():
            assert txn.entries.filter(amount_currency=currency).aggregate(t=Sum("amount"))["t"] == 0
    escrow = LedgerEntry.objects.filter(account=LedgerAccount.ESCROW, order=order).aggregate(t=Sum("amount"))
    assert escrow["t"] == Decimal("0")


@pytest.fixture
def delivered(rates):
    order = order_services.order_ship(order=paid_order(merchant=MerchantFactory(settlement_currency="USD")))
    with transaction.atomic():  # order_deliver runs in the tracking service's transaction
        return order_services.order_deliver(order=order, delivered_at=timezone.now() - timedelta(days=20))


@pytest.mark.parametrize("attempt", range(3))
def test_the_button_and_the_job_release_once(delivered, attempt):
    results, refused, errors = race(
        lambda: services.order_confirm_receipt(user=delivered.user, number=delivered.number),
        lambda: services.escrow_release_due(),
    )
    assert errors == [] and refused == []
    assert_released_once(delivered)
    # The job counts a release only when it made it: 1 if it won, 0 if the shopper did.
    count = next(r for r in results if isinstance(r, int))
    kind = delivered.events.get(to_status=Order.Status.COMPLETED).kind
    assert count == (1 if kind == OrderEvent.Kind.AUTO_CONFIRMED else 0)


def test_five_confirmations_at_once_release_once(delivered):
    confirm = lambda: services.order_confirm_receipt(user=delivered.user, number=delivered.number)  # noqa: E731
    results, refused, errors = race(*[confirm] * 5)
    assert errors == [] and refused == []
    assert len({txn.pk for txn in results}) == 1  # every caller got the one release back
    assert_released_once(delivered)


def test_two_jobs_at_once_release_once(delivered):
    results, refused, errors = race(services.escrow_release_due, services.escrow_release_due)
    assert errors == [] and refused == []
    assert sorted(results) == [0, 1]
    assert_released_once(delivered)


def test_a_hold_racing_a_confirmation_either_stops_it_or_comes_too_late(delivered):
    staff = finance_staff()
    results, refused, errors = race(
        lambda: services.order_confirm_receipt(user=delivered.user, number=delivered.number),
        lambda: services.release_hold_place(order=delivered, actor=staff, reason="fraud check"),
    )
    assert errors == [] and len(refused) == 1
    released = LedgerTransaction.objects.filter(kind="release", order=delivered).count()
    held = ReleaseHold.objects.filter(order=delivered).count()
    assert (released, held) in {(1, 0), (0, 1)}
    if released:
        assert_released_once(delivered)
