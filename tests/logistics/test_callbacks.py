"""The carriers' signed callback endpoint: good, bad signature, stale and future timestamps,
duplicates, out-of-order events, malformed bodies, unknown waybills; a refused callback changes
nothing; concurrent duplicates on PostgreSQL make one event."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from logistics.callbacks import sign_callback
from logistics.models import LogisticsProvider, Shipment, ShipmentEvent
from orders.models import Order
from tests.logistics.tracking_helpers import CALLBACK, at, body, post_signed, providers, shipped  # noqa: F401

K, S = ShipmentEvent.Kind, Shipment.Status
pytestmark = pytest.mark.usefixtures("providers")


def test_sign_callback_is_hmac_sha256_of_timestamp_dot_body():
    # Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac secret
    assert sign_callback("secret", 1700000000, b"{}") == (
        "sha256=" + __import__("hmac").new(b"secret", b"1700000000.{}", "sha256").hexdigest()
    )
    assert sign_callback("secret", "1", "x") != sign_callback("secret", "2", "x")


@pytest.mark.django_db
class TestCallbacks:
    @pytest.fixture(autouse=True)
    def _parcel(self, rates):
        self.order, self.shipment = shipped()
        self.provider = self.shipment.provider

    def nothing_changed(self):
        self.shipment.refresh_from_db()
        return self.shipment.events.count() == 0 and self.shipment.status == S.LABEL_CREATED

    def test_a_good_callback_is_recorded(self, client):
        raw = body(self.shipment, K.ACCEPTED, location="Los Angeles", note="Picked up")
        response = post_signed(client, self.provider, raw)
        assert response.status_code == 201 and response.json() == {"status": "recorded"}
        event = self.shipment.events.get()
        assert (event.kind, event.location, event.note, event.source) == (
            K.ACCEPTED,
            "Los Angeles",
            "Picked up",
            "carrier",
        )
        assert event.carrier_event_id == f"E-accepted-{self.shipment.pk}"
        self.shipment.refresh_from_db()
        assert self.shipment.status == S.ACCEPTED

    def test_a_waybill_typed_with_spaces_is_found(self, client):
        typed = " ".join([self.shipment.waybill_number[:4].lower(), self.shipment.waybill_number[4:]])
        raw = json.dumps({"event_id": "x1", "waybill_number": typed, "kind": "accepted",
                          "occurred_at": at(1).isoformat()}).encode()  # fmt: skip
        assert post_signed(client, self.provider, raw).status_code == 201

    @pytest.mark.parametrize(
        "tamper",
        ["other_secret", "other_body", "other_timestamp", "no_prefix", "uppercase", "garbage", "empty"],
    )
    def test_a_bad_signature_is_refused(self, client, tamper):
        raw = body(self.shipment, K.DELIVERED)
        timestamp = str(int(time.time()))
        signature = sign_callback(self.provider.callback_secret, timestamp, raw)
        headers = {"X-Carrier-Timestamp": timestamp, "X-Carrier-Signature": signature}
        if tamper == "other_secret":
            headers["X-Carrier-Signature"] = sign_callback("not-the-secret", timestamp, raw)
        elif tamper == "other_body":
            raw = body(self.shipment, K.DELIVERED, location="elsewhere")
        elif tamper == "other_timestamp":
            headers["X-Carrier-Timestamp"] = str(int(timestamp) - 1)
        elif tamper == "no_prefix":
            headers["X-Carrier-Signature"] = signature.removeprefix("sha256=")
        elif tamper == "uppercase":
            headers["X-Carrier-Signature"] = "sha256=" + signature.removeprefix("sha256=").upper()
        elif tamper == "garbage":
            headers["X-Carrier-Signature"] = "sha256=zz"
        else:
            headers["X-Carrier-Signature"] = ""
        response = client.post(
            CALLBACK.format(code=self.provider.code),
            data=raw,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 401
        assert response.json()["code"] in ("signature_invalid", "signature_missing")
        assert response["WWW-Authenticate"].startswith("HMAC-SHA256")
        assert self.nothing_changed()
        self.order.refresh_from_db()
        assert self.order.status == Order.Status.SHIPPED

    def test_another_carriers_secret_is_refused(self, client):
        raw = body(self.shipment, K.ACCEPTED)
        response = post_signed(
            client,
            self.provider,
            raw,
            secret=LogisticsProvider.objects.get(code="dhl-express").callback_secret,
        )
        assert response.status_code == 401 and self.nothing_changed()

    def test_missing_headers_are_refused(self, client):
        response = client.post(CALLBACK.format(code=self.provider.code), data=body(self.shipment, K.ACCEPTED),
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 401 and response.json()["code"] == "signature_missing"
        assert self.nothing_changed()

    @pytest.mark.parametrize("offset", [-301, -3600, 320, 86400])  # future: nears the window as time runs
    def test_a_stale_or_future_timestamp_is_refused(self, client, offset):
        raw = body(self.shipment, K.ACCEPTED)
        response = post_signed(client, self.provider, raw, timestamp=int(time.time()) + offset)
        assert response.status_code == 401 and response.json()["code"] == "timestamp_out_of_range"
        assert self.nothing_changed()

    @pytest.mark.parametrize("offset", [-290, 290])
    def test_a_timestamp_within_five_minutes_is_accepted(self, client, offset):
        raw = body(self.shipment, K.ACCEPTED)
        assert post_signed(client, self.provider, raw, timestamp=int(time.time()) + offset).status_code == 201

    @pytest.mark.parametrize("timestamp", ["12.5", "-1", "1e9", "abc", "１７００００００００"])
    def test_a_timestamp_that_is_not_unix_seconds_is_refused(self, client, timestamp):
        raw = body(self.shipment, K.ACCEPTED)
        signature = sign_callback(self.provider.callback_secret, timestamp, raw)
        response = client.post(
            CALLBACK.format(code=self.provider.code), data=raw, content_type="application/json",
            headers={"X-Carrier-Timestamp": timestamp, "X-Carrier-Signature": signature},
        )  # fmt: skip
        assert response.status_code == 401 and self.nothing_changed()

    def test_a_duplicate_is_answered_200_and_changes_nothing(self, client):
        raw = body(self.shipment, K.ACCEPTED, event_id="EMS-42", occurred_at=at(1))
        assert post_signed(client, self.provider, raw).status_code == 201
        before = Shipment.objects.values().get(pk=self.shipment.pk)
        # The same event id again, even with another kind: recorded once.
        again = body(self.shipment, K.DELIVERED, event_id="EMS-42", occurred_at=at(9))
        for resent in (raw, again):
            response = post_signed(client, self.provider, resent)
            assert response.status_code == 200 and response.json() == {"status": "duplicate"}
        assert self.shipment.events.count() == 1
        assert Shipment.objects.values().get(pk=self.shipment.pk) == before
        self.order.refresh_from_db()
        assert self.order.status == Order.Status.SHIPPED

    def test_events_out_of_order_build_the_right_status(self, client):
        order_of_arrival = [
            (K.OUT_FOR_DELIVERY, 90), (K.ACCEPTED, 1), (K.ARRIVED_CHINA, 40),
            (K.DEPARTED_ORIGIN, 10), (K.CUSTOMS_DECLARED, 42),
        ]  # fmt: skip
        for kind, hours in order_of_arrival:
            assert (
                post_signed(
                    client, self.provider, body(self.shipment, kind, occurred_at=at(hours))
                ).status_code
                == 201
            )
        self.shipment.refresh_from_db()
        assert self.shipment.status == S.OUT_FOR_DELIVERY
        assert self.shipment.last_event_at == at(90)
        # Customs answered the declaration scan (at 42 h) within minutes, between it and the next scan.
        cleared = self.shipment.events.get(kind=K.CUSTOMS_CLEARED)
        assert at(42) < cleared.occurred_at < at(90)
        # The delivery, then a late scan from before it: still delivered, and the order with it.
        post_signed(client, self.provider, body(self.shipment, K.DELIVERED, occurred_at=at(95)))
        post_signed(client, self.provider, body(self.shipment, K.ADDRESS_PROBLEM, occurred_at=at(96)))
        self.shipment.refresh_from_db()
        self.order.refresh_from_db()
        assert self.shipment.status == S.DELIVERED and self.shipment.delivered_at == at(95)
        assert self.order.status == Order.Status.DELIVERED and self.order.delivered_at == at(95)

    @pytest.mark.parametrize(
        "raw",
        [
            b"not json",
            b"[1, 2]",
            b'"a string"',
            b"\xff\xfe",
            b"{}",
            json.dumps({"event_id": "e", "waybill_number": "TEST000000000001", "kind": "flew_away",
                        "occurred_at": "2026-12-01T10:00:00+08:00"}).encode(),
            json.dumps({"event_id": "e", "waybill_number": "TEST000000000001", "kind": "accepted",
                        "occurred_at": "2026-12-01T10:00:00"}).encode(),  # no offset
            json.dumps({"event_id": "e", "waybill_number": "TEST000000000001", "kind": "accepted",
                        "occurred_at": "yesterday"}).encode(),
            json.dumps({"event_id": "e", "waybill_number": "TEST000000000001", "kind": "accepted",
                        "occurred_at": 1700000000}).encode(),
            json.dumps({"event_id": "", "waybill_number": "TEST000000000001", "kind": "accepted",
                        "occurred_at": "2026-12-01T10:00:00+08:00"}).encode(),
            json.dumps({"event_id": "e" * 65, "waybill_number": "TEST000000000001", "kind": "accepted",
                        "occurred_at": "2026-12-01T10:00:00+08:00"}).encode(),
            json.dumps({"event_id": "e", "waybill_number": "?", "kind": "accepted",
                        "occurred_at": "2026-12-01T10:00:00+08:00"}).encode(),
            # Customs results are the platform's, never a carrier's.
            json.dumps({"event_id": "e", "waybill_number": "TEST000000000001", "kind": "customs_cleared",
                        "occurred_at": "2026-12-01T10:00:00+08:00"}).encode(),
        ],
    )  # fmt: skip
    def test_a_malformed_body_is_refused(self, client, raw):
        raw = raw.replace(b"TEST000000000001", self.shipment.waybill_number.encode())
        assert post_signed(client, self.provider, raw).status_code == 400
        assert self.nothing_changed()

    def test_an_event_dated_days_ahead_is_refused(self, client):
        raw = body(self.shipment, K.ACCEPTED, occurred_at=timezone.now() + timedelta(days=2))
        assert post_signed(client, self.provider, raw).status_code == 400 and self.nothing_changed()

    def test_an_unknown_waybill_is_404(self, client):
        raw = json.dumps({"event_id": "e", "waybill_number": "EA000000000JP", "kind": "accepted",
                          "occurred_at": at(1).isoformat()}).encode()  # fmt: skip
        response = post_signed(client, self.provider, raw)
        assert response.status_code == 404 and response.json()["code"] == "shipment_not_found"
        assert not ShipmentEvent.objects.exists()

    def test_another_carriers_waybill_is_404(self, client):
        _order, dhl_parcel = shipped(provider_code="dhl-express")
        raw = body(dhl_parcel, K.ACCEPTED)
        response = post_signed(client, self.provider, raw)  # EMS signs a DHL parcel's event
        assert response.status_code == 404
        assert not ShipmentEvent.objects.exists()

    def test_an_unknown_carrier_is_404(self, client):
        response = post_signed(client, self.provider, body(self.shipment, K.ACCEPTED), code="no-such-carrier")
        assert response.status_code == 404 and self.nothing_changed()

    def test_only_post(self, client):
        assert client.get(CALLBACK.format(code=self.provider.code)).status_code == 405

    def test_a_signed_in_session_without_csrf_token_is_no_obstacle(self, rates):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.order.user)
        assert post_signed(client, self.provider, body(self.shipment, K.ACCEPTED)).status_code == 201

    def test_callbacks_are_throttled(self, client, settings):
        settings.CARRIER_CALLBACK_RATE = "3/min"
        answers = [
            post_signed(client, self.provider, body(self.shipment, K.ACCEPTED, event_id=f"t{i}")).status_code
            for i in range(4)
        ]
        assert answers == [201, 201, 201, 429]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_concurrent_duplicates_make_one_event(rates):
    """Eight deliveries of the same callback at once (a carrier retrying on a timeout), each in its
    own thread and connection: one event, one delivery of the order; the others answer duplicate."""
    order, shipment = shipped()
    raw = body(shipment, K.DELIVERED, event_id="EMS-RACE-1", occurred_at=at(50))
    senders = 8
    barrier = threading.Barrier(senders)
    answers, errors = [], []

    def send():
        try:
            barrier.wait(timeout=30)
            answers.append(post_signed(Client(), shipment.provider, raw).status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(answers) == [200] * (senders - 1) + [201]
    assert ShipmentEvent.objects.filter(carrier_event_id="EMS-RACE-1").count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert order.events.filter(kind="delivered").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_concurrent_duplicates_across_two_parcels_make_one_event(rates):
    """The same carrier event id for two parcels of one carrier at once (two row locks): the unique
    constraint and the savepoint make one event, and the other call answers the recorded one."""
    from logistics.services import tracking

    _o1, first = shipped()
    _o2, second = shipped()
    barrier = threading.Barrier(2)
    created, errors = [], []

    def record(shipment):
        try:
            barrier.wait(timeout=30)
            created.append(
                tracking.shipment_event_record(
                    shipment=shipment, kind=K.ACCEPTED, occurred_at=at(1), carrier_event_id="SAME"
                )[1]
            )
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(created) == [False, True]
    assert ShipmentEvent.objects.filter(carrier_event_id="SAME").count() == 1
