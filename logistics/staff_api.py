"""The staff API of logistics, under /api/v1/staff/: parcels held by customs (list, read, resolve)
and late deliveries (list, resolve). Services decide; these views only translate."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from merchants.permissions import IsPlatformStaff

from . import selectors
from .models import CustomsDeclaration, CustomsDeclarationLine, DeadlineBreach
from .services import customs, deadlines

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class DeclarationLineSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(source="value.amount", **MONEY)
    tax = serializers.DecimalField(source="tax.amount", **MONEY)

    class Meta:
        model = CustomsDeclarationLine
        fields = ["hs_code", "description", "quantity", "value", "tax"]


class DeclarationSerializer(serializers.ModelSerializer):
    """A customs declaration as staff see it: the buyer as the order carries it, amounts in CNY."""

    order = serializers.CharField(source="order.number", read_only=True)
    merchant = serializers.CharField(source="order.merchant.slug", read_only=True)
    goods_value = serializers.DecimalField(source="goods_value.amount", **MONEY)
    tax = serializers.DecimalField(source="tax.amount", **MONEY)
    freight = serializers.DecimalField(source="freight.amount", **MONEY)
    lines = DeclarationLineSerializer(many=True, read_only=True)

    class Meta:
        model = CustomsDeclaration
        fields = [
            "id",
            "order",
            "merchant",
            "customs_mode",
            "status",
            "buyer_name",
            "buyer_id_number",
            "goods_value",
            "tax",
            "freight",
            "hold_reason",
            "checked_at",
            "resolved_at",
            "resolution_note",
            "lines",
        ]
        read_only_fields = fields


class ResolveHoldSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=customs.RESOLUTIONS,
        help_text="`corrected`: the corrected name and/or ID number are written on every document "
        "that differs and the documents are matched again. `return`: back to the sender, the buyer "
        "refunded in full.",
    )
    note = serializers.CharField(max_length=1000, help_text="What was checked or decided.")
    corrected_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    corrected_id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)


class LateDeliverySerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number", read_only=True)
    merchant = serializers.CharField(source="order.merchant.slug", read_only=True)
    shipped_at = serializers.DateTimeField(source="order.shipped_at", read_only=True)

    class Meta:
        model = DeadlineBreach
        fields = [
            "id",
            "order",
            "merchant",
            "shipped_at",
            "deadline",
            "detected_at",
            "resolved_at",
            "resolution_note",
        ]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, help_text="What was done.")


@extend_schema_view(
    list=extend_schema(summary="Parcels held by customs, the one waiting longest first"),
    retrieve=extend_schema(summary="A customs declaration"),
)
class StaffCustomsViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DeclarationSerializer
    permission_classes = [permissions.IsAuthenticated, IsPlatformStaff]

    def get_queryset(self):
        if self.action == "list":
            return selectors.customs_held_queue().prefetch_related("lines")
        return CustomsDeclaration.objects.select_related("order", "order__merchant").prefetch_related("lines")

    @extend_schema(
        summary="Resolve a hold: a corrected document or a return with a full refund",
        request=ResolveHoldSerializer,
        responses={
            200: DeclarationSerializer,
            409: OpenApiResponse(
                description="The parcel is not held (cleared, returned, or never declared)."
            ),
        },
        examples=[
            OpenApiExample(
                "Corrected name",
                value={"action": "corrected", "corrected_name": "王琳", "note": "Buyer confirmed by phone."},
                request_only=True,
            ),
            OpenApiExample(
                "Return", value={"action": "return", "note": "Buyer unreachable."}, request_only=True
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        declaration = self.get_object()
        data = ResolveHoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        declaration = customs.customs_hold_resolve(
            declaration=declaration,
            staff_user=request.user,
            action=values["action"],
            note=values["note"],
            corrected_name=values.get("corrected_name") or None,
            corrected_id_number=values.get("corrected_id_number") or None,
        )
        return Response(self.get_serializer(declaration).data)


@extend_schema_view(list=extend_schema(summary="Late deliveries not resolved yet, the oldest deadline first"))
class StaffLateDeliveryViewSet(viewsets.GenericViewSet):
    serializer_class = LateDeliverySerializer
    permission_classes = [permissions.IsAuthenticated, IsPlatformStaff]

    def get_queryset(self):
        if self.action == "list":
            return selectors.late_deliveries_queue()
        return DeadlineBreach.objects.filter(kind=DeadlineBreach.Kind.DELIVERY_LATE).select_related("order")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Mark a late delivery resolved, with a note",
        request=NoteSerializer,
        responses={200: LateDeliverySerializer, 409: OpenApiResponse(description="Already resolved.")},
        examples=[OpenApiExample("Resolved", value={"note": "Carrier found the parcel."}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        breach = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        breach = deadlines.late_delivery_resolve(
            breach=breach, staff_user=request.user, note=data.validated_data["note"]
        )
        return Response(self.get_serializer(breach).data)


router = SimpleRouter()
router.register("customs", StaffCustomsViewSet, basename="staff-customs")
router.register("late-deliveries", StaffLateDeliveryViewSet, basename="staff-late-delivery")
