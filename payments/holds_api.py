"""Release holds through the API, under /api/v1/staff/release-holds/: finance staff list the open
holds, place one on an order by number, lift one. The services decide and check permissions."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from . import selectors, services
from .models import ReleaseHold
from .permissions import can_manage_finance


class CanManageFinance(permissions.BasePermission):
    message = "Only platform finance staff may place or lift release holds."

    def has_permission(self, request, view):
        return can_manage_finance(request.user)


class ReleaseHoldSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number", read_only=True)
    merchant = serializers.CharField(source="order.merchant.slug", read_only=True)
    order_status = serializers.CharField(source="order.status", read_only=True)
    placed_by = serializers.CharField(source="placed_by.username", read_only=True)
    held_seconds = serializers.SerializerMethodField(help_text="How long the payment has been held (so far).")

    class Meta:
        model = ReleaseHold
        fields = [
            "id",
            "order",
            "merchant",
            "order_status",
            "reason",
            "placed_by",
            "placed_at",
            "lifted_at",
            "held_seconds",
        ]
        read_only_fields = fields

    def get_held_seconds(self, hold) -> int:
        return int(((hold.lifted_at or timezone.now()) - hold.placed_at).total_seconds())


class PlaceHoldSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=24, help_text="The order's number.")
    reason = serializers.CharField(max_length=300, help_text="Why the payment is held.")


class LiftHoldSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


ERROR = OpenApiResponse(description="A domain error: `{code, detail}`.")


class HoldPagination(PageNumberPagination):
    """Exact counts (the catalogue's paginator caches its totals; a hold list must not lag)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema_view(list=extend_schema(summary="Open release holds, the oldest first"))
class ReleaseHoldViewSet(viewsets.GenericViewSet):
    serializer_class = ReleaseHoldSerializer
    permission_classes = [permissions.IsAuthenticated, CanManageFinance]
    pagination_class = HoldPagination
    queryset = ReleaseHold.objects.none()

    def get_queryset(self):
        if self.action == "list":
            return selectors.open_release_holds()
        return ReleaseHold.objects.select_related("order__merchant", "placed_by")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Hold an order's payment: neither confirming receipt nor the automatic release pays out",
        request=PlaceHoldSerializer,
        responses={201: ReleaseHoldSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
    )
    def create(self, request):
        from orders.errors import NotFound
        from orders.models import Order

        data = PlaceHoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = Order.objects.filter(number=data.validated_data["order"]).first()
        if order is None:
            raise NotFound()
        hold = services.release_hold_place(
            order=order, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=hold.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Lift a hold: the payment can be released again (lifting twice changes nothing)",
        request=LiftHoldSerializer,
        responses={200: ReleaseHoldSerializer, 400: ERROR},
    )
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        hold = self.get_object()
        data = LiftHoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = services.release_hold_lift(
            hold=hold, actor=request.user, note=data.validated_data.get("note", "")
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=hold.pk)).data)


router = SimpleRouter()
router.register("release-holds", ReleaseHoldViewSet, basename="staff-release-hold")
