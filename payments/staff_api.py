"""The finance API of platform finance staff: the finance page's figures and the reconciliation runs
(list with their differences; POST runs one). Reads come from `payments.finance`, the run from the
service; these views only translate."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import finance
from .finance import CNY_FIGURES, MERCHANT_FIGURES, day_bounds, finance_period
from .models import LedgerAccount, ReconciliationDifference, ReconciliationRun
from .permissions import IsFinanceStaff
from .services import reconciliation

MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}


def _money_fields(names):
    return {name: serializers.DecimalField(**MONEY) for name in names}


CnyFiguresSerializer = type(
    "FinanceCnyFiguresSerializer",
    (serializers.Serializer,),
    {
        **_money_fields(CNY_FIGURES),
        "__doc__": "CNY figures: escrow held at the end, released, refunded before and after release, "
        "commission earned, compensation paid.",
    },
)
MerchantCurrencyFiguresSerializer = type(
    "FinanceMerchantCurrencyFiguresSerializer",
    (serializers.Serializer,),
    {**_money_fields(MERCHANT_FIGURES), "__doc__": "A merchant's figures in its own currency."},
)


class FinanceDaySerializer(CnyFiguresSerializer):
    day = serializers.DateField(read_only=True)


class FinanceTotalsSerializer(CnyFiguresSerializer):
    refunded = serializers.DecimalField(**MONEY, help_text="Refunded before and after release.")


class FinanceMerchantSerializer(serializers.Serializer):
    merchant = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    currency = serializers.CharField(read_only=True)
    cny = CnyFiguresSerializer(read_only=True)
    own = MerchantCurrencyFiguresSerializer(read_only=True, help_text="In the merchant's currency.")


class FinanceMerchantTotalsSerializer(MerchantCurrencyFiguresSerializer):
    currency = serializers.CharField(read_only=True)


PositionSerializer = type(
    "FinancePositionSerializer",
    (serializers.Serializer,),
    {
        "currency": serializers.CharField(read_only=True),
        **_money_fields(LedgerAccount.values),
        "__doc__": "Each account's balance in one currency at the end (liabilities as positive); `fx` is "
        "the platform's own position in the currency.",
    },
)


class FinanceSummarySerializer(serializers.Serializer):
    since = serializers.DateField(read_only=True)
    until = serializers.DateField(read_only=True)
    totals = FinanceTotalsSerializer(read_only=True)
    days = FinanceDaySerializer(many=True, read_only=True)
    merchants = FinanceMerchantSerializer(many=True, read_only=True)
    merchant_totals = FinanceMerchantTotalsSerializer(many=True, read_only=True)
    positions = PositionSerializer(many=True, read_only=True)


class PeriodSerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="First day (Beijing time), YYYY-MM-DD.")
    until = serializers.DateField(required=False, help_text="Last day, included. Default: the last 30 days.")


class RunRequestSerializer(serializers.Serializer):
    since = serializers.DateField(help_text="First day to reconcile (Beijing time), YYYY-MM-DD.")
    until = serializers.DateField(help_text="Last day to reconcile, included (at most 31 days).")


class DifferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReconciliationDifference
        fields = [
            "kind",
            "movement",
            "reference",
            "our_reference",
            "our_amount",
            "our_currency",
            "our_status",
            "gateway_amount",
            "gateway_currency",
            "gateway_status",
            "occurred_at",
        ]
        read_only_fields = fields


class ReconciliationRunSerializer(serializers.ModelSerializer):
    differences = DifferenceSerializer(many=True, read_only=True)
    ours_totals = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        read_only=True,
        help_text="Per movement kind, per currency: the ledger's total.",
    )
    gateway_totals = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        read_only=True,
        help_text="Per movement kind, per currency: the gateway's total.",
    )

    class Meta:
        model = ReconciliationRun
        fields = [
            "id",
            "since",
            "until",
            "trigger",
            "status",
            "started_at",
            "finished_at",
            "ours_count",
            "gateway_count",
            "matched_count",
            "difference_count",
            "ours_totals",
            "gateway_totals",
            "error",
            "differences",
        ]
        read_only_fields = fields


class FinanceSummaryView(APIView):
    permission_classes = [IsAuthenticated, IsFinanceStaff]

    @extend_schema(
        summary="The platform's money held and moved in a period, per day and per merchant",
        parameters=[PeriodSerializer],
        responses={
            200: FinanceSummarySerializer,
            400: OpenApiResponse(description="Bad dates, or a period longer than a year: `{code, detail}`."),
        },
    )
    def get(self, request):
        period = PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        since, until = finance_period(period.validated_data.get("since"), period.validated_data.get("until"))
        summary = finance.finance_summary(since=since, until=until)
        summary["merchant_totals"] = [
            {"currency": currency, **figures} for currency, figures in summary["merchant_totals"].items()
        ]
        return Response(FinanceSummarySerializer(summary).data)


class ReconciliationView(APIView):
    permission_classes = [IsAuthenticated, IsFinanceStaff]

    @extend_schema(
        summary="The latest reconciliation runs (50), each with its differences",
        responses={200: ReconciliationRunSerializer(many=True)},
    )
    def get(self, request):
        runs = ReconciliationRun.objects.prefetch_related("differences").order_by("-started_at", "-id")[:50]
        return Response(ReconciliationRunSerializer(runs, many=True).data)

    @extend_schema(
        summary="Reconcile the ledger with the payment gateway for a range of days, now",
        request=RunRequestSerializer,
        responses={
            201: ReconciliationRunSerializer,
            400: OpenApiResponse(description="Bad dates, or more than 31 days: `{code, detail}`."),
        },
    )
    def post(self, request):
        data = RunRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        since, until = day_bounds(data.validated_data["since"], data.validated_data["until"])
        run = reconciliation.reconciliation_run(since=since, until=until, actor=request.user)
        run = ReconciliationRun.objects.prefetch_related("differences").get(pk=run.pk)
        return Response(ReconciliationRunSerializer(run).data, status=status.HTTP_201_CREATED)
