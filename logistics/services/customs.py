"""Customs: the declaration prepared at payment and the three-document match at the border.

Placeholder on the tracking branch: the customs helper's module replaces this file at merge."""


def customs_on_declared(*, shipment):
    """Called by `tracking.shipment_event_record` (inside its transaction) when a parcel's first
    CUSTOMS_DECLARED event is recorded. The customs helper replaces this stub: it matches the three
    documents and records CUSTOMS_CLEARED or CUSTOMS_HELD through `shipment_event_record` with source
    PLATFORM."""
    return None
