"""Helpers of the customs and deadline tests (a module, not a conftest: other logistics tests have
their own)."""

import sys
import types

import pytest
from django.utils import timezone, translation

from logistics.models import ShipmentEvent


@pytest.fixture
def english():
    """Messages compared as written in the code."""
    with translation.override("en"):
        yield


@pytest.fixture
def tracking(monkeypatch):
    """The tracking service customs records its events through. Until `logistics.services.tracking`
    exists on this branch, a stand-in that only writes the event row (the real one also derives the
    shipment's status)."""
    try:
        from logistics.services import tracking as real
    except ImportError:
        pass
    else:
        return real

    def shipment_event_record(
        *,
        shipment,
        kind,
        occurred_at,
        location="",
        note="",
        carrier_event_id="",
        source=ShipmentEvent.Source.CARRIER,
        actor=None,
    ):
        event = ShipmentEvent.objects.create(
            shipment=shipment,
            provider_id=shipment.provider_id,
            kind=kind,
            occurred_at=occurred_at,
            location=location,
            note=note,
            carrier_event_id=carrier_event_id,
            source=source,
            actor=actor,
        )
        return event, True

    stub = types.ModuleType("logistics.services.tracking")
    stub.shipment_event_record = shipment_event_record
    import logistics.services

    monkeypatch.setitem(sys.modules, "logistics.services.tracking", stub)
    monkeypatch.setattr(logistics.services, "tracking", stub, raising=False)
    return stub


def declare(shipment):
    """The carrier reports the parcel declared at the border; tracking hands it to customs."""
    from logistics.services import customs

    ShipmentEvent.objects.create(
        shipment=shipment,
        provider_id=shipment.provider_id,
        kind=ShipmentEvent.Kind.CUSTOMS_DECLARED,
        occurred_at=timezone.now(),
    )
    return customs.customs_on_declared(shipment=shipment)
