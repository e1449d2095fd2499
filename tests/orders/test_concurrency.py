"""40 buyers race for the last 10 units on PostgreSQL, each checkout in its own thread and connection:
exactly 10 orders are placed and the stock ends at 0, never below."""

import threading

import pytest
from django.db import connection, connections

from orders.errors import InsufficientStock
from orders.models import Order
from tests.factories import ProductFactory, checkout, shopper_with_cart

BUYERS, UNITS = 40, 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
    ),
]


def test_forty_buyers_race_for_ten_units(rates):
    variant = ProductFactory(prices=["10.00"], stock=UNITS).variants.get()
    buyers = [shopper_with_cart((variant, 1)) for _ in range(BUYERS)]
    barrier = threading.Barrier(BUYERS)
    placed, sold_out, errors = [], [], []
    lowest_seen = []

    def buy(user, address, identity):
        try:
            barrier.wait(timeout=30)
            payment = checkout(user, address, identity)
            placed.append(payment.pk)
            variant.refresh_from_db()
            lowest_seen.append(variant.stock)
        except InsufficientStock:
            sold_out.append(user.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=buyer) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(placed) == UNITS
    assert len(sold_out) == BUYERS - UNITS
    variant.refresh_from_db()
    assert variant.stock == 0
    assert min(lowest_seen) >= 0
    assert Order.objects.count() == UNITS
    print(f"\nconcurrency: {len(placed)} placed, {len(sold_out)} sold out, final stock {variant.stock}")
