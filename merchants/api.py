"""API for the merchant's own application (and its brands and documents) under /api/v1/seller/,
and for staff review actions under /api/v1/review/. Each endpoint calls the same services as the
pages; domain errors answer 4xx with `{code, detail}`."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace import services as catalog
from marketplace.models import Brand, Product, ProductVariant
from marketplace.parsers import JSONParser

from . import selectors, services
from .models import BrandAuthorization, Merchant, MerchantApplication, QualificationDocument
from .permissions import IsApprovedStore, IsMerchantMember, IsPlatformStaff
from .serializers import (
    ApplicationSerializer,
    BlacklistInputSerializer,
    BrandAuthorizationSerializer,
    DocumentSerializer,
    MerchantStatusSerializer,
    ReasonsSerializer,
    ReviewApplicationSerializer,
    SellerProductSerializer,
    SellerVariantSerializer,
    ViolationInputSerializer,
)

NO_APPLICATION = OpenApiResponse(description="The account has no application yet.")


def _reasons(request) -> str:
    """The optional `reasons` text of a review action's body (validated, "" when absent)."""
    serializer = ReasonsSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["reasons"]


class SellerApplicationView(APIView):
    """The signed-in merchant's current application."""

    permission_classes = [permissions.IsAuthenticated, IsMerchantMember]

    def _application(self, request):
        application = selectors.application_current(request.user.merchant)
        if application is None:
            raise NotFound()
        return application

    @extend_schema(responses={200: ApplicationSerializer, 404: NO_APPLICATION})
    def get(self, request):
        return Response(ApplicationSerializer(self._application(request)).data)

    @extend_schema(request=ApplicationSerializer, responses={200: ApplicationSerializer, 404: NO_APPLICATION})
    def patch(self, request):
        application = self._application(request)
        serializer = ApplicationSerializer(application, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.merchant_application_update(
            application=application, actor=request.user, **serializer.validated_data
        )
        application.refresh_from_db()
        return Response(ApplicationSerializer(application).data)


class SellerApplicationStartView(APIView):
    """Start applying with the signed-in account (it becomes the store owner's)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: ApplicationSerializer})
    def post(self, request):
        application = services.merchant_application_start(user=request.user)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class SellerApplicationSubmitView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsMerchantMember]

    @extend_schema(
        request=None,
        responses={
            200: ApplicationSerializer,
            404: NO_APPLICATION,
            409: OpenApiResponse(description="The application is not a draft or waiting for more."),
        },
    )
    def post(self, request):
        application = selectors.application_current(request.user.merchant)
        if application is None:
            raise NotFound()
        services.merchant_application_submit(application=application, actor=request.user)
        application.refresh_from_db()
        return Response(ApplicationSerializer(application).data)


class SellerBrandAuthorizationViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The merchant's brands: ask for one (an existing brand, or a new one by name and country),
    list them, or withdraw one still waiting for review."""

    serializer_class = BrandAuthorizationSerializer
    permission_classes = [permissions.IsAuthenticated, IsMerchantMember]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BrandAuthorization.objects.none()
        return BrandAuthorization.objects.filter(merchant=self.request.user.merchant).select_related("brand")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.brand_authorization_add(
            merchant=self.request.user.merchant,
            actor=self.request.user,
            kind=data["kind"],
            brand=data.get("brand"),
            new_brand_name=data.get("new_brand_name", ""),
            new_brand_country=data.get("new_brand_country", ""),
            authorized_by=data.get("authorized_by", ""),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )

    def perform_destroy(self, instance):
        services.brand_authorization_remove(authorization=instance, actor=self.request.user)


class SellerDocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Qualification documents (multipart upload: `kind`, `file`, optional `brand_authorization`).
    The file itself downloads from `download_url`, for the merchant's staff and platform staff only."""

    serializer_class = DocumentSerializer
    permission_classes = [permissions.IsAuthenticated, IsMerchantMember]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return QualificationDocument.objects.none()
        return QualificationDocument.objects.filter(merchant=self.request.user.merchant)

    def perform_create(self, serializer):
        data = serializer.validated_data
        authorization = data.get("brand_authorization")
        if authorization is not None and authorization.merchant_id != self.request.user.merchant.pk:
            raise NotFound()
        serializer.instance = services.qualification_document_upload(
            merchant=self.request.user.merchant,
            actor=self.request.user,
            kind=data["kind"],
            uploaded_file=data["file"],
            brand_authorization=authorization,
        )


class ReviewApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications for platform staff: `?state=submitted` is the queue, oldest first."""

    serializer_class = ReviewApplicationSerializer
    permission_classes = [permissions.IsAuthenticated, IsPlatformStaff]
    filterset_fields = ["state"]

    def get_queryset(self):
        return (
            MerchantApplication.objects.select_related("merchant")
            .prefetch_related("decisions__reviewer", "brand_authorizations__brand")
            .order_by("submitted_at", "pk")
        )

    def _decide(self, request, service, **kwargs):
        application = self.get_object()
        reasons = _reasons(request)
        service(
            application=application,
            reviewer=request.user,
            **{kwargs["field"]: reasons},
        )
        application.refresh_from_db()
        return Response(self.get_serializer(application).data)

    @extend_schema(request=ReasonsSerializer, responses=ReviewApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.merchant_application_approve, field="note")

    @extend_schema(request=ReasonsSerializer, responses=ReviewApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.merchant_application_reject, field="reasons")

    @extend_schema(request=ReasonsSerializer, responses=ReviewApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request, pk=None):
        return self._decide(request, services.merchant_application_request_info, field="reasons")


class ReviewBrandAuthorizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BrandAuthorizationSerializer
    permission_classes = [permissions.IsAuthenticated, IsPlatformStaff]
    filterset_fields = ["status"]

    def get_queryset(self):
        return BrandAuthorization.objects.select_related("brand").order_by("created_at", "pk")

    @extend_schema(request=ReasonsSerializer, responses=BrandAuthorizationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        reasons = _reasons(request)
        authorization = services.brand_authorization_approve(
            authorization=self.get_object(), reviewer=request.user, note=reasons
        )
        return Response(self.get_serializer(authorization).data)

    @extend_schema(request=ReasonsSerializer, responses=BrandAuthorizationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        reasons = _reasons(request)
        authorization = services.brand_authorization_reject(
            authorization=self.get_object(), reviewer=request.user, reasons=reasons
        )
        return Response(self.get_serializer(authorization).data)


class ReviewBrandViewSet(viewsets.GenericViewSet):
    """Approve or reject a brand (pending brands are listed in the catalog API's admin view)."""

    permission_classes = [permissions.IsAuthenticated, IsPlatformStaff]
    serializer_class = ReasonsSerializer
    queryset = Brand.objects.all()

    @extend_schema(request=ReasonsSerializer, responses={200: None})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        reasons = _reasons(request)
        brand = services.brand_approve(brand=self.get_object(), reviewer=request.user, note=reasons)
        return Response({"id": brand.pk, "status": brand.status})

    @extend_schema(request=ReasonsSerializer, responses={200: None})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        reasons = _reasons(request)
        brand = services.brand_reject(brand=self.get_object(), reviewer=request.user, reasons=reasons)
        return Response({"id": brand.pk, "status": brand.status})


def _merchant_status(merchant):
    penalty = selectors.penalty_status(merchant)
    return MerchantStatusSerializer(
        {
            "id": merchant.pk,
            "slug": merchant.slug,
            "legal_name": merchant.legal_name,
            "status": merchant.status,
            "penalty_points": penalty.points,
            "penalty_level": penalty.level,
        }
    ).data


class ReviewMerchantViewSet(viewsets.GenericViewSet):
    """Hold merchants to the rules: record a violation, suspend, lift, blacklist, lift a blacklisting."""

    permission_classes = [permissions.IsAuthenticated, IsPlatformStaff]
    serializer_class = MerchantStatusSerializer
    queryset = Merchant.objects.exclude(status=Merchant.Status.PENDING)

    def _merchant(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(responses=MerchantStatusSerializer)
    def retrieve(self, request, pk=None):
        return Response(_merchant_status(self._merchant(pk)))

    @extend_schema(request=ViolationInputSerializer, responses=MerchantStatusSerializer)
    @action(detail=True, methods=["post"])
    def violations(self, request, pk=None):
        merchant = self._merchant(pk)
        data = ViolationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.violation_record(merchant=merchant, recorded_by=request.user, **data.validated_data)
        merchant.refresh_from_db()
        return Response(_merchant_status(merchant), status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonsSerializer, responses=MerchantStatusSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        reasons = _reasons(request)
        merchant = services.merchant_suspend(merchant=self._merchant(pk), actor=request.user, reason=reasons)
        return Response(_merchant_status(merchant))

    @extend_schema(request=ReasonsSerializer, responses=MerchantStatusSerializer)
    @action(detail=True, methods=["post"], url_path="lift-suspension")
    def lift_suspension(self, request, pk=None):
        reasons = _reasons(request)
        merchant = services.merchant_suspension_lift(
            merchant=self._merchant(pk), actor=request.user, note=reasons
        )
        return Response(_merchant_status(merchant))

    @extend_schema(request=BlacklistInputSerializer, responses=MerchantStatusSerializer)
    @action(detail=True, methods=["post"])
    def blacklist(self, request, pk=None):
        merchant = self._merchant(pk)
        data = BlacklistInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.merchant_blacklist(merchant=merchant, actor=request.user, **data.validated_data)
        merchant.refresh_from_db()
        return Response(_merchant_status(merchant))

    @extend_schema(request=ReasonsSerializer, responses=MerchantStatusSerializer)
    @action(detail=True, methods=["post"], url_path="lift-blacklist")
    def lift_blacklist(self, request, pk=None):
        reasons = _reasons(request)
        merchant = services.merchant_blacklist_lift(
            merchant=self._merchant(pk), actor=request.user, reason=reasons
        )
        return Response(_merchant_status(merchant))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=[c for c, _label in Product.Status.choices]),
            OpenApiParameter("q", str, description="A word in the name, or part of a SKU."),
        ]
    )
)
class SellerProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in merchant's own products with their variants (in the settlement currency).

    Updating with `variants` saves each listed variant: one with an `id` (or a known SKU) is changed,
    one without is added; variants not listed are left alone."""

    serializer_class = SellerProductSerializer
    permission_classes = [IsMerchantMember, IsApprovedStore]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        params = self.request.query_params
        return selectors.seller_products(
            self.request.user.merchant, status=params.get("status", ""), q=params.get("q", "")
        ).prefetch_related(
            Prefetch("variants", queryset=ProductVariant.objects.order_by("position", "id")), "images"
        )

    def _answer(self, product, status_code=status.HTTP_200_OK):
        product = self.get_queryset().get(pk=product.pk)
        return Response(self.get_serializer(product).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merchant = request.user.merchant
        data = dict(serializer.validated_data)
        variants = [SellerVariantSerializer().to_service(v, merchant) for v in data.pop("variants")]
        product = catalog.product_create(merchant=merchant, variants=variants, **data)
        return self._answer(product, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        product = self.get_object()
        serializer = self.get_serializer(product, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        merchant = request.user.merchant
        data = dict(serializer.validated_data)
        variants = data.pop("variants", None)
        catalog.product_update_with_variants(
            product=product,
            actor_merchant=merchant,
            fields=data,
            variants=[
                (v.get("id"), SellerVariantSerializer().to_service(v, merchant)) for v in variants or []
            ],
        )
        return self._answer(product)

    @extend_schema(request=None, responses=SellerProductSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        product = catalog.product_publish(product=self.get_object(), actor_merchant=request.user.merchant)
        return self._answer(product)

    @extend_schema(request=None, responses=SellerProductSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        product = catalog.product_unpublish(product=self.get_object(), actor_merchant=request.user.merchant)
        return self._answer(product)


def register(router):
    router.register("seller/products", SellerProductViewSet, basename="seller-product")
    router.register(
        "seller/brand-authorizations", SellerBrandAuthorizationViewSet, basename="seller-brand-authorization"
    )
    router.register("seller/documents", SellerDocumentViewSet, basename="seller-document")
    router.register("review/applications", ReviewApplicationViewSet, basename="review-application")
    router.register(
        "review/brand-authorizations", ReviewBrandAuthorizationViewSet, basename="review-brand-authorization"
    )
    router.register("review/brands", ReviewBrandViewSet, basename="review-brand")
    router.register("review/merchants", ReviewMerchantViewSet, basename="review-merchant")
