"""The carrier simulator: realistic scripts, posted through the signed endpoint, idempotent reruns,
waiting for customs and never moving a held parcel; the command, the task and its schedule; demo
parcels."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from logistics import simulator
from logistics.models import Shipment, ShipmentEvent
from orders.models import Order
from tests.logistics.tracking_helpers import clear_on_declared, providers, shipped  # noqa: F401

K, S = ShipmentEvent.Kind, Shipment.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("providers")]

DIRECT = [K.ACCEPTED, K.DEPARTED_ORIGIN, K.ARRIVED_CHINA, K.CUSTOMS_DECLARED]
BONDED = [K.ACCEPTED, K.CUSTOMS_DECLARED]


def kinds(shipment):
    return list(shipment.events.order_by("occurred_at", "id").values_list("kind", flat=True))


def test_a_direct_mail_parcel_is_delivered_through_the_signed_endpoint(rates, monkeypatch):
    clear_on_declared(monkeypatch)
    order, shipment = shipped(days_ago=30)
    recorded = simulator.simulate()
    shipment.refresh_from_db()
    order.refresh_from_db()
    path = kinds(shipment)
    assert path[:5] == [*DIRECT, K.CUSTOMS_CLEARED]
    assert path[-1] == K.DELIVERED and K.OUT_FOR_DELIVERY in path
    assert recorded == len(path) - 1  # the clearance is the platform's, not a carrier's post
    assert shipment.status == S.DELIVERED and order.status == Order.Status.DELIVERED
    carrier_events = shipment.events.exclude(kind=K.CUSTOMS_CLEARED)
    assert all(e.source == "carrier" and e.carrier_event_id.startswith("SIM-") for e in carrier_events)
    times = [e.occurred_at for e in shipment.events.order_by("id")]
    assert times == sorted(times) and times[0] > shipment.created_at
    assert order.delivered_at == shipment.delivered_at


def test_a_bonded_parcel_follows_the_bonded_route(rates, monkeypatch):
    clear_on_declared(monkeypatch)
    _order, shipment = shipped(days_ago=10, shipping_mode="bonded")
    simulator.simulate()
    path = kinds(shipment)
    assert path[:4] == [*BONDED, K.CUSTOMS_CLEARED, K.DEPARTED_BONDED]
    assert K.ARRIVED_CHINA not in path and K.DEPARTED_ORIGIN not in path
    assert path[-1] == K.DELIVERED


def test_a_rerun_adds_nothing(rates, monkeypatch):
    clear_on_declared(monkeypatch)
    _order, delivered = shipped(days_ago=30)
    _order, young = shipped(days_ago=1)
    assert simulator.simulate() > 0
    counts = (delivered.events.count(), young.events.count())
    assert simulator.simulate() == 0
    assert simulator.simulate() == 0
    assert (delivered.events.count(), young.events.count()) == counts


def test_only_scans_whose_time_has_come_are_posted(rates, monkeypatch):
    clear_on_declared(monkeypatch)
    _order, shipment = shipped(days_ago=5)
    script = simulator.script(shipment)
    assert script[1].at < timezone.now()
    simulator.simulate(now=script[0].at - timedelta(seconds=1))
    assert shipment.events.count() == 0
    simulator.simulate(now=script[1].at)
    assert kinds(shipment) == [K.ACCEPTED, K.DEPARTED_ORIGIN]


def test_the_simulator_waits_for_customs_then_delivers(rates):
    """After the declaration scan the simulator posts nothing until the platform's match has cleared
    the parcel (here at once: the documents agree), then the scans after customs, up to the delivery."""
    order, shipment = shipped(days_ago=30)
    assert simulator.simulate() > 0
    trip = kinds(shipment)  # one parcel in eight (by its waybill) has an address problem on the way
    assert trip[:6] == [*DIRECT, K.CUSTOMS_CLEARED, K.OUT_FOR_DELIVERY] and trip[-1] == K.DELIVERED
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == S.DELIVERED and order.status == "delivered"


def test_a_held_parcel_is_never_moved(rates, monkeypatch):
    clear_on_declared(monkeypatch, hold_reason="The ID number does not match the payer's.")
    _order, shipment = shipped(days_ago=30)
    simulator.simulate()
    shipment.refresh_from_db()
    assert shipment.status == S.CUSTOMS_HELD
    assert kinds(shipment) == [*DIRECT, K.CUSTOMS_HELD]
    assert simulator.simulate(now=timezone.now() + timedelta(days=60)) == 0
    # Staff clear it: the parcel moves on, its next scans no sooner than after the clearance.
    from logistics.services import tracking

    cleared_at = timezone.now() - timedelta(hours=3)
    tracking.shipment_event_record(
        shipment=shipment,
        kind=K.CUSTOMS_CLEARED,
        occurred_at=cleared_at,
        source=ShipmentEvent.Source.PLATFORM,
    )
    simulator.simulate()
    after = shipment.events.filter(source="carrier", occurred_at__gt=cleared_at)
    assert after.exists() and min(e.occurred_at for e in after) >= cleared_at + simulator.AFTER_CLEARANCE


def test_some_parcels_meet_an_address_problem_and_are_delivered_next_day(rates, monkeypatch):
    clear_on_declared(monkeypatch)
    _order, shipment = shipped(days_ago=30)
    for n in range(400):
        shipment.waybill_number = f"TEST{n:012d}"
        if any(step.key == "address" for step in simulator.script(shipment)):
            break
    Shipment.objects.filter(pk=shipment.pk).update(waybill_number=shipment.waybill_number)
    simulator.simulate()
    path = kinds(shipment)
    assert path[-4:] == [K.OUT_FOR_DELIVERY, K.ADDRESS_PROBLEM, K.OUT_FOR_DELIVERY, K.DELIVERED]
    shares = [
        any(
            s.key == "address"
            for s in simulator.script(Shipment(**{**_fields(shipment), "waybill_number": f"W{n:08d}"}))
        )
        for n in range(800)
    ]
    assert 0.05 < sum(shares) / len(shares) < 0.2


def _fields(shipment):
    return {
        "created_at": shipment.created_at,
        "transit_days_min": shipment.transit_days_min,
        "transit_days_max": shipment.transit_days_max,
        "customs_mode": shipment.customs_mode,
        "origin_country": shipment.origin_country,
    }


def test_the_script_is_the_same_every_time(rates):
    _order, shipment = shipped(days_ago=3)
    assert simulator.script(shipment) == simulator.script(Shipment.objects.get(pk=shipment.pk))
    last = simulator.script(shipment)[-1]
    assert last.kind == K.DELIVERED
    assert last.at <= shipment.created_at + timedelta(days=shipment.transit_days_max + 1.5)


def test_the_command_and_the_task(rates, monkeypatch):
    from logistics import tasks

    clear_on_declared(monkeypatch)
    _order, shipment = shipped(days_ago=30)
    out = io.StringIO()
    call_command("simulate_carriers", stdout=out)
    assert "tracking events recorded" in out.getvalue()
    assert shipment.events.filter(kind=K.DELIVERED).exists()
    assert tasks.carriers_simulate.delay().get() == 0


def test_the_task_is_scheduled_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["logistics-simulate-carriers"]
    assert entry["task"] == "logistics.tasks.carriers_simulate"
    assert entry["schedule"] == 60


def test_the_task_does_nothing_when_the_simulator_is_off(rates, settings):
    from logistics import tasks

    settings.CARRIER_SIMULATOR_ENABLED = False
    _order, shipment = shipped(days_ago=30)
    assert tasks.carriers_simulate() == 0
    assert shipment.events.count() == 0


def test_over_http_it_posts_the_same_signed_request(rates, settings, monkeypatch):
    """With CARRIER_SIMULATOR_URL the simulator posts over HTTP; here the request is handed to the
    test client instead of the network, as a server would receive it."""
    from django.test import Client

    settings.CARRIER_SIMULATOR_URL = "http://demo.example:8000/"
    sent = []

    class Answer:
        def __init__(self, status):
            self.status = status

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout):
        url = request.full_url
        sent.append(url)
        headers = {k: v for k, v in request.header_items() if k.lower().startswith("x-carrier")}
        path = url.removeprefix("http://demo.example:8000")
        response = Client().post(path, data=request.data, content_type="application/json", headers=headers)
        return Answer(response.status_code)

    monkeypatch.setattr(simulator.urllib.request, "urlopen", urlopen)
    _order, shipment = shipped(days_ago=30)
    assert simulator.simulate() == 6
    # customs_cleared is the platform's own match, not a carrier's post
    trip = kinds(shipment)
    assert trip[:6] == [*DIRECT, K.CUSTOMS_CLEARED, K.OUT_FOR_DELIVERY] and trip[-1] == K.DELIVERED
    assert all(url.startswith("http://demo.example:8000/api/v1/logistics/callbacks/ems/") for url in sent)


def test_demo_parcels_are_moving_soon(rates, monkeypatch):
    """seed_demo's parcels: each has a scan due within minutes of seeding."""
    import random

    from logistics.demo import DEMO_PARCELS, seed_demo_shipments
    from tests.factories import AddressFactory, BuyerIdentityFactory, ProductFactory, UserFactory

    clear_on_declared(monkeypatch)
    shopper = UserFactory(username="shopper")
    AddressFactory(user=shopper)
    BuyerIdentityFactory(user=shopper)
    for mode in ("direct_mail", "bonded"):
        for _ in range(3):
            ProductFactory(shipping_mode=mode, prices=("20.00",), stock=10)
    now = timezone.now()
    made = seed_demo_shipments(now=now, rng=random.Random(7), log=lambda message: None)
    assert made == len(DEMO_PARCELS)
    shipments = list(Shipment.objects.select_related("provider"))
    assert all(s.order.status == Order.Status.SHIPPED for s in shipments)
    assert {s.customs_mode for s in shipments} == {"9610", "1210"}
    assert any(any(step.key == "address" for step in simulator.script(s)) for s in shipments)
    before = ShipmentEvent.objects.count()
    simulator.simulate(now=now + timedelta(minutes=10))
    moved = {s.pk for s in shipments if s.events.filter(occurred_at__gt=now).exists()}
    assert ShipmentEvent.objects.count() > before
    assert len(moved) >= 5


def test_an_unreachable_site_is_tried_again_next_round(rates, settings):
    settings.CARRIER_SIMULATOR_URL = "http://127.0.0.1:9/"  # the discard port: nothing listens
    _order, shipment = shipped(days_ago=30)
    assert simulator.simulate() == 0
    assert shipment.events.count() == 0


def test_a_site_with_another_database_does_not_loop(rates, settings, monkeypatch):
    """Posting over HTTP to a site whose database is not this one: the scans never show up here, and
    each is still sent once a round."""
    settings.CARRIER_SIMULATOR_URL = "http://elsewhere.example/"
    sent = []

    class Answer:
        status = 201

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout):
        sent.append(request.full_url)
        return Answer()

    monkeypatch.setattr(simulator.urllib.request, "urlopen", urlopen)
    shipped(days_ago=30)
    assert simulator.simulate() == 4
    assert len(sent) == 4
