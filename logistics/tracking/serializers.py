"""API shapes of tracking: a parcel with its events (the shopper's order, the store's shipments), the
public view of a parcel (nothing personal), the carriers' callback body and an event added by hand."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace import identifiers
from marketplace.errors import InvalidIdentifier

from ..models import Shipment, ShipmentEvent

# A carrier's event may be dated at most this far ahead of the platform's clock.
CALLBACK_FUTURE_SLACK = timedelta(days=1)


class PublicEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ShipmentEvent
        fields = ["kind", "label", "occurred_at", "location"]


class EventSerializer(PublicEventSerializer):
    """An event as the buyer and the store see it: with its note (a hand-added event's reason) and
    where it came from (carrier, added by hand, the platform)."""

    class Meta(PublicEventSerializer.Meta):
        fields = [*PublicEventSerializer.Meta.fields, "note", "source"]


class _ShipmentBase(serializers.ModelSerializer):
    carrier = serializers.SlugField(source="provider.code", read_only=True)
    carrier_name = serializers.CharField(source="provider.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)


class PublicTrackingSerializer(_ShipmentBase):
    """What anyone with the waybill number may see: no names, addresses, phone, order or contents."""

    events = PublicEventSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "waybill_number",
            "carrier",
            "carrier_name",
            "customs_mode",
            "status",
            "status_label",
            "expected_from",
            "expected_by",
            "delivered_at",
            "last_event_at",
            "events",
        ]


class ShipmentSerializer(PublicTrackingSerializer):
    """An order's parcel as its buyer sees it (events newest first)."""

    events = EventSerializer(many=True, read_only=True)
    shipped_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta(PublicTrackingSerializer.Meta):
        fields = [*PublicTrackingSerializer.Meta.fields[:-1], "shipped_at", "events"]


class SellerShipmentSerializer(_ShipmentBase):
    order = serializers.CharField(source="order.number", read_only=True)
    price = serializers.DecimalField(source="price.amount", max_digits=10, decimal_places=2, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "waybill_number",
            "order",
            "kind",
            "carrier",
            "carrier_name",
            "shipping_mode",
            "customs_mode",
            "weight_grams",
            "price",
            "status",
            "status_label",
            "expected_from",
            "expected_by",
            "created_at",
            "last_event_at",
            "delivered_at",
        ]


class SellerShipmentDetailSerializer(SellerShipmentSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(SellerShipmentSerializer.Meta):
        fields = [*SellerShipmentSerializer.Meta.fields, "events"]


def _aware(value: datetime) -> datetime:
    if timezone.is_naive(value):
        raise serializers.ValidationError(_("Give the time with its UTC offset (ISO 8601)."))
    return value


class StrictDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its UTC offset: a time without one is refused, not guessed."""

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail("invalid", format="ISO 8601")
        return _aware(parsed)


class ManualEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ShipmentEvent.Kind.choices,
        help_text="The store may not record customs results, a delivery or a return (staff only).",
    )
    occurred_at = StrictDateTimeField(help_text="When it happened (ISO 8601 with offset); not in the future.")
    reason = serializers.CharField(max_length=300, help_text="Why the event is added by hand (required).")
    location = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)


# Customs results are the platform's own (the three-document match), never a carrier's.
PLATFORM_KINDS = (ShipmentEvent.Kind.CUSTOMS_CLEARED, ShipmentEvent.Kind.CUSTOMS_HELD)
CARRIER_KINDS = [(value, label) for value, label in ShipmentEvent.Kind.choices if value not in PLATFORM_KINDS]


class CallbackEventSerializer(serializers.Serializer):
    """One tracking event a carrier posts. Customs results are the platform's, never a carrier's."""

    event_id = serializers.CharField(
        max_length=64, help_text="The carrier's id of the event: unique per carrier."
    )
    waybill_number = serializers.CharField(max_length=60)
    kind = serializers.ChoiceField(choices=CARRIER_KINDS)
    occurred_at = StrictDateTimeField(
        help_text="ISO 8601 with the UTC offset, e.g. 2026-12-02T09:30:00+08:00."
    )
    location = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    def validate_event_id(self, value):
        if not value.isascii() or not value.isprintable() or not value.strip():
            raise serializers.ValidationError(_("Printable ASCII characters only."))
        return value.strip()

    def validate_waybill_number(self, value):
        try:
            return identifiers.waybill_number(value)
        except InvalidIdentifier as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_occurred_at(self, value):
        if value > timezone.now() + CALLBACK_FUTURE_SLACK:
            raise serializers.ValidationError(_("This time is in the future."))
        return value


CALLBACK_RESULTS = [("recorded", "recorded"), ("duplicate", "duplicate")]


class CallbackResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=CALLBACK_RESULTS,
        help_text="`duplicate`: this event id was recorded before; nothing changed.",
    )
