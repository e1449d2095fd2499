"""API shapes of after-sales cases. Input serializers check the shape; the services decide."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import AfterSalesCase, ArbitrationInfoRequest, CaseEvent, CaseEvidence
from ..rules import MAX_QUANTITY_PER_LINE

INT_MAX = 2**31 - 1
TEXT_MAX = 2000


@extend_schema_field(OpenApiTypes.DECIMAL)
class AmountField(serializers.DecimalField):
    """A CNY amount stored as Money: its number, as a string with two decimals."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(getattr(value, "amount", value))


def _amount_input(**kwargs):
    return serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("999999.99"), **kwargs
    )


class CaseLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(source="order_line_id", read_only=True)
    sku = serializers.CharField(source="order_line.sku", read_only=True)
    product_name = serializers.CharField(source="order_line.shown_product_name", read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    unit_price_cny = AmountField(source="order_line.unit_price_cny")


class CaseEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display", read_only=True)
    amount = AmountField()

    class Meta:
        model = CaseEvent
        fields = ["kind", "label", "from_status", "to_status", "note", "amount", "created_at"]
        read_only_fields = fields


class CaseEvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The photo (signed-in parties only), or null.")

    class Meta:
        model = CaseEvidence
        fields = ["id", "party", "note", "content_type", "url", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, evidence):
        if not evidence.file:
            return None
        return reverse("orders:case_evidence", args=[evidence.case.number, evidence.pk])


class CaseInfoRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArbitrationInfoRequest
        fields = ["party", "message", "due_at", "answered_at", "lapsed_at", "created_at"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number", read_only=True)
    merchant = serializers.SlugField(source="merchant.slug", read_only=True)
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    amount_requested = AmountField()
    amount_offered = AmountField()
    amount_agreed = AmountField()
    tax_refunded = AmountField()

    class Meta:
        model = AfterSalesCase
        fields = [
            "number",
            "order",
            "merchant",
            "merchant_name",
            "kind",
            "reason",
            "status",
            "status_label",
            "amount_requested",
            "amount_offered",
            "amount_agreed",
            "tax_refunded",
            "respond_by",
            "buyer_respond_by",
            "return_check_by",
            "escalated_at",
            "escalated_by",
            "outcome",
            "decision_reason",
            "decided_at",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class CaseReturnParcelSerializer(serializers.Serializer):
    waybill_number = serializers.CharField(read_only=True)
    provider = serializers.CharField(source="provider.code", read_only=True)
    status = serializers.CharField(read_only=True)
    tracking_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_tracking_url(self, shipment):
        return reverse("tracking:detail", args=[shipment.waybill_number])


class CaseDetailSerializer(CaseSerializer):
    description = serializers.CharField(read_only=True)
    refusal_reason = serializers.CharField(read_only=True)
    lines = CaseLineSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    evidence = CaseEvidenceSerializer(many=True, read_only=True)
    info_requests = CaseInfoRequestSerializer(many=True, read_only=True)
    return_parcel = serializers.SerializerMethodField()
    return_address = serializers.SerializerMethodField(
        help_text="Where the goods go back (once the store accepted a return)."
    )

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "description",
            "refusal_reason",
            "lines",
            "events",
            "evidence",
            "info_requests",
            "return_parcel",
            "return_address",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseReturnParcelSerializer(allow_null=True))
    def get_return_parcel(self, case):
        shipment = self.context.get("return_shipment")
        return CaseReturnParcelSerializer(shipment).data if shipment is not None else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_return_address(self, case):
        if case.kind != AfterSalesCase.Kind.RETURN or case.status in (
            AfterSalesCase.Status.REQUESTED,
            AfterSalesCase.Status.REFUSED,
            AfterSalesCase.Status.OFFERED,
        ):
            return ""
        merchant = case.merchant
        return " ".join(
            part
            for part in (merchant.return_recipient, merchant.return_phone, merchant.return_address)
            if part
        )


class CaseArbitrationQueueSerializer(CaseSerializer):
    waited_hours = serializers.SerializerMethodField()
    open_info_requests = serializers.IntegerField(read_only=True)
    lapsed_info_requests = serializers.IntegerField(read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "waited_hours", "open_info_requests", "lapsed_info_requests"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_waited_hours(self, case):
        from django.utils import timezone

        since = case.escalated_at or case.created_at
        return int((timezone.now() - since).total_seconds() // 3600)


# --- Input ---------------------------------------------------------------------------------------


class CaseLineInputSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(min_value=1, max_value=INT_MAX)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY_PER_LINE)


class CaseOpenSerializer(serializers.Serializer):
    order_number = serializers.CharField(max_length=24)
    kind = serializers.ChoiceField(choices=AfterSalesCase.Kind.choices)
    reason = serializers.ChoiceField(choices=AfterSalesCase.Reason.choices)
    description = serializers.CharField(max_length=TEXT_MAX)
    lines = CaseLineInputSerializer(many=True, min_length=1, max_length=50)
    amount = _amount_input(
        required=False, allow_null=True, help_text="CNY; leave out for the most the lines allow."
    )


class CaseOfferSerializer(serializers.Serializer):
    amount = _amount_input(help_text="The partial refund offered, CNY.")
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class CaseRefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class CaseNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class CaseReturnShipSerializer(serializers.Serializer):
    provider_code = serializers.SlugField(max_length=40)
    weight_grams = serializers.IntegerField(min_value=1, max_value=30000)


class CaseEvidenceInputSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="A JPEG, PNG or WebP photo (checked by content).")
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")

    def validate(self, data):
        if not data.get("file") and not data.get("note", "").strip():
            raise serializers.ValidationError("Send a photo, a statement, or both.")
        return data


class CaseInfoRequestInputSerializer(serializers.Serializer):
    party = serializers.ChoiceField(choices=AfterSalesCase.Party.choices)
    message = serializers.CharField(max_length=TEXT_MAX)
    due_at = serializers.DateTimeField(required=False, allow_null=True)


class CaseDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AfterSalesCase.Outcome.choices)
    reason = serializers.CharField(max_length=TEXT_MAX)
    amount = _amount_input(required=False, allow_null=True, help_text="CNY, for a partial refund only.")

    def validate(self, data):
        if data["outcome"] == AfterSalesCase.Outcome.PARTIAL and not data.get("amount"):
            raise serializers.ValidationError({"amount": "Give the amount of the partial refund."})
        return data
