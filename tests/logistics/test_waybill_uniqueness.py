"""Waybill numbers are unique: a number already issued is drawn again, also when several of the store's
staff ship different orders at the same moment and their first draws collide (PostgreSQL)."""

import threading

import pytest
from django.db import IntegrityError, connection, connections

from logistics.models import Shipment
from logistics.services import shipping
from tests.factories import MerchantFactory, MerchantMemberFactory, paid_order


def ship(merchant, user, order):
    return shipping.shipment_create(
        merchant=merchant, actor=user, order_number=order.number, provider_code="ems", weight_grams=500
    )


def test_a_number_already_issued_is_drawn_again(rates, monkeypatch):
    member = MerchantMemberFactory(merchant=MerchantFactory(country="US"))
    first = ship(member.merchant, member.user, paid_order(merchant=member.merchant))
    draws = iter([first.waybill_number, first.waybill_number, "EA000000019US"])
    monkeypatch.setattr(shipping.waybills, "waybill_new", lambda *args, **kwargs: next(draws))
    second = ship(member.merchant, member.user, paid_order(merchant=member.merchant))
    assert second.waybill_number == "EA000000019US"
    assert Shipment.objects.count() == 2


def test_when_every_draw_collides_nothing_is_written(rates, monkeypatch):
    member = MerchantMemberFactory(merchant=MerchantFactory(country="US"))
    first = ship(member.merchant, member.user, paid_order(merchant=member.merchant))
    monkeypatch.setattr(shipping.waybills, "waybill_new", lambda *args, **kwargs: first.waybill_number)
    order = paid_order(merchant=member.merchant)
    with pytest.raises(IntegrityError):  # after every attempt (10**8 serials: never seen in practice)
        ship(member.merchant, member.user, order)
    order.refresh_from_db()
    assert order.status == "paid" and Shipment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for a real race")
def test_colliding_draws_at_once_still_give_unique_numbers(rates, monkeypatch):
    merchant = MerchantFactory(country="US")
    staff = [MerchantMemberFactory(merchant=merchant).user for _ in range(6)]
    orders = [paid_order(merchant=merchant) for _ in staff]
    local = threading.local()

    def draw(*args, **kwargs):
        # Every thread's first draw is the same number; its next ones are its own.
        local.calls = getattr(local, "calls", 0) + 1
        return (
            "EA111111111US" if local.calls == 1 else f"EA{threading.get_ident() % 10**8:08d}{local.calls}US"
        )

    monkeypatch.setattr(shipping.waybills, "waybill_new", draw)
    barrier = threading.Barrier(len(staff))
    made, errors = [], []

    def click(user, order):
        try:
            barrier.wait(timeout=30)
            made.append(ship(merchant, user, order).waybill_number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=pair) for pair in zip(staff, orders, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(made) == len(set(made)) == 6 and "EA111111111US" in made
    assert Shipment.objects.filter(order__in=orders).count() == 6
