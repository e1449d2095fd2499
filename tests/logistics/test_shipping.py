"""Shipping an order: the shipment carries the quote; a double click makes one shipment; orders that
cannot ship are refused with a clear message; batches ship order by order."""

import threading
import uuid

import pytest
from django.core import mail
from django.db import connection, connections

from logistics.errors import (
    BatchTooLarge,
    InvalidParcelWeight,
    OrderAlreadyShipped,
    OrderNotShippable,
    ParcelTooHeavy,
    ProviderNotOffered,
)
from logistics.models import CustomsMode, Shipment
from logistics.services import shipping
from merchants.errors import NotAllowed
from orders import services as order_services
from orders.errors import NotFound
from orders.models import Order, OrderEvent
from tests.factories import MerchantFactory, MerchantMemberFactory, paid_order


@pytest.fixture
def store(db):
    member = MerchantMemberFactory(merchant=MerchantFactory(country="US"))
    return member.merchant, member.user


def ship(store, order, provider="sf-express", weight=800):
    merchant, user = store
    return shipping.shipment_create(
        merchant=merchant, actor=user, order_number=order.number, provider_code=provider, weight_grams=weight
    )


def test_shipping_creates_the_shipment_from_the_quote_and_ships_the_order(
    store, rates, django_capture_on_commit_callbacks
):
    order = paid_order(merchant=store[0])
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(store, order, provider="ems", weight=1200)
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED and order.shipped_at
    assert shipment.provider.code == "ems" and shipment.zone.code == "Z5"
    # EMS zone 5: 170 first 500 g, 50 per started 500 g: 1200 g is two more steps.
    assert shipment.list_price.amount == 270 and shipment.price.amount == 270
    assert shipment.customs_mode == CustomsMode.DIRECT_MAIL and shipment.origin_country == "US"
    assert (
        shipment.consignee_name == order.buyer_name and shipment.consignee_id_number == order.buyer_id_number
    )
    assert shipment.waybill_number.startswith("EA") and shipment.waybill_number.endswith("US")
    assert order.events.filter(kind=OrderEvent.Kind.SHIPPED, note__contains=shipment.waybill_number).exists()
    assert len(mail.outbox) == 1 and shipment.waybill_number in mail.outbox[0].body


def test_a_second_click_returns_the_same_shipment(store, rates):
    order = paid_order(merchant=store[0])
    first = ship(store, order)
    again = ship(store, order)
    assert again.pk == first.pk and Shipment.objects.count() == 1
    with pytest.raises(OrderAlreadyShipped) as refused:
        ship(store, order, provider="ems")
    assert first.waybill_number in str(refused.value)


@pytest.mark.parametrize("how", ["cancelled", "refunded"])
def test_closed_orders_are_refused(store, rates, how):
    order = paid_order(merchant=store[0])
    if how == "refunded":
        order_services.order_cancel(user=order.user, number=order.number, idempotency_key=uuid.uuid4().hex)
    else:
        Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    with pytest.raises(OrderNotShippable) as refused:
        ship(store, order)
    assert order.number in str(refused.value)
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(
    ("weight", "error"),
    [
        (0, InvalidParcelWeight),
        (-5, InvalidParcelWeight),
        ("heavy", InvalidParcelWeight),
        (60_000, ParcelTooHeavy),
    ],
)
def test_bad_weights_are_refused_and_nothing_changes(store, rates, weight, error):
    order = paid_order(merchant=store[0])
    with pytest.raises(error):
        ship(store, order, provider="sf-express", weight=weight)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and not Shipment.objects.exists()


def test_a_provider_that_does_not_serve_the_route_is_refused(store, rates):
    order = paid_order(merchant=store[0])
    with pytest.raises(ProviderNotOffered):
        ship(store, order, provider="hongkong-post")
    with pytest.raises(ProviderNotOffered):
        ship(store, order, provider="no-such-carrier")


def test_another_store_cannot_ship_the_order(store, rates):
    order = paid_order(merchant=store[0])
    other = MerchantMemberFactory(merchant=MerchantFactory(country="US"))
    with pytest.raises(NotFound):
        shipping.shipment_create(
            merchant=other.merchant,
            actor=other.user,
            order_number=order.number,
            provider_code="ems",
            weight_grams=500,
        )
    with pytest.raises(NotAllowed):
        shipping.shipment_create(
            merchant=store[0],
            actor=other.user,
            order_number=order.number,
            provider_code="ems",
            weight_grams=500,
        )
    assert not Shipment.objects.exists()


def test_a_batch_ships_each_order_and_reports_each_refusal(store, rates):
    orders = [paid_order(merchant=store[0]) for _ in range(3)]
    Order.objects.filter(pk=orders[1].pk).update(status=Order.Status.CANCELLED)
    results = shipping.shipments_create_batch(
        merchant=store[0],
        actor=store[1],
        parcels=[
            {"order_number": orders[0].number, "provider_code": "ems", "weight_grams": 800},
            {"order_number": orders[1].number, "provider_code": "ems", "weight_grams": 800},
            {"order_number": orders[2].number, "provider_code": "dhl-express", "weight_grams": 0},
        ],
    )
    assert [bool(r["shipment"]) for r in results] == [True, False, False]
    assert isinstance(results[1]["error"], OrderNotShippable)
    assert isinstance(results[2]["error"], InvalidParcelWeight)
    assert Shipment.objects.count() == 1
    with pytest.raises(BatchTooLarge):
        shipping.shipments_create_batch(
            merchant=store[0], actor=store[1], parcels=[{"order_number": "x"}] * (shipping.SHIP_BATCH_MAX + 1)
        )


def test_the_parcel_weight_comes_from_the_lines(store, rates):
    order = paid_order(merchant=store[0], prices=("10.00", "20.00"), quantity=2)
    weights = [line.variant.weight_grams * line.quantity for line in order.lines.all()]
    assert shipping.order_parcel_weight(order) == sum(weights)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for a real race")
def test_two_staff_shipping_at_once_make_one_shipment(rates):
    merchant = MerchantFactory(country="US")
    staff = [MerchantMemberFactory(merchant=merchant).user for _ in range(4)]
    order = paid_order(merchant=merchant)
    barrier = threading.Barrier(len(staff))
    made, refused, errors = [], [], []

    def click(user, provider):
        try:
            barrier.wait(timeout=30)
            made.append(
                shipping.shipment_create(
                    merchant=merchant,
                    actor=user,
                    order_number=order.number,
                    provider_code=provider,
                    weight_grams=800,
                ).pk
            )
        except OrderAlreadyShipped:
            refused.append(user.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    providers = ["ems", "ems", "sf-express", "sf-express"]
    threads = [threading.Thread(target=click, args=args) for args in zip(staff, providers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Shipment.objects.filter(order=order).count() == 1
    assert len(set(made)) == 1 and len(made) == 2 and len(refused) == 2
    assert Order.objects.get(pk=order.pk).events.filter(kind=OrderEvent.Kind.SHIPPED).count() == 1
