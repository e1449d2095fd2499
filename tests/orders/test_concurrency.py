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


def test_simultaneous_submits_of_one_payment_charge_once(rates):
    """Five submits of the same payment at once (a double-clicking shopper on several tabs): with the
    same key or different keys, the card is charged once and the escrow holds the money once."""
    from payments import selectors as ledger
    from payments.errors import PaymentAlreadyMade, PaymentInProgress
    from payments.models import Payment, SandboxOperation
    from tests.factories import pay

    variant = ProductFactory(prices=["10.00"]).variants.get()
    payment = checkout(*shopper_with_cart((variant, 1)))
    keys = ["same", "same", "other-1", "other-2", "other-3"]
    barrier = threading.Barrier(len(keys))
    outcomes, errors = [], []

    def submit(key):
        try:
            barrier.wait(timeout=30)
            outcomes.append(pay(Payment.objects.get(pk=payment.pk), key=key).status)
        except (PaymentAlreadyMade, PaymentInProgress) as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert SandboxOperation.objects.filter(kind="charge", outcome="succeeded").count() == 1
    order = payment.orders.get()
    assert order.status == "paid"
    assert ledger.escrow_held() == order.escrow_amount.amount
    assert "succeeded" in outcomes
