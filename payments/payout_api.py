"""Payouts through the API: the merchant's payouts and requests (/api/v1/seller/payouts/), finance
staff's bank payout batches (/api/v1/staff/payout-batches/), a bank payout failed, and a staff refund
of an order before or after release (/api/v1/staff/refunds/). Thin: each calls a service; domain
refusals come back as `{code, detail}` with their status."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from merchants.permissions import IsApprovedStore, IsMerchantMember

from . import services
from .models import Payout, PayoutBatch, Refund
from .permissions import IsFinanceStaff

# ------------------------------------------------------------------------------------- serializers


class PayoutSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", default=None, read_only=True)
    batch_reference = serializers.CharField(source="batch.reference", default=None, read_only=True)

    class Meta:
        model = Payout
        fields = [
            "id",
            "reference",
            "amount",
            "amount_currency",
            "method",
            "kind",
            "status",
            "order_number",
            "batch_reference",
            "gateway_reference",
            "failure_reason",
            "created_at",
            "paid_at",
        ]
        read_only_fields = fields


class PayoutRequestInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class PayoutBatchSerializer(serializers.ModelSerializer):
    payouts = PayoutSerializer(many=True, read_only=True)

    class Meta:
        model = PayoutBatch
        fields = ["id", "reference", "created_at", "exported_at", "paid_at", "bank_reference", "payouts"]
        read_only_fields = fields


class BatchCreateInputSerializer(serializers.Serializer):
    payout_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="The requested bank payouts to batch; all of them when left out.",
    )


class BankReferenceInputSerializer(serializers.Serializer):
    bank_reference = serializers.CharField(max_length=80)


class FailInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class StaffRefundInputSerializer(serializers.Serializer):
    order_number = serializers.CharField(max_length=24)
    idempotency_key = serializers.CharField(max_length=64)


class RefundSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)

    class Meta:
        model = Refund
        fields = ["id", "order_number", "reason", "amount", "amount_currency", "status", "created_at"]
        read_only_fields = fields


# ------------------------------------------------------------------------------------------ seller


class SellerPayoutsView(ListAPIView):
    """The store's payouts (newest first); POST requests one (at least the minimum, at most the
    available balance, in the store's settlement currency)."""

    permission_classes = [IsMerchantMember, IsApprovedStore]
    serializer_class = PayoutSerializer
    queryset = Payout.objects.none()

    def get_queryset(self):
        return services.merchant_payouts(self.request.user.merchant)

    @extend_schema(
        request=PayoutRequestInputSerializer,
        responses={
            201: PayoutSerializer,
            400: OpenApiResponse(description="Below the minimum or a bad amount: `{code, detail}`."),
            409: OpenApiResponse(description="More than the available balance, or no account to pay to."),
        },
    )
    def post(self, request):
        data = PayoutRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payout = services.payout_request(
            merchant=request.user.merchant, actor=request.user, amount=data.validated_data["amount"]
        )
        return Response(PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)


# ------------------------------------------------------------------------------------------- staff


class PayoutBatchesView(ListAPIView):
    """Bank payout batches (newest first); POST gathers the requested bank payouts into a new batch."""

    permission_classes = [IsFinanceStaff]
    serializer_class = PayoutBatchSerializer
    queryset = PayoutBatch.objects.none()

    def get_queryset(self):
        return PayoutBatch.objects.prefetch_related("payouts__order", "payouts__batch").order_by(
            "-created_at", "-id"
        )

    @extend_schema(
        request=BatchCreateInputSerializer,
        responses={201: PayoutBatchSerializer, 409: OpenApiResponse(description="Nothing to batch.")},
    )
    def post(self, request):
        data = BatchCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.payout_batch_create(
            actor=request.user, payout_ids=data.validated_data.get("payout_ids")
        )
        return Response(PayoutBatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class PayoutBatchPaidView(GenericAPIView):
    """The bank paid the batch: every payout in it still processing becomes paid."""

    permission_classes = [IsFinanceStaff]
    serializer_class = PayoutBatchSerializer
    queryset = PayoutBatch.objects.all()

    @extend_schema(
        request=BankReferenceInputSerializer,
        responses={200: PayoutBatchSerializer, 409: OpenApiResponse(description="Already paid.")},
    )
    def post(self, request, pk):
        batch = get_object_or_404(PayoutBatch, pk=pk)
        data = BankReferenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.payout_batch_mark_paid(
            batch=batch, actor=request.user, bank_reference=data.validated_data["bank_reference"]
        )
        return Response(PayoutBatchSerializer(batch).data)


class PayoutBatchExportView(GenericAPIView):
    """The batch as the bank's CSV: merchant, account holder, bank, IBAN, amount, currency, reference."""

    permission_classes = [IsFinanceStaff]
    queryset = PayoutBatch.objects.all()

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, pk):
        batch = get_object_or_404(PayoutBatch, pk=pk)
        response = HttpResponse(
            services.payout_batch_csv(batch=batch, actor=request.user), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
        return response


class PayoutFailView(GenericAPIView):
    """A bank payout the bank could not pay: its money goes back to the store's balance."""

    permission_classes = [IsFinanceStaff]
    serializer_class = PayoutSerializer
    queryset = Payout.objects.all()

    @extend_schema(request=FailInputSerializer, responses={200: PayoutSerializer})
    def post(self, request, pk):
        payout = get_object_or_404(Payout, pk=pk)
        data = FailInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payout = services.payout_mark_failed(
            payout=payout, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(PayoutSerializer(payout).data)


class StaffRefundView(GenericAPIView):
    """Refund an order in full through the gateway: from escrow before release, from the store's
    balance then deposit after release. Idempotent by `idempotency_key`."""

    permission_classes = [IsFinanceStaff]
    serializer_class = RefundSerializer
    queryset = Refund.objects.none()

    @extend_schema(
        request=StaffRefundInputSerializer,
        responses={
            200: RefundSerializer,
            404: OpenApiResponse(description="No such order."),
            409: OpenApiResponse(description="Not refundable now: `{code, detail}`."),
            502: OpenApiResponse(description="The gateway refused the refund."),
        },
    )
    def post(self, request):
        from orders.models import Order

        data = StaffRefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = get_object_or_404(Order, number=data.validated_data["order_number"])
        refund = services.order_refund_by_staff(
            order=order, actor=request.user, idempotency_key=data.validated_data["idempotency_key"]
        )
        return Response(RefundSerializer(refund).data)


urlpatterns = [
    path("api/v1/seller/payouts/", SellerPayoutsView.as_view(), name="api-seller-payouts"),
    path("api/v1/staff/payout-batches/", PayoutBatchesView.as_view(), name="api-staff-payout-batches"),
    path(
        "api/v1/staff/payout-batches/<id:pk>/mark-paid/",
        PayoutBatchPaidView.as_view(),
        name="api-staff-payout-batch-paid",
    ),
    path(
        "api/v1/staff/payout-batches/<id:pk>/export/",
        PayoutBatchExportView.as_view(),
        name="api-staff-payout-batch-export",
    ),
    path("api/v1/staff/payouts/<id:pk>/fail/", PayoutFailView.as_view(), name="api-staff-payout-fail"),
    path("api/v1/staff/refunds/", StaffRefundView.as_view(), name="api-staff-refunds"),
]
