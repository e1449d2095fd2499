"""The credit figures in the API: one store's (public, like its credit page) and every store's for
staff (sortable, paginated). Read-only; the figures come from `merchants.credit`."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from .credit import MIN_RATINGS, SORTS, credit_for_store, parse_sort, stores_by_credit
from .models import Merchant
from .permissions import IsPlatformStaff

PERCENT = {"max_digits": 6, "decimal_places": 2, "allow_null": True}


class ScoreSerializer(serializers.Serializer):
    average = serializers.DecimalField(
        max_digits=3, decimal_places=2, allow_null=True, help_text="1 to 5; null below the minimum."
    )
    category_average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    difference_percent = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text="(store - category) / category x 100."
    )


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CreditSerializer(serializers.Serializer):
    """One store's credit figures (docs/rules.md, "The credit page")."""

    store = serializers.CharField(source="merchant.slug")
    name = serializers.CharField(source="merchant.name")
    status = serializers.CharField(source="merchant.status")
    country = serializers.CharField(source="merchant.country.code")
    main_category = CategoryRefSerializer(allow_null=True, help_text="null: the store publishes nothing.")
    ratings_count = serializers.IntegerField(help_text="Store ratings in the ratings window.")
    enough_ratings = serializers.BooleanField(help_text=f"At least {MIN_RATINGS} ratings: the scores show.")
    description = ScoreSerializer(source="score.description")
    service = ScoreSerializer(source="score.service")
    logistics = ScoreSerializer(source="score.logistics")
    on_time_shipping_rate = serializers.DecimalField(
        source="shipping.on_time_rate", **PERCENT, help_text="Percent; null when no order was due."
    )
    orders_due = serializers.IntegerField(source="shipping.due")
    orders_shipped_on_time = serializers.IntegerField(source="shipping.on_time")
    average_hours_to_ship = serializers.DecimalField(
        source="shipping.average_hours_to_ship", max_digits=8, decimal_places=1, allow_null=True
    )
    dispute_rate = serializers.DecimalField(
        **PERCENT, help_text="Cases decided against the store per 100 paid orders; null without orders."
    )
    cases_decided_against = serializers.IntegerField(source="cases_against")
    paid_orders = serializers.IntegerField()
    median_response_seconds = serializers.IntegerField(
        allow_null=True, help_text="Median first reply, business hours; null below the minimum."
    )
    timed_replies = serializers.IntegerField(source="responses")
    penalty_level = serializers.CharField(source="penalty.level")
    penalty_points = serializers.IntegerField(source="penalty.points", help_text="This calendar year.")
    on_platform_since = serializers.DateTimeField(allow_null=True)
    days_on_platform = serializers.IntegerField(allow_null=True)


EXAMPLE = {
    "store": "kao-japan",
    "name": "Kao Japan Official",
    "status": "approved",
    "country": "JP",
    "main_category": {"slug": "beauty", "name": "Beauty"},
    "ratings_count": 12,
    "enough_ratings": True,
    "description": {"average": "4.75", "category_average": "4.50", "difference_percent": "5.6"},
    "service": {"average": "4.50", "category_average": "4.60", "difference_percent": "-2.2"},
    "logistics": {"average": "4.25", "category_average": "4.25", "difference_percent": "0.0"},
    "on_time_shipping_rate": "95.00",
    "orders_due": 40,
    "orders_shipped_on_time": 38,
    "average_hours_to_ship": "30.5",
    "dispute_rate": "2.50",
    "cases_decided_against": 1,
    "paid_orders": 40,
    "median_response_seconds": 540,
    "timed_replies": 17,
    "penalty_level": "good",
    "penalty_points": 0,
    "on_platform_since": "2025-03-01T08:00:00Z",
    "days_on_platform": 642,
}


class StoreCreditView(GenericAPIView):
    """A store's credit figures, as its public credit page shows them."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CreditSerializer
    queryset = Merchant.objects.none()  # the schema's model; the view reads `merchants.credit`

    @extend_schema(
        summary="A store's credit figures",
        responses={
            200: CreditSerializer,
            404: OpenApiResponse(description="No such store (or never approved)."),
        },
        examples=[OpenApiExample("A store", value=EXAMPLE, response_only=True)],
    )
    def get(self, request, slug):
        merchant = get_object_or_404(Merchant.objects.exclude(status=Merchant.Status.PENDING), slug=slug)
        data = self.get_serializer(credit_for_store(merchant)).data
        return Response(data)


class StaffStoreCreditListView(GenericAPIView):
    """Every store (approved once: approved, suspended or blacklisted) with its credit figures."""

    permission_classes = [permissions.IsAuthenticated, IsPlatformStaff]
    serializer_class = CreditSerializer
    queryset = Merchant.objects.none()

    @extend_schema(
        summary="Every store by its credit figures (staff)",
        parameters=[
            OpenApiParameter(
                "ordering",
                str,
                enum=[*SORTS, *(f"-{key}" for key in SORTS)],
                description="The figure to sort by, `-` first for descending; stores without the figure "
                "come last either way. Default: `store`.",
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="At most 100."),
        ],
        responses={200: CreditSerializer(many=True)},
        examples=[
            OpenApiExample(
                "A page",
                value={"count": 1, "next": None, "previous": None, "results": [EXAMPLE]},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        sort, descending = parse_sort(request.query_params.get("ordering", ""))
        page = self.paginate_queryset(stores_by_credit(sort=sort, descending=descending))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
