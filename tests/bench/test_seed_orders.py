"""bench/seed_orders.py's shipments: what shipping and the carriers would have written for the seeded
orders (the benchmark's quote and tracking rows read them), and a second run adds nothing."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from bench.seed_orders import TIMELINES, seed_shipments, timeline
from logistics import quotes, waybills
from logistics.models import Shipment, ShipmentEvent
from marketplace.models import Product
from orders.models import Order
from tests.factories import MerchantMemberFactory, paid_order

NOW = timezone.now()


def test_a_delivered_direct_mail_parcel_has_the_whole_trip_in_order():
    shipped, delivered = NOW - timedelta(days=9), NOW - timedelta(days=2)
    events = timeline("9610", "US", shipped, delivered, now=NOW, rng=random.Random(1))
    assert [e[0] for e in events] == [kind for kind, _share in TIMELINES["9610"]]
    assert len(events) == 7
    times = [e[1] for e in events]
    assert times == sorted(times) and shipped < times[0] and times[-1] == delivered
    assert {e[3] for e in events if e[0] == "customs_cleared"} == {"platform"}


def test_a_bonded_parcel_clears_customs_before_it_leaves_the_warehouse():
    events = timeline(
        "1210", "CN", NOW - timedelta(days=5), NOW - timedelta(days=3), now=NOW, rng=random.Random(2)
    )
    kinds = [e[0] for e in events]
    assert kinds.index("customs_cleared") < kinds.index("departed_bonded")
    assert "arrived_china" not in kinds and kinds[-1] == "delivered"


@pytest.mark.parametrize("seed", range(30))
def test_a_parcel_on_its_way_has_a_beginning_of_the_trip_never_the_delivery_nor_the_future(seed):
    shipped = NOW - timedelta(hours=random.Random(seed).randint(1, 300))
    events = timeline("9610", "JP", shipped, None, now=NOW, rng=random.Random(seed))
    kinds = [e[0] for e in events]
    assert kinds[0] == "accepted" and "delivered" not in kinds
    assert kinds == [kind for kind, _share in TIMELINES["9610"]][: len(kinds)]
    assert all(shipped <= e[1] <= NOW for e in events)


@pytest.mark.django_db
def test_shipped_orders_get_a_priced_shipment_with_events_once(rates):
    member = MerchantMemberFactory(merchant__country="US")
    merchant, owner = member.merchant, member.user
    delivered = paid_order(merchant=merchant)
    on_its_way = paid_order(merchant=merchant)
    bonded = paid_order(merchant=merchant, shipping_mode=Product.ShippingMode.BONDED)
    waiting = paid_order(merchant=merchant)  # paid, not shipped: no shipment
    shipped_at = NOW - timedelta(days=12)
    Order.objects.filter(pk__in=[delivered.pk, on_its_way.pk, bonded.pk]).update(shipped_at=shipped_at)
    Order.objects.filter(pk=delivered.pk).update(status="delivered")
    Order.objects.filter(pk=on_its_way.pk).update(status="shipped")
    Order.objects.filter(pk=bonded.pk).update(status="completed", delivered_at=NOW - timedelta(days=8))

    result = seed_shipments(owner, random.Random(3))

    assert (result["shipments"], result["shipments_added"]) == (3, 3)
    assert not Shipment.objects.filter(order=waiting).exists()
    parcel = Shipment.objects.get(order=delivered)
    assert parcel.status == Shipment.Status.DELIVERED and parcel.events.count() == 7
    assert parcel.created_at == shipped_at and parcel.origin_country == "US"
    assert parcel.provider.serves_direct_mail and "US" in parcel.zone.countries
    assert waybills.waybill_check(parcel.waybill_number) == parcel.provider.waybill_format
    zone_rate = parcel.rate_card.zone_rates.get(zone=parcel.zone)
    list_price, _steps = quotes.parcel_list_price(parcel.rate_card, zone_rate, parcel.weight_grams)
    assert parcel.list_price.amount == list_price
    assert parcel.price.amount == quotes.discounted(list_price, parcel.discount_percent)
    delivered.refresh_from_db()
    assert delivered.delivered_at == parcel.delivered_at == parcel.events.last().occurred_at
    assert parcel.last_event_at == parcel.delivered_at
    bonded_parcel = Shipment.objects.get(order=bonded)
    assert bonded_parcel.origin_country == "CN" and bonded_parcel.customs_mode == "1210"
    assert bonded_parcel.delivered_at == NOW - timedelta(days=8)
    assert bonded_parcel.events.count() == 6
    moving = Shipment.objects.get(order=on_its_way)
    assert moving.delivered_at is None and moving.status != Shipment.Status.DELIVERED
    assert not moving.events.filter(kind="delivered").exists()
    assert ShipmentEvent.objects.filter(source="carrier", carrier_event_id="").count() == 0

    again = seed_shipments(owner, random.Random(3))
    assert (again["shipments"], again["shipments_added"], again["events_added"]) == (3, 0, 0)
    assert ShipmentEvent.objects.count() == result["events_added"]
