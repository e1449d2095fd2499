"""Serializers of the logistics API: quotes, shipping one order or a batch, the shipments made."""

from django.urls import reverse
from rest_framework import serializers

from .quotes import PARCEL_WEIGHT_MAX_GRAMS, SORTS
from .services.shipping import SHIP_BATCH_MAX


class QuoteQuerySerializer(serializers.Serializer):
    weight_grams = serializers.IntegerField(
        required=False, min_value=1, max_value=PARCEL_WEIGHT_MAX_GRAMS, help_text="Default: from the lines."
    )
    sort = serializers.ChoiceField(choices=SORTS, required=False, default="recommended")


class QuoteSerializer(serializers.Serializer):
    provider_code = serializers.CharField(source="provider.code")
    provider_name = serializers.CharField(source="provider.name")
    zone = serializers.CharField(source="zone.name")
    weight_grams = serializers.IntegerField()
    additional_steps = serializers.IntegerField()
    currency = serializers.SerializerMethodField()
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipments_this_month = serializers.IntegerField()
    transit_days_min = serializers.IntegerField()
    transit_days_max = serializers.IntegerField()
    expected_from = serializers.DateField()
    expected_by = serializers.DateField()
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    on_time_basis = serializers.IntegerField(help_text="Parcels the on-time rate is measured on.")
    marks = serializers.SerializerMethodField()

    def get_currency(self, quote) -> str:
        return "CNY"

    def get_marks(self, quote) -> list[str]:
        return sorted(quote.marks)


class ShipInputSerializer(serializers.Serializer):
    provider_code = serializers.CharField(max_length=40)
    weight_grams = serializers.IntegerField(min_value=1, max_value=PARCEL_WEIGHT_MAX_GRAMS)


class ShipmentMadeSerializer(serializers.Serializer):
    order_number = serializers.CharField(source="order.number")
    waybill_number = serializers.CharField()
    provider_code = serializers.CharField(source="provider.code")
    provider_name = serializers.CharField(source="provider.name")
    customs_mode = serializers.CharField()
    weight_grams = serializers.IntegerField()
    currency = serializers.CharField(source="price.currency.code")
    list_price = serializers.DecimalField(source="list_price.amount", max_digits=12, decimal_places=2)
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    price = serializers.DecimalField(source="price.amount", max_digits=12, decimal_places=2)
    expected_from = serializers.DateField()
    expected_by = serializers.DateField()
    status = serializers.CharField()
    label_url = serializers.SerializerMethodField()

    def get_label_url(self, shipment) -> str:
        return reverse("api-seller-shipping-labels") + f"?waybill={shipment.waybill_number}"


class ParcelSerializer(serializers.Serializer):
    order_number = serializers.CharField(max_length=24)
    provider_code = serializers.CharField(max_length=40)
    weight_grams = serializers.IntegerField(min_value=1, max_value=PARCEL_WEIGHT_MAX_GRAMS)


class BatchInputSerializer(serializers.Serializer):
    parcels = ParcelSerializer(many=True, allow_empty=False, max_length=SHIP_BATCH_MAX)


class BatchErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    order_number = serializers.CharField()
    shipment = ShipmentMadeSerializer(allow_null=True)
    error = BatchErrorSerializer(allow_null=True)


class BatchAnswerSerializer(serializers.Serializer):
    results = BatchResultSerializer(many=True)
    labels_url = serializers.CharField(
        allow_null=True, help_text="One PDF with the labels of every shipment made."
    )
