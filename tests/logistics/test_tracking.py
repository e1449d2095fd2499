"""Tracking events: the status rule (any arrival order), one event per carrier event id, delivery,
the customs hook, events added by hand, the shopper's order page, the public tracking page and API,
and the store's shipments API."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from logistics.errors import EventKindNotAllowed, EventNotAllowed, EventReasonRequired, EventTimeInvalid
from logistics.models import CustomsDeclaration, Shipment, ShipmentEvent
from logistics.services import tracking
from logistics.services.tracking import shipment_status_from_events
from orders.models import Order
from tests.factories import MerchantMemberFactory, StaffFactory, UserFactory
from tests.logistics.tracking_helpers import at, clear_on_declared, providers, shipped  # noqa: F401

K, S = ShipmentEvent.Kind, Shipment.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("providers")]

DIRECT_MAIL = [K.ACCEPTED, K.DEPARTED_ORIGIN, K.ARRIVED_CHINA, K.CUSTOMS_DECLARED, K.CUSTOMS_CLEARED]


def timed(*kinds):
    return [(kind, at(i)) for i, kind in enumerate(kinds)]


# --- The status rule ----------------------------------------------------------------------------------


def test_no_events_is_label_created():
    assert shipment_status_from_events([]) == S.LABEL_CREATED


@pytest.mark.parametrize(
    ("kinds", "status"),
    [
        ([K.ACCEPTED], S.ACCEPTED),
        ([K.ACCEPTED, K.DEPARTED_ORIGIN], S.IN_TRANSIT),
        ([K.ACCEPTED, K.DEPARTED_ORIGIN, K.ARRIVED_CHINA], S.ARRIVED),
        (DIRECT_MAIL[:4], S.IN_CUSTOMS),
        (DIRECT_MAIL, S.CLEARED),
        ([*DIRECT_MAIL, K.OUT_FOR_DELIVERY], S.OUT_FOR_DELIVERY),
        ([*DIRECT_MAIL, K.OUT_FOR_DELIVERY, K.DELIVERED], S.DELIVERED),
        ([K.ACCEPTED, K.CUSTOMS_DECLARED, K.CUSTOMS_CLEARED, K.DEPARTED_BONDED], S.IN_TRANSIT),
        # Held, then cleared later: cleared. Cleared, then held later: held.
        ([K.CUSTOMS_DECLARED, K.CUSTOMS_HELD, K.CUSTOMS_CLEARED], S.CLEARED),
        ([K.CUSTOMS_DECLARED, K.CUSTOMS_CLEARED, K.CUSTOMS_HELD], S.CUSTOMS_HELD),
        # A held parcel stays held, whatever else is scanned, until a later clearance.
        ([K.CUSTOMS_DECLARED, K.CUSTOMS_HELD, K.OUT_FOR_DELIVERY], S.CUSTOMS_HELD),
        # An address problem lasts until a later milestone.
        ([*DIRECT_MAIL, K.OUT_FOR_DELIVERY, K.ADDRESS_PROBLEM], S.EXCEPTION),
        ([*DIRECT_MAIL, K.OUT_FOR_DELIVERY, K.ADDRESS_PROBLEM, K.OUT_FOR_DELIVERY], S.OUT_FOR_DELIVERY),
        # Delivered and returned end the trip: nothing after them changes the status.
        ([*DIRECT_MAIL, K.DELIVERED, K.ADDRESS_PROBLEM], S.DELIVERED),
        ([*DIRECT_MAIL, K.DELIVERED, K.RETURNED], S.DELIVERED),
        ([K.CUSTOMS_DECLARED, K.CUSTOMS_HELD, K.RETURNED, K.CUSTOMS_CLEARED], S.RETURNED),
    ],
)
def test_status_from_events(kinds, status):
    assert shipment_status_from_events(timed(*kinds)) == status


def test_status_does_not_depend_on_the_order_events_arrive_in():
    events = timed(*DIRECT_MAIL, K.OUT_FOR_DELIVERY, K.ADDRESS_PROBLEM, K.OUT_FOR_DELIVERY)
    for arrival in itertools.permutations(events):
        assert shipment_status_from_events(list(arrival)) == S.OUT_FOR_DELIVERY


# --- Recording ----------------------------------------------------------------------------------------


def test_out_of_order_events_give_the_furthest_status(rates):
    _order, shipment = shipped()
    record = tracking.shipment_event_record
    record(shipment=shipment, kind=K.ARRIVED_CHINA, occurred_at=at(30), carrier_event_id="c")
    record(shipment=shipment, kind=K.ACCEPTED, occurred_at=at(1), carrier_event_id="a")
    shipment.refresh_from_db()
    assert shipment.status == S.ARRIVED
    assert shipment.last_event_at == at(30)
    record(shipment=shipment, kind=K.DEPARTED_ORIGIN, occurred_at=at(10), carrier_event_id="b")
    shipment.refresh_from_db()
    assert shipment.status == S.ARRIVED
    assert shipment.last_event_at == at(30)


def test_a_carrier_event_id_is_recorded_once(rates):
    _order, shipment = shipped()
    first, created = tracking.shipment_event_record(
        shipment=shipment, kind=K.ACCEPTED, occurred_at=at(1), carrier_event_id="EMS-1"
    )
    again, created_again = tracking.shipment_event_record(
        shipment=shipment, kind=K.DELIVERED, occurred_at=at(50), carrier_event_id="EMS-1"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.kind == K.ACCEPTED
    assert shipment.events.count() == 1
    shipment.refresh_from_db()
    assert shipment.status == S.ACCEPTED


def test_the_same_event_id_of_two_carriers_is_two_events(rates):
    _o1, ems = shipped(provider_code="ems")
    _o2, dhl = shipped(provider_code="dhl-express")
    for shipment in (ems, dhl):
        _event, created = tracking.shipment_event_record(
            shipment=shipment, kind=K.ACCEPTED, occurred_at=at(1), carrier_event_id="1"
        )
        assert created
    assert ShipmentEvent.objects.count() == 2


def test_delivery_delivers_the_order_with_the_event_time(rates):
    order, shipment = shipped()
    delivered_at = timezone.now() - timedelta(hours=3)
    tracking.shipment_event_record(shipment=shipment, kind=K.OUT_FOR_DELIVERY, occurred_at=at(1))
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    tracking.shipment_event_record(shipment=shipment, kind=K.DELIVERED, occurred_at=delivered_at)
    order.refresh_from_db()
    shipment.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert order.delivered_at == delivered_at
    assert shipment.status == S.DELIVERED and shipment.delivered_at == delivered_at
    # A second delivery scan changes nothing.
    tracking.shipment_event_record(
        shipment=shipment, kind=K.DELIVERED, occurred_at=delivered_at + timedelta(hours=1)
    )
    order.refresh_from_db()
    shipment.refresh_from_db()
    assert order.delivered_at == delivered_at and shipment.delivered_at == delivered_at
    assert order.events.filter(kind="delivered").count() == 1


def test_a_returned_parcel_does_not_deliver_the_order(rates):
    order, shipment = shipped()
    tracking.shipment_event_record(shipment=shipment, kind=K.RETURNED, occurred_at=at(1))
    tracking.shipment_event_record(shipment=shipment, kind=K.DELIVERED, occurred_at=at(2))
    order.refresh_from_db()
    shipment.refresh_from_db()
    assert shipment.status == S.RETURNED and shipment.delivered_at is None
    assert order.status == Order.Status.SHIPPED


def test_the_first_customs_declaration_starts_the_platforms_match(rates, monkeypatch):
    from logistics.services import customs

    calls = []
    monkeypatch.setattr(customs, "customs_on_declared", lambda *, shipment: calls.append(shipment.pk))
    _order, shipment = shipped()
    tracking.shipment_event_record(shipment=shipment, kind=K.ACCEPTED, occurred_at=at(1))
    assert calls == []
    tracking.shipment_event_record(
        shipment=shipment, kind=K.CUSTOMS_DECLARED, occurred_at=at(2), carrier_event_id="d"
    )
    tracking.shipment_event_record(
        shipment=shipment, kind=K.CUSTOMS_DECLARED, occurred_at=at(2), carrier_event_id="d"
    )
    tracking.shipment_event_record(shipment=shipment, kind=K.CUSTOMS_DECLARED, occurred_at=at(3))
    assert calls == [shipment.pk]


def test_the_customs_result_recorded_by_the_hook_sets_the_status(rates, monkeypatch):
    clear_on_declared(monkeypatch)
    _order, shipment = shipped()
    tracking.shipment_event_record(shipment=shipment, kind=K.CUSTOMS_DECLARED, occurred_at=at(2))
    assert shipment.status == S.CLEARED  # the caller's object is refreshed
    assert shipment.events.get(kind=K.CUSTOMS_CLEARED).source == ShipmentEvent.Source.PLATFORM


def test_a_declaration_scan_runs_the_customs_match(rates):
    """The three documents agree: customs clears the parcel minutes after the declaration scan."""
    _order, shipment = shipped()
    tracking.shipment_event_record(shipment=shipment, kind=K.CUSTOMS_DECLARED, occurred_at=at(2))
    shipment.refresh_from_db()
    assert shipment.status == S.CLEARED
    cleared = shipment.events.get(kind=K.CUSTOMS_CLEARED)
    assert cleared.source == ShipmentEvent.Source.PLATFORM and cleared.occurred_at > at(2)


# --- By hand ------------------------------------------------------------------------------------------


def test_staff_and_the_store_add_events_by_hand(rates):
    order, shipment = shipped(days_ago=2)
    member = MerchantMemberFactory(merchant=order.merchant).user
    event = tracking.shipment_event_add_by_hand(
        shipment=shipment, user=member, kind=K.ACCEPTED, occurred_at=at(1, shipment.created_at),
        reason="The pickup scan is missing.", location="Los Angeles",
    )  # fmt: skip
    assert (event.source, event.actor, event.note) == (
        ShipmentEvent.Source.MANUAL,
        member,
        "The pickup scan is missing.",
    )
    staff = StaffFactory()
    tracking.shipment_event_add_by_hand(
        shipment=shipment,
        user=staff,
        kind=K.DELIVERED,
        occurred_at=at(30, shipment.created_at),
        reason="Signed POD.",
    )
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == S.DELIVERED and order.status == Order.Status.DELIVERED


def test_who_may_add_events_by_hand_and_what(rates):
    order, shipment = shipped(days_ago=2)
    member = MerchantMemberFactory(merchant=order.merchant).user
    when = at(1, shipment.created_at)
    for outsider in (UserFactory(), order.user, MerchantMemberFactory().user):
        with pytest.raises(EventNotAllowed):
            tracking.shipment_event_add_by_hand(
                shipment=shipment, user=outsider, kind=K.ACCEPTED, occurred_at=when, reason="x"
            )
    for kind in (K.DELIVERED, K.RETURNED, K.CUSTOMS_CLEARED, K.CUSTOMS_HELD):
        with pytest.raises(EventKindNotAllowed):
            tracking.shipment_event_add_by_hand(
                shipment=shipment, user=member, kind=kind, occurred_at=when, reason="x"
            )
    with pytest.raises(EventReasonRequired):
        tracking.shipment_event_add_by_hand(
            shipment=shipment, user=member, kind=K.ACCEPTED, occurred_at=when, reason="  "
        )
    for wrong in (timezone.now() + timedelta(hours=1), shipment.created_at - timedelta(hours=1)):
        with pytest.raises(EventTimeInvalid):
            tracking.shipment_event_add_by_hand(
                shipment=shipment, user=member, kind=K.ACCEPTED, occurred_at=wrong, reason="x"
            )
    assert shipment.events.count() == 0


def test_the_seller_page_adds_an_event(client, rates):
    order, shipment = shipped(days_ago=2)
    member = MerchantMemberFactory(merchant=order.merchant).user
    client.force_login(member)
    url = f"/seller/shipments/{shipment.waybill_number}/events/add/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="delivered"' not in page.content.decode()  # staff's only
    when = (shipment.created_at + timedelta(hours=2)).astimezone(timezone.get_current_timezone())
    response = client.post(
        url,
        {
            "kind": K.ACCEPTED,
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Scan missing",
            "location": "",
        },
    )
    assert response.status_code == 302
    assert shipment.events.get().note == "Scan missing"
    refused = client.post(
        url, {"kind": K.ACCEPTED, "occurred_at": when.strftime("%Y-%m-%dT%H:%M"), "reason": ""}
    )
    assert refused.status_code == 400 and shipment.events.count() == 1
    client.force_login(MerchantMemberFactory().user)
    assert client.get(url).status_code == 404


def test_the_staff_page_adds_a_delivery(client, rates):
    order, shipment = shipped(days_ago=2)
    client.force_login(StaffFactory())
    url = f"/staff/shipments/{shipment.waybill_number}/events/add/"
    assert 'value="delivered"' in client.get(url).content.decode()
    when = timezone.localtime() - timedelta(hours=1)
    response = client.post(
        url, {"kind": K.DELIVERED, "occurred_at": when.strftime("%Y-%m-%dT%H:%M"), "reason": "POD"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED


# --- The shopper's order page -------------------------------------------------------------------------


def _record_path(shipment, count):
    kinds = [K.ACCEPTED, K.DEPARTED_ORIGIN, K.ARRIVED_CHINA, K.CUSTOMS_DECLARED, K.OUT_FOR_DELIVERY]
    for i in range(count):
        tracking.shipment_event_record(
            shipment=shipment, kind=kinds[i % len(kinds)], occurred_at=at(i), location=f"Hub {i}"
        )


def test_the_order_page_shows_the_parcel(client, rates):
    order, shipment = shipped()
    _record_path(shipment, 3)
    client.force_login(order.user)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert shipment.waybill_number in page
    assert f'data-copy="{shipment.waybill_number}"' in page
    assert "EMS" in page
    assert (
        shipment.expected_from.strftime("%Y-%m-%d") in page
        and shipment.expected_by.strftime("%Y-%m-%d") in page
    )
    assert page.index("Hub 2") < page.index("Hub 1") < page.index("Hub 0")  # newest first
    assert 'data-event-kind="arrived_china"' in page


def test_the_order_page_shows_why_customs_holds_the_parcel(client, rates):
    order, shipment = shipped()
    Shipment.objects.filter(pk=shipment.pk).update(consignee_name="Somebody Else")  # the waybill disagrees
    tracking.shipment_event_record(shipment=shipment, kind=K.CUSTOMS_DECLARED, occurred_at=at(1))
    declaration = CustomsDeclaration.objects.get(order=order)
    assert declaration.status == CustomsDeclaration.Status.HELD and declaration.hold_reason
    client.force_login(order.user)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert escape(declaration.hold_reason.splitlines()[0]) in page
    assert 'data-shipment-status="customs_held"' in page


def test_the_order_page_queries_do_not_grow_with_events(client, rates):
    order, shipment = shipped()
    client.force_login(order.user)
    url = f"/orders/{order.number}/"

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    _record_path(shipment, 2)
    few = count()
    _record_path(shipment, 12)
    assert count() == few


# --- Public tracking: nothing personal ----------------------------------------------------------------


def _personal(order):
    return [order.buyer_name, order.recipient, order.phone, order.phone_masked, order.address, order.number,
            order.buyer_id_number, order.lines.first().product_name]  # fmt: skip


def test_the_public_page_shows_the_parcel_and_nothing_personal(client, rates):
    order, shipment = shipped()
    _record_path(shipment, 4)
    tracking.shipment_event_add_by_hand(
        shipment=shipment, user=StaffFactory(), kind=K.ARRIVED_CHINA, occurred_at=timezone.now(),
        reason=f"Called {order.recipient} at {order.phone}",
    )  # fmt: skip
    response = client.get(f"/track/{shipment.waybill_number}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert shipment.waybill_number in page and "Hub 3" in page and "EMS" in page
    assert shipment.expected_by.strftime("%Y-%m-%d") in page
    for secret in _personal(order):
        assert secret not in page, secret
    api = client.get(f"/api/v1/tracking/{shipment.waybill_number}/")
    assert api.status_code == 200
    # The path's declaration scan was matched by customs: cleared, with the platform's event.
    assert api.json()["status"] == S.CLEARED and len(api.json()["events"]) == 6
    for secret in _personal(order):
        assert secret not in api.content.decode(), secret


def test_the_public_page_finds_a_number_typed_loosely(client, rates):
    _order, shipment = shipped()
    typed = shipment.waybill_number.lower()
    response = client.get("/track/", {"waybill": f" {typed[:4]} {typed[4:]} "})
    assert response.status_code == 302 and response["Location"] == f"/track/{shipment.waybill_number}/"
    assert client.get(f"/track/{typed}/")["Location"] == f"/track/{shipment.waybill_number}/"


def test_an_unknown_waybill_is_a_clear_404(client, db):
    response = client.get("/track/EA000000000JP/")
    assert response.status_code == 404
    assert "data-track-not-found" in response.content.decode()
    assert client.get("/track/%E2%9C%88/").status_code == 404
    assert client.get("/api/v1/tracking/EA000000000JP/").json()["code"] == "shipment_not_found"
    assert client.get("/track/", {"waybill": "?!"}).status_code == 400


# --- The API ------------------------------------------------------------------------------------------


def test_the_order_api_has_the_parcel(client, rates):
    order, shipment = shipped()
    _record_path(shipment, 2)
    client.force_login(order.user)
    data = client.get(f"/api/v1/orders/{order.number}/").json()["shipment"]
    assert data["waybill_number"] == shipment.waybill_number and data["carrier"] == "ems"
    assert data["expected_by"] == shipment.expected_by.isoformat()
    assert [e["kind"] for e in data["events"]] == [K.DEPARTED_ORIGIN, K.ACCEPTED]
    unshipped = shipped()[0]
    unshipped.shipments.all().delete()
    client.force_login(unshipped.user)
    assert client.get(f"/api/v1/orders/{unshipped.number}/").json()["shipment"] is None


def test_the_store_api_lists_its_parcels_and_adds_events(client, rates):
    order, shipment = shipped(days_ago=2)
    shipped()  # another store's
    member = MerchantMemberFactory(merchant=order.merchant).user
    client.force_login(member)
    listed = client.get("/api/v1/seller/shipments/").json()["results"]
    assert [s["waybill_number"] for s in listed] == [shipment.waybill_number]
    url = f"/api/v1/seller/shipments/{shipment.waybill_number}/"
    assert client.get(url).json()["order"] == order.number
    when = (shipment.created_at + timedelta(hours=3)).isoformat()
    added = client.post(
        url + "events/",
        {"kind": "accepted", "occurred_at": when, "reason": "scan missing"},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["events"][0]["note"] == "scan missing"
    refused = client.post(
        url + "events/",
        {"kind": "delivered", "occurred_at": when, "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "event_kind_not_allowed"
    naive = client.post(
        url + "events/",
        {"kind": "accepted", "occurred_at": when[:19], "reason": "x"},
        content_type="application/json",
    )
    assert naive.status_code == 400
    client.force_login(MerchantMemberFactory().user)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url + "events/",
            {"kind": "accepted", "occurred_at": when, "reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert shipment.events.count() == 1
