"""The merchant's finance through the API: balance, escrow and deposit; the statement (filters,
pagination, CSV and XLSX); the deposit's status and starting its payment. The store's own staff only
(a store still applying: 403); figures from `merchant_selectors`, the write through `services`."""

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from merchants.permissions import IsApprovedStore, IsMerchantMember

from . import merchant_selectors, services
from .filters import StatementFilter
from .models import LedgerTransaction
from .statement_export import FORMATS, statement_file

AMOUNT = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class DepositSerializer(serializers.Serializer):
    currency = serializers.CharField(read_only=True)
    required = serializers.DecimalField(**AMOUNT, help_text="In the store's currency.")
    required_cny = serializers.DecimalField(**AMOUNT)
    special = serializers.BooleanField(read_only=True, help_text="The higher amount of special categories.")
    held = serializers.DecimalField(**AMOUNT)
    shortfall = serializers.DecimalField(**AMOUNT)
    is_paid = serializers.BooleanField(read_only=True)
    awaiting = serializers.BooleanField(read_only=True, help_text="The store opens once the deposit is paid.")
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)
    shortfall_since = serializers.DateTimeField(read_only=True, allow_null=True)
    reminded_at = serializers.DateTimeField(read_only=True, allow_null=True)
    suspend_on = serializers.DateTimeField(read_only=True, allow_null=True)
    days_left = serializers.IntegerField(read_only=True, allow_null=True)


class FinanceSerializer(serializers.Serializer):
    currency = serializers.CharField(read_only=True)
    balance = serializers.DecimalField(**AMOUNT, help_text="Available balance, in the store's currency.")
    escrow_cny = serializers.DecimalField(**AMOUNT, help_text="Still held in escrow for the store's orders.")
    escrow_approx = serializers.DecimalField(
        **AMOUNT,
        allow_null=True,
        help_text="The escrow in the store's currency at today's rate (approximate).",
    )
    deposit = DepositSerializer(read_only=True)


class StatementRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(read_only=True)
    order_number = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    gross = serializers.DecimalField(
        **AMOUNT, allow_null=True, help_text="CNY held for the order (a release)."
    )
    commission = serializers.DecimalField(
        **AMOUNT, allow_null=True, help_text="The platform's commission, CNY."
    )
    amount = serializers.DecimalField(**AMOUNT, help_text="Change of the available balance (+ to the store).")
    deposit = serializers.DecimalField(**AMOUNT, help_text="Change of the security deposit.")
    currency = serializers.CharField(read_only=True)


class DepositPaymentSerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(source="amount.amount", **AMOUNT)
    currency = serializers.CharField(source="amount.currency.code", read_only=True)
    pay_url = serializers.SerializerMethodField()

    def get_pay_url(self, payment) -> str:
        return self.context["request"].build_absolute_uri(reverse("payments:pay", args=[payment.reference]))


class StatementPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class _SellerFinance:
    permission_classes = [IsMerchantMember, IsApprovedStore]


class SellerFinanceView(_SellerFinance, APIView):
    @extend_schema(responses=FinanceSerializer)
    def get(self, request):
        """The store's available balance, what escrow holds for its orders, and its deposit."""
        return Response(FinanceSerializer(merchant_selectors.finance_overview(request.user.merchant)).data)


class SellerStatementView(_SellerFinance, ListAPIView):
    """Every movement of the store's money, newest first (`date_from`, `date_to`, `kind`)."""

    serializer_class = StatementRowSerializer
    pagination_class = StatementPagination
    queryset = LedgerTransaction.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        merchant = self.request.user.merchant
        filters = StatementFilter(self.request.query_params, queryset=merchant_selectors.statement(merchant))
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        return filters.qs

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        currency = request.user.merchant.settlement_currency
        rows = [merchant_selectors.statement_row(txn, currency) for txn in page]
        return self.get_paginated_response(StatementRowSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="From this day (China time)."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Up to this day, included."),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=[k.value for k in merchant_selectors.STATEMENT_KINDS]
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SellerStatementExportView(_SellerFinance, APIView):
    """The statement rows the filters choose, as a file (amounts as Decimal strings)."""

    fmt = "csv"

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=[k.value for k in merchant_selectors.STATEMENT_KINDS]
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV (`/csv/`)."),
            (200, FORMATS["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY, description="The XLSX (`/xlsx/`)."),
            400: OpenApiResponse(description="A filter is not valid."),
        },
    )
    def get(self, request):
        merchant = request.user.merchant
        filters = StatementFilter(request.query_params, queryset=merchant_selectors.statement(merchant))
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        currency = merchant.settlement_currency
        rows = (
            merchant_selectors.statement_row(txn, currency) for txn in filters.qs.iterator(chunk_size=500)
        )
        response = HttpResponse(statement_file(rows, self.fmt), content_type=FORMATS[self.fmt])
        response["Content-Disposition"] = f'attachment; filename="statement-{merchant.slug}.{self.fmt}"'
        return response


class SellerDepositView(_SellerFinance, APIView):
    @extend_schema(responses=DepositSerializer)
    def get(self, request):
        """Where the store's security deposit stands."""
        return Response(DepositSerializer(merchant_selectors.deposit_status(request.user.merchant)).data)

    @extend_schema(
        request=None,
        responses={
            201: DepositPaymentSerializer,
            409: OpenApiResponse(description="Nothing is due, or the store cannot pay (`{code, detail}`)."),
        },
    )
    def post(self, request):
        """Start the payment of what is due on the deposit (all of it, or a top-up); pay it at `pay_url`
        (or `POST /api/v1/payments/{reference}/confirm/`). Asking again returns the same payment."""
        payment = services.deposit_payment_start(merchant=request.user.merchant, actor=request.user)
        return Response(
            DepositPaymentSerializer(payment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
