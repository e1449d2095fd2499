"""Tracking in the API (/api/v1/): the carriers' signed callback, public tracking by waybill number,
and the store's shipments with their events (and adding one by hand). Thin: the services decide."""

import json

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from merchants.permissions import IsApprovedStore, IsMerchantMember

from ..callbacks import MAX_SKEW_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER, callback_check
from ..errors import WaybillNotFound
from ..models import LogisticsProvider, Shipment
from ..services import tracking
from . import selectors
from .serializers import (
    CallbackEventSerializer,
    CallbackResultSerializer,
    ManualEventSerializer,
    PublicTrackingSerializer,
    SellerShipmentDetailSerializer,
    SellerShipmentSerializer,
)


class _SettingRateThrottle(SimpleRateThrottle):
    """A rate from a setting (`rate_setting`), per client address and `scope`."""

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view):
        ident = f"{self.get_ident(request)}:{view.kwargs.get('provider_code', '')}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CallbackThrottle(_SettingRateThrottle):
    scope, rate_setting = "carrier_callback", "CARRIER_CALLBACK_RATE"


class TrackingThrottle(_SettingRateThrottle):
    scope, rate_setting = "tracking_lookup", "TRACKING_LOOKUP_RATE"


def _refused(code: str, detail: str, status_code: int, **headers) -> Response:
    response = Response({"code": code, "detail": detail}, status=status_code)
    for name, value in headers.items():
        response[name] = value
    return response


SIGNATURE_CHALLENGE = (
    'HMAC-SHA256 realm="carrier-callbacks", headers="X-Carrier-Timestamp X-Carrier-Signature"'
)
CALLBACK_EXAMPLE_BODY = {
    "event_id": "EMS-20261202-000184",
    "waybill_number": "EA123456785JP",
    "kind": "arrived_china",
    "occurred_at": "2026-12-02T09:30:00+08:00",
    "location": "Shanghai Pudong International Airport",
    "note": "",
}
REFUSALS = {
    "missing": ("signature_missing", "The X-Carrier-Timestamp and X-Carrier-Signature headers are required."),
    "stale": (
        "timestamp_out_of_range",
        f"X-Carrier-Timestamp is more than {MAX_SKEW_SECONDS} seconds from the platform's clock.",
    ),
    "bad": ("signature_invalid", "The signature does not match this body, timestamp and carrier."),
}


