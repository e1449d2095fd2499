"""Logistics API for the merchant: quotes for an order, shipping it (one or a batch), the label PDF.
The same services as the pages; a refusal answers 4xx with `{code, detail}`."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.permissions import IsApprovedStore, IsMerchantMember
from orders.models import Order

from . import labels, quotes, selectors
from .models import Shipment
from .printing import shipments_label_data
from .serializers import (
    BatchAnswerSerializer,
    BatchInputSerializer,
    QuoteQuerySerializer,
    QuoteSerializer,
    ShipInputSerializer,
    ShipmentMadeSerializer,
)
from .services import shipping

CONFLICT = OpenApiResponse(description="The order is already shipped with another carrier, or closed.")
QUOTE_EXAMPLE = OpenApiExample(
    "Two quotes",
    value=[
        {
            "provider_code": "sf-express",
            "provider_name": "SF Express",
            "zone": "North America",
            "weight_grams": 800,
            "additional_steps": 1,
            "currency": "CNY",
            "list_price": "285.00",
            "discount_percent": "0.00",
            "price": "285.00",
            "shipments_this_month": 12,
            "transit_days_min": 5,
            "transit_days_max": 7,
            "expected_from": "2026-12-07",
            "expected_by": "2026-12-09",
            "on_time_rate": "0.9412",
            "on_time_basis": 34,
            "marks": ["recommended"],
        },
        {
            "provider_code": "china-post",
            "provider_name": "China Post",
            "zone": "North America",
            "weight_grams": 800,
            "additional_steps": 1,
            "currency": "CNY",
            "list_price": "137.00",
            "discount_percent": "0.00",
            "price": "137.00",
            "shipments_this_month": 0,
            "transit_days_min": 12,
            "transit_days_max": 25,
            "expected_from": "2026-12-14",
            "expected_by": "2026-12-27",
            "on_time_rate": None,
            "on_time_basis": 0,
            "marks": ["cheapest"],
        },
    ],
    response_only=True,
)
SHIP_EXAMPLE = OpenApiExample(
    "Ship with SF Express", value={"provider_code": "sf-express", "weight_grams": 800}, request_only=True
)


class SellerOrderShippingViewSet(viewsets.GenericViewSet):
    """Quotes for one of the store's paid orders, and shipping it."""

    permission_classes = [IsMerchantMember, IsApprovedStore]
    lookup_field = "number"
    filter_backends = []
    pagination_class = None
    serializer_class = ShipInputSerializer

    def _order(self) -> Order:
        return get_object_or_404(
            Order.objects.prefetch_related("lines__variant"),
            merchant=self.request.user.merchant,
            number=str(self.kwargs["number"])[:24],
        )

    @extend_schema(
        parameters=[QuoteQuerySerializer],
        responses={200: QuoteSerializer(many=True)},
        examples=[QUOTE_EXAMPLE],
    )
    @action(detail=True, methods=["get"])
    def quotes(self, request, number=None):
        """Every enabled carrier serving the route and the order's shipping mode, for the parcel's
        weight (default: the lines' weights), marked cheapest, fastest and recommended."""
        order = self._order()
        query = QuoteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        weight = query.validated_data.get("weight_grams") or shipping.order_parcel_weight(order)
        offered = quotes.shipment_quotes(
            merchant=request.user.merchant,
            shipping_mode=order.shipping_mode,
            weight_grams=weight,
            sort=query.validated_data["sort"],
        )
        return Response(QuoteSerializer(offered, many=True).data)

    @extend_schema(
        request=ShipInputSerializer,
        responses={201: ShipmentMadeSerializer, 409: CONFLICT},
        examples=[SHIP_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def ship(self, request, number=None):
        """Ship with the chosen carrier: the shipment gets its waybill and label; the order becomes
        shipped. Asking again with the same carrier returns the same shipment (200)."""
        order = self._order()
        data = ShipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        existed = order.shipments.filter(kind=Shipment.Kind.OUTBOUND).exists()
        shipment = shipping.shipment_create(
            merchant=request.user.merchant,
            actor=request.user,
            order_number=order.number,
            provider_code=data.validated_data["provider_code"],
            weight_grams=data.validated_data["weight_grams"],
        )
        return Response(
            ShipmentMadeSerializer(shipment).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


def _labels_url(waybills) -> str | None:
    if not waybills:
        return None
    return reverse("api-seller-shipping-labels") + "?" + "&".join(f"waybill={w}" for w in waybills)


class SellerShipBatchView(APIView):
    """Ship several orders at once. Each order is shipped on its own: the answer gives, per order, the
    shipment made or the refusal, and one label PDF for all shipments made."""

    permission_classes = [IsMerchantMember, IsApprovedStore]

    @extend_schema(
        request=BatchInputSerializer,
        responses={200: BatchAnswerSerializer},
        examples=[
            OpenApiExample(
                "Two orders",
                value={
                    "parcels": [
                        {"order_number": "2612020123456789", "provider_code": "ems", "weight_grams": 800},
                        {
                            "order_number": "2612020987654321",
                            "provider_code": "sf-express",
                            "weight_grams": 1500,
                        },
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = BatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = shipping.shipments_create_batch(
            merchant=request.user.merchant, actor=request.user, parcels=data.validated_data["parcels"]
        )
        answer = [
            {
                "order_number": r["order_number"],
                "shipment": ShipmentMadeSerializer(r["shipment"]).data if r["shipment"] else None,
                "error": {"code": r["error"].code, "detail": str(r["error"])} if r["error"] else None,
            }
            for r in results
        ]
        made = [r["shipment"].waybill_number for r in results if r["shipment"]]
        return Response({"results": answer, "labels_url": _labels_url(made)})


class SellerLabelsView(APIView):
    """The label PDF (100 x 150 mm, one page per shipment) of the store's shipments named by
    `waybill` (repeat it for a batch)."""

    permission_classes = [IsMerchantMember, IsApprovedStore]

    @extend_schema(
        parameters=[OpenApiParameter("waybill", OpenApiTypes.STR, many=True, required=True)],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The labels."),
            404: OpenApiResponse(description="None of the waybills is a shipment of the store."),
        },
    )
    def get(self, request):
        shipments = selectors.shipments_for_labels(
            request.user.merchant, request.query_params.getlist("waybill"), limit=shipping.SHIP_BATCH_MAX
        )
        if not shipments:
            raise NotFound("No such shipment.")
        response = HttpResponse(
            labels.labels_pdf(shipments_label_data(shipments)), content_type="application/pdf"
        )
        response["Content-Disposition"] = 'inline; filename="labels.pdf"'
        return response


def register(router):
    router.register("seller/orders", SellerOrderShippingViewSet, basename="seller-order-shipping")
