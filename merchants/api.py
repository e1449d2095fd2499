"""The seller API: a merchant's own products under /api/v1/seller/products/. Thin: the catalog
services do every write; domain errors answer 400 `{code, detail}` (another store's product: 404)."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace import services as catalog
from marketplace.models import Product, ProductVariant

from . import selectors
from .permissions import IsMerchantMember
from .serializers import SellerProductSerializer, SellerVariantSerializer


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
    permission_classes = [IsMerchantMember]
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
