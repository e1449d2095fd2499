"""Shared by the tracking tests: the seeded carriers (a transactional test elsewhere may have flushed
the data migration's rows), a shipped order, and signed callback posts."""

import json
import time
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from logistics.callbacks import sign_callback
from logistics.models import LogisticsProvider, ShipmentEvent
from logistics.seed import seed_providers
from logistics.services import tracking
from tests.factories import paid_order, shipment_for

CALLBACK = "/api/v1/logistics/callbacks/{code}/"


@pytest.fixture
def providers(db):
    seed_providers(apps)
    return {p.code: p for p in LogisticsProvider.objects.all()}


def shipped(*, provider_code="ems", days_ago=0, **order_kwargs):
    """A paid order and its parcel, shipped `days_ago` days ago (needs `rates` and `providers`)."""
    order = paid_order(**order_kwargs)
    created_at = timezone.now() - timedelta(days=days_ago) if days_ago else None
    return order, shipment_for(order, provider_code=provider_code, created_at=created_at)


# Ten days ago, fixed for the test run (whole seconds, as a callback's ISO time would carry).
TEN_DAYS_AGO = timezone.now().replace(microsecond=0) - timedelta(days=10)


def at(hours: float, base: datetime | None = None) -> datetime:
    return (base or TEN_DAYS_AGO) + timedelta(hours=hours)


def body(shipment, kind, *, event_id=None, occurred_at=None, **extra) -> bytes:
    data = {
        "event_id": event_id or f"E-{kind}-{shipment.pk}",
        "waybill_number": shipment.waybill_number,
        "kind": kind,
        "occurred_at": (occurred_at or timezone.now() - timedelta(minutes=1)).isoformat(),
        **extra,
    }
    return json.dumps(data).encode()


def post_signed(client, provider, raw: bytes, *, secret=None, timestamp=None, code=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = sign_callback(secret or provider.callback_secret, timestamp, raw)
    return client.post(
        CALLBACK.format(code=code or provider.code),
        data=raw,
        content_type="application/json",
        headers={"X-Carrier-Timestamp": timestamp, "X-Carrier-Signature": signature},
    )


def clear_on_declared(monkeypatch, *, hold_reason=""):
    """Stand in for the customs helper's three-document match: clear (or hold) the parcel at once."""
    from logistics.services import customs

    def customs_on_declared(*, shipment):
        kind = ShipmentEvent.Kind.CUSTOMS_HELD if hold_reason else ShipmentEvent.Kind.CUSTOMS_CLEARED
        declared = shipment.events.filter(kind=ShipmentEvent.Kind.CUSTOMS_DECLARED).latest("occurred_at")
        tracking.shipment_event_record(
            shipment=shipment,
            kind=kind,
            occurred_at=min(declared.occurred_at + timedelta(minutes=30), timezone.now()),
            note=hold_reason,
            source=ShipmentEvent.Source.PLATFORM,
        )

    monkeypatch.setattr(customs, "customs_on_declared", customs_on_declared)
