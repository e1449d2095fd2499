"""After-sales cases in the API (/api/v1/): the buyer's (`cases/`), the store's (`seller/cases/`) and
the arbitrators' (`staff/arbitration/`). One view per operation, each calling the same service as the
pages; a refusal answers 4xx with `{code, detail}`."""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.permissions import IsApprovedStore, IsMerchantMember

from ..models import AfterSalesCase
from . import selectors, services
from .serializers import (
    CaseArbitrationQueueSerializer,
    CaseDecideSerializer,
    CaseDetailSerializer,
    CaseEvidenceInputSerializer,
    CaseInfoRequestInputSerializer,
    CaseNoteSerializer,
    CaseOfferSerializer,
    CaseOpenSerializer,
    CaseRefuseSerializer,
    CaseReturnShipSerializer,
    CaseSerializer,
)

CONFLICT = OpenApiResponse(description="The case's state does not allow this now: `{code, detail}`.")
NOT_FOUND = OpenApiResponse(description="No such case of yours.")

CASE_EXAMPLE = OpenApiExample(
    "A return waiting for the store",
    value={
        "number": "AS2612030001",
        "order": "GM2611280042",
        "merchant": "osaka-select",
        "merchant_name": "Osaka Select",
        "kind": "return",
        "reason": "damaged",
        "status": "requested",
        "status_label": "Waiting for the store",
        "amount_requested": "129.00",
        "amount_offered": None,
        "amount_agreed": None,
        "tax_refunded": "0.00",
        "respond_by": "2026-12-05T09:30:00+08:00",
        "buyer_respond_by": None,
        "return_check_by": None,
        "escalated_at": None,
        "escalated_by": "",
        "outcome": "",
        "decision_reason": "",
        "decided_at": None,
        "created_at": "2026-12-03T09:30:00+08:00",
        "closed_at": None,
    },
    response_only=True,
)
DETAIL_EXAMPLE = OpenApiExample(
    "An accepted return, goods on their way back",
    value={
        **CASE_EXAMPLE.value,
        "status": "returning",
        "status_label": "Goods on their way back",
        "amount_agreed": "129.00",
        "description": "The bottle arrived cracked and leaking.",
        "refusal_reason": "",
        "lines": [
            {
                "line_id": 311,
                "sku": "OS-LOTION-200",
                "product_name": "Hydrating lotion 200 ml",
                "quantity": 1,
                "unit_price_cny": "118.00",
            }
        ],
        "events": [
            {
                "kind": "opened",
                "label": "Request opened",
                "from_status": "",
                "to_status": "requested",
                "note": "",
                "amount": "129.00",
                "created_at": "2026-12-03T09:30:00+08:00",
            },
            {
                "kind": "accepted",
                "label": "Accepted by the store",
                "from_status": "requested",
                "to_status": "awaiting_return",
                "note": "",
                "amount": "129.00",
                "created_at": "2026-12-03T15:02:00+08:00",
            },
        ],
        "evidence": [
            {
                "id": 41,
                "party": "buyer",
                "note": "",
                "content_type": "image/jpeg",
                "url": "/after-sales/AS2612030001/evidence/41/",
                "created_at": "2026-12-03T09:30:00+08:00",
            }
        ],
        "info_requests": [],
        "return_parcel": {
            "waybill_number": "SF1234567890123",
            "provider": "sf-express",
            "status": "created",
            "tracking_url": "/track/SF1234567890123/",
        },
        "return_address": "Osaka Select Returns 021-5555-0100 Room 5, 88 Jiangchang Road, Shanghai",
    },
    response_only=True,
)


class IsArbitrator(permissions.BasePermission):
    message = "Only the platform's arbitrators may use this endpoint."

    def has_permission(self, request, view):
        return selectors.is_arbitrator(request.user)


def _detail_response(case, code=status.HTTP_200_OK):
    return Response(
        CaseDetailSerializer(case, context={"return_shipment": selectors.return_shipment(case)}).data,
        status=code,
    )