class CarrierCallbackView(APIView):
    """A carrier posts one tracking event of one of its parcels.

    Signed, not logged in: `X-Carrier-Timestamp` (unix seconds) and `X-Carrier-Signature:
    sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the carrier's callback secret>`.
    A timestamp more than 5 minutes off the platform's clock (past or future), a missing or wrong
    signature: 401. An unknown carrier code: 404 (before the signature is checked); an unknown
    waybill number, or another carrier's: 404. A body that is not the JSON object described: 400.
    Customs results (`customs_cleared`, `customs_held`) are the platform's and are refused (400).
    An event id already recorded for this carrier answers 200 `{"status": "duplicate"}` and changes
    nothing; a new event 201 `{"status": "recorded"}`. Events may arrive in any order: the parcel's
    status is rebuilt from all of them."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [CallbackThrottle]
    parser_classes = [JSONParser]  # documented; the view reads the raw body itself (it is signed)

    @extend_schema(
        operation_id="logistics_carrier_callback",
        request=CallbackEventSerializer,
        responses={
            201: CallbackResultSerializer,
            200: CallbackResultSerializer,
            400: OpenApiResponse(description="A body that is not a valid event (or not JSON)."),
            401: OpenApiResponse(
                description="Missing or wrong signature, or a timestamp over 5 minutes off."
            ),
            404: OpenApiResponse(
                description="No such carrier, or no parcel of this carrier with this waybill."
            ),
        },
        examples=[
            OpenApiExample("An arrival scan", value=CALLBACK_EXAMPLE_BODY, request_only=True),
            OpenApiExample(
                "Recorded", value={"status": "recorded"}, response_only=True, status_codes=["201"]
            ),
            OpenApiExample(
                "Sent before", value={"status": "duplicate"}, response_only=True, status_codes=["200"]
            ),
            OpenApiExample(
                "Bad signature",
                value={"code": "signature_invalid", "detail": REFUSALS["bad"][1]},
                response_only=True,
                status_codes=["401"],
            ),
            OpenApiExample(
                "Stale timestamp",
                value={"code": "timestamp_out_of_range", "detail": REFUSALS["stale"][1]},
                response_only=True,
                status_codes=["401"],
            ),
            OpenApiExample(
                "Unknown waybill",
                value={
                    "code": "shipment_not_found",
                    "detail": "There is no parcel with waybill number EA000000000JP.",
                },
                response_only=True,
                status_codes=["404"],
            ),
        ],
    )
    def post(self, request, provider_code):
        provider = LogisticsProvider.objects.filter(code=provider_code).first()
        if provider is None:
            return _refused("carrier_not_found", "No carrier with this code.", status.HTTP_404_NOT_FOUND)
        body = request._request.body  # noqa: SLF001 - the signature covers the exact bytes
        problem = callback_check(
            provider.callback_secret,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            body,
        )
        if problem:
            code, detail = REFUSALS[problem]
            return _refused(
                code, detail, status.HTTP_401_UNAUTHORIZED, **{"WWW-Authenticate": SIGNATURE_CHALLENGE}
            )
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _refused("malformed_callback", "The body is not JSON.", status.HTTP_400_BAD_REQUEST)
        if not isinstance(payload, dict):
            return _refused(
                "malformed_callback", "The body must be a JSON object.", status.HTTP_400_BAD_REQUEST
            )
        data = CallbackEventSerializer(data=payload)
        data.is_valid(raise_exception=True)
        event = data.validated_data
        shipment = Shipment.objects.filter(provider=provider, waybill_number=event["waybill_number"]).first()
        if shipment is None:
            raise WaybillNotFound(event["waybill_number"])
        _event, created = tracking.shipment_event_record(
            shipment=shipment,
            kind=event["kind"],
            occurred_at=event["occurred_at"],
            location=event["location"],
            note=event["note"],
            carrier_event_id=event["event_id"],
        )
        if not created:
            return Response({"status": "duplicate"}, status=status.HTTP_200_OK)
        return Response({"status": "recorded"}, status=status.HTTP_201_CREATED)


TRACKING_EXAMPLE = {
    "waybill_number": "EA123456785JP",
    "carrier": "ems",
    "carrier_name": "EMS",
    "customs_mode": "9610",
    "status": "in_customs",
    "status_label": "Customs declared",
    "expected_from": "2026-12-07",
    "expected_by": "2026-12-13",
    "delivered_at": None,
    "last_event_at": "2026-12-02T11:00:00+08:00",
    "events": [
        {
            "kind": "customs_declared",
            "label": "Customs declaration submitted",
            "occurred_at": "2026-12-02T11:00:00+08:00",
            "location": "Shanghai Pudong customs",
        },
        {
            "kind": "arrived_china",
            "label": "Arrived in China",
            "occurred_at": "2026-12-02T09:30:00+08:00",
            "location": "Shanghai Pudong International Airport",
        },
    ],
}


class PublicTrackingView(APIView):
    """A parcel's carrier, status, expected delivery window and timeline (newest first), for anyone
    with its waybill number. Nothing personal: no names, addresses, phone, order or contents."""

    permission_classes = [AllowAny]
    throttle_classes = [TrackingThrottle]

    @extend_schema(
        operation_id="tracking_retrieve",
        responses={
            200: PublicTrackingSerializer,
            404: OpenApiResponse(description="No parcel with this number."),
        },
        examples=[OpenApiExample("A parcel in customs", value=TRACKING_EXAMPLE, response_only=True)],
    )
    def get(self, request, waybill):
        shipment = selectors.shipment_public(waybill)
        if shipment is None:
            raise WaybillNotFound(waybill[:60])
        return Response(PublicTrackingSerializer(shipment).data)


class SellerShipmentListView(generics.ListAPIView):
    """The signed-in store's parcels, newest first."""

    serializer_class = SellerShipmentSerializer
    permission_classes = [IsMerchantMember, IsApprovedStore]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shipment.objects.none()
        return selectors.shipments_for_merchant(self.request.user.merchant)


def _seller_shipment(request, waybill) -> Shipment:
    shipment = selectors.shipment_for_merchant(request.user.merchant, waybill)
    if shipment is None:
        raise WaybillNotFound(waybill[:60])
    return shipment


class SellerShipmentDetailView(APIView):
    permission_classes = [IsMerchantMember, IsApprovedStore]

    @extend_schema(
        operation_id="seller_shipments_retrieve",
        responses={
            200: SellerShipmentDetailSerializer,
            404: OpenApiResponse(description="Not this store's parcel."),
        },
    )
    def get(self, request, waybill):
        """One of the store's parcels with its events, newest first."""
        return Response(SellerShipmentDetailSerializer(_seller_shipment(request, waybill)).data)


class SellerShipmentEventView(APIView):
    permission_classes = [IsMerchantMember, IsApprovedStore]

    @extend_schema(
        operation_id="seller_shipments_events_create",
        request=ManualEventSerializer,
        responses={
            201: SellerShipmentDetailSerializer,
            403: OpenApiResponse(
                description="A kind only staff may record (customs results, delivery, return)."
            ),
            404: OpenApiResponse(description="Not this store's parcel."),
        },
        examples=[
            OpenApiExample(
                "The carrier's scan was missing",
                value={
                    "kind": "departed_origin",
                    "occurred_at": "2026-12-01T18:00:00+09:00",
                    "reason": "The carrier's departure scan never arrived; its office confirmed by phone.",
                    "location": "Tokyo International Post Office",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, waybill):
        """Add an event by hand, with the reason why."""
        shipment = _seller_shipment(request, waybill)
        data = ManualEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tracking.shipment_event_add_by_hand(shipment=shipment, user=request.user, **data.validated_data)
        shipment = _seller_shipment(request, waybill)
        return Response(SellerShipmentDetailSerializer(shipment).data, status=status.HTTP_201_CREATED)