class _CaseView(APIView):
    """One case of the caller's side, found by its number (404 for anyone else's)."""

    serializer_class = CaseDetailSerializer

    def find(self, number):
        raise NotImplementedError

    def case(self, number):
        case = self.find(number)
        if case is None:
            raise Http404
        return case

    def reread(self, case):
        return self.find(case.number)


class _BuyerCase(_CaseView):
    permission_classes = [IsAuthenticated]

    def find(self, number):
        return selectors.case_for_buyer(self.request.user, number)


class _SellerCase(_CaseView):
    permission_classes = [IsMerchantMember, IsApprovedStore]

    def find(self, number):
        return selectors.case_for_merchant(self.request.user.merchant, number)


class _ArbitrationCase(_CaseView):
    permission_classes = [IsArbitrator]

    def find(self, number):
        return selectors.case_for_arbitrator(number)


# --- The buyer ---------------------------------------------------------------------------------------


class BuyerCaseListView(ListAPIView):
    """My after-sales requests, newest first; POST asks for a refund or a return on one of my orders."""

    permission_classes = [IsAuthenticated]
    serializer_class = CaseSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.cases_for_buyer(self.request.user)

    @extend_schema(responses=CaseSerializer(many=True), examples=[CASE_EXAMPLE], operation_id="cases_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=CaseOpenSerializer,
        responses={201: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        operation_id="cases_open",
        examples=[
            OpenApiExample(
                "Return one damaged item",
                value={
                    "order_number": "GM2611280042",
                    "kind": "return",
                    "reason": "damaged",
                    "description": "The bottle arrived cracked and leaking.",
                    "lines": [{"line_id": 311, "quantity": 1}],
                },
                request_only=True,
            ),
            DETAIL_EXAMPLE,
        ],
    )
    def post(self, request):
        """Open a request on one of my orders: refund only, or return and refund, for some lines and
        quantities, with a reason and a description; the amount defaults to the most the lines allow
        (their goods, share of shipping and tax, less what was refunded). Photos: add them with
        `evidence/` afterwards. One open request per order."""
        data = CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_open(user=request.user, **data.validated_data)
        return _detail_response(selectors.case_for_buyer(request.user, case.number), status.HTTP_201_CREATED)


class BuyerCaseDetailView(_BuyerCase):
    @extend_schema(
        responses={200: CaseDetailSerializer, 404: NOT_FOUND},
        examples=[DETAIL_EXAMPLE],
        operation_id="cases_retrieve",
    )
    def get(self, request, number):
        """One of my requests: its state, deadlines, amounts, lines, timeline, evidence from both
        sides, the arbitrator's requests for more and the return parcel."""
        return _detail_response(self.case(number))


class _BuyerAction(_BuyerCase):
    def done(self, case):
        return _detail_response(self.reread(case))


class BuyerOfferAcceptView(_BuyerAction):
    @extend_schema(
        request=None,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        operation_id="cases_offer_accept",
    )
    def post(self, request, number):
        """Accept the store's partial refund offer: the refund is paid."""
        case = self.case(number)
        services.case_offer_accept(case=case, actor=request.user)
        return self.done(case)


class BuyerWithdrawView(_BuyerAction):
    @extend_schema(
        request=None,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        operation_id="cases_withdraw",
    )
    def post(self, request, number):
        """Withdraw my request (while it is open): the case closes."""
        case = self.case(number)
        services.case_withdraw(case=case, actor=request.user)
        return self.done(case)


ESCALATE_EXAMPLE = OpenApiExample(
    "Escalate", value={"note": "The store refused although the photos show the damage."}, request_only=True
)


class BuyerEscalateView(_BuyerAction):
    @extend_schema(
        request=CaseNoteSerializer,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        examples=[ESCALATE_EXAMPLE],
        operation_id="cases_escalate",
    )
    def post(self, request, number):
        """Ask the platform to arbitrate a refused request or a partial offer."""
        case = self.case(number)
        data = CaseNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_escalate(case=case, actor=request.user, note=data.validated_data["note"])
        return self.done(case)


class BuyerReturnShipView(_BuyerAction):
    @extend_schema(
        request=CaseReturnShipSerializer,
        responses={201: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "Send back with SF Express",
                value={"provider_code": "sf-express", "weight_grams": 600},
                request_only=True,
            )
        ],
        operation_id="cases_return_ship",
    )
    def post(self, request, number):
        """Send the goods back to the store's return address (an accepted return): a tracked return
        parcel is booked; its waybill number is in `return_parcel`."""
        case = self.case(number)
        data = CaseReturnShipSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_return_ship(case=case, actor=request.user, **data.validated_data)
        return _detail_response(self.reread(case), status.HTTP_201_CREATED)


class _EvidenceView(_CaseView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def post(self, request, number):
        case = self.case(number)
        data = CaseEvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_evidence_add(
            case=case,
            actor=request.user,
            file=data.validated_data.get("file"),
            note=data.validated_data["note"],
        )
        return _detail_response(self.reread(case), status.HTTP_201_CREATED)


EVIDENCE_SCHEMA = dict(
    request={
        "multipart/form-data": CaseEvidenceInputSerializer,
        "application/json": CaseEvidenceInputSerializer,
    },
    responses={201: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
)


class BuyerEvidenceView(_EvidenceView, _BuyerCase):
    @extend_schema(**EVIDENCE_SCHEMA, operation_id="cases_evidence_add")
    def post(self, request, number):
        """Add a photo (multipart `file`, checked by content) and/or a statement (`note`); also how to
        answer an arbitrator's request for more."""
        return super().post(request, number)


# --- The store ---------------------------------------------------------------------------------------


class SellerCaseListView(ListAPIView):
    """The store's after-sales requests: open ones first, the answer due soonest on top."""

    permission_classes = [IsMerchantMember, IsApprovedStore]
    serializer_class = CaseSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.cases_for_merchant(self.request.user.merchant, state="all")

    @extend_schema(
        responses=CaseSerializer(many=True), examples=[CASE_EXAMPLE], operation_id="seller_cases_list"
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SellerCaseDetailView(_SellerCase):
    @extend_schema(
        responses={200: CaseDetailSerializer, 404: NOT_FOUND},
        examples=[DETAIL_EXAMPLE],
        operation_id="seller_cases_retrieve",
    )
    def get(self, request, number):
        """One of the store's requests, with everything both sides added."""
        return _detail_response(self.case(number))


class SellerAcceptView(_SellerCase):
    @extend_schema(
        request=None,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        operation_id="seller_cases_accept",
    )
    def post(self, request, number):
        """Accept the request: a refund only is paid; a return waits for the goods."""
        case = self.case(number)
        services.case_accept(case=case, actor=request.user)
        return _detail_response(self.reread(case))


class SellerOfferView(_SellerCase):
    @extend_schema(
        request=CaseOfferSerializer,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "Offer 40 CNY",
                value={"amount": "40.00", "note": "A partial refund for the scratch."},
                request_only=True,
            )
        ],
        operation_id="seller_cases_offer",
    )
    def post(self, request, number):
        """Offer a partial refund (less than asked); the buyer accepts or escalates."""
        case = self.case(number)
        data = CaseOfferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_offer(case=case, actor=request.user, **data.validated_data)
        return _detail_response(self.reread(case))


class SellerRefuseView(_SellerCase):
    @extend_schema(
        request=CaseRefuseSerializer,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "Refuse", value={"reason": "The seal is broken: the item was used."}, request_only=True
            )
        ],
        operation_id="seller_cases_refuse",
    )
    def post(self, request, number):
        """Refuse with a reason the buyer (and an arbitrator) reads."""
        case = self.case(number)
        data = CaseRefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_refuse(case=case, actor=request.user, reason=data.validated_data["reason"])
        return _detail_response(self.reread(case))


class SellerReturnReceivedView(_SellerCase):
    @extend_schema(
        request=None,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        operation_id="seller_cases_return_received",
    )
    def post(self, request, number):
        """Confirm the returned goods arrived: the refund is paid."""
        case = self.case(number)
        services.case_return_received(case=case, actor=request.user)
        return _detail_response(self.reread(case))


class SellerEscalateView(_SellerCase):
    @extend_schema(
        request=CaseNoteSerializer,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        examples=[ESCALATE_EXAMPLE],
        operation_id="seller_cases_escalate",
    )
    def post(self, request, number):
        """Ask the platform to arbitrate (a refused request or an offer the buyer left unanswered)."""
        case = self.case(number)
        data = CaseNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_escalate(case=case, actor=request.user, note=data.validated_data["note"])
        return _detail_response(self.reread(case))


class SellerEvidenceView(_EvidenceView, _SellerCase):
    @extend_schema(**EVIDENCE_SCHEMA, operation_id="seller_cases_evidence_add")
    def post(self, request, number):
        """Add a photo (multipart `file`) and/or a statement; also how to answer an arbitrator."""
        return super().post(request, number)


# --- Arbitration -------------------------------------------------------------------------------------


class ArbitrationQueueView(ListAPIView):
    """Cases waiting for an arbitrator, escalated longest ago first, with the hours waited."""

    permission_classes = [IsArbitrator]
    serializer_class = CaseArbitrationQueueSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.arbitration_queue()

    @extend_schema(operation_id="arbitration_queue")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ArbitrationDetailView(_ArbitrationCase):
    @extend_schema(
        responses={200: CaseDetailSerializer, 404: NOT_FOUND},
        examples=[DETAIL_EXAMPLE],
        operation_id="arbitration_retrieve",
    )
    def get(self, request, number):
        """Any case, with both sides' evidence and the requests for more."""
        return _detail_response(self.case(number))


class ArbitrationInfoRequestView(_ArbitrationCase):
    @extend_schema(
        request=CaseInfoRequestInputSerializer,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "Ask the store",
                value={
                    "party": "merchant",
                    "message": "Send the photos of the parcel before dispatch.",
                    "due_at": "2026-12-06T18:00:00+08:00",
                },
                request_only=True,
            )
        ],
        operation_id="arbitration_info_request",
    )
    def post(self, request, number):
        """Ask the buyer or the store for more, with a deadline (default: a few days)."""
        case = self.case(number)
        data = CaseInfoRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.arbitration_info_request(case=case, actor=request.user, **data.validated_data)
        return _detail_response(self.reread(case))


class ArbitrationEvidenceView(_EvidenceView, _ArbitrationCase):
    @extend_schema(**EVIDENCE_SCHEMA, operation_id="arbitration_evidence_add")
    def post(self, request, number):
        """Add the platform's own findings (a photo and/or a statement) to an open case; both sides
        read them under the platform's evidence."""
        return super().post(request, number)


class ArbitrationDecideView(_ArbitrationCase):
    @extend_schema(
        request=CaseDecideSerializer,
        responses={200: CaseDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "Partial refund",
                value={
                    "outcome": "partial",
                    "amount": "60.00",
                    "reason": "Damage shown on one of two items.",
                },
                request_only=True,
            )
        ],
        operation_id="arbitration_decide",
    )
    def post(self, request, number):
        """Decide a case in arbitration: full refund, partial refund (`amount`) or reject, with a
        reason both sides read."""
        case = self.case(number)
        data = CaseDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = dict(data.validated_data)
        if decision["outcome"] != AfterSalesCase.Outcome.PARTIAL:
            decision["amount"] = None
        services.arbitration_decide(case=case, actor=request.user, **decision)
        return _detail_response(self.reread(case))
