"""Read-only catalog API under /api/v1/. Answers come from the same selectors and filter set as the
storefront pages."""

from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from rest_framework import mixins, viewsets
from rest_framework.routers import DefaultRouter

from logistics import api as logistics_api
from logistics import template_api
from merchants import api as merchant_api
from orders import api as orders_api
from orders.conversations import api as conversations_api
from payments import api as payments_api

from . import selectors
from .filters import ProductFilter
from .models import Category, ProductVariant
from .notifications.api import NotificationViewSet
from .page_cache import anonymous_page_cache
from .serializers import BrandSerializer, CategorySerializer, ProductDetailSerializer, ProductListSerializer


@method_decorator(anonymous_page_cache(vary_on_accept=True), name="dispatch")
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The category tree, flat: each category names its parent."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"
    pagination_class = None


@method_decorator(anonymous_page_cache(vary_on_accept=True), name="dispatch")
class BrandViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved brands; filter by `country` (ISO code)."""

    serializer_class = BrandSerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"
    filterset_fields = ["country"]

    def get_queryset(self):
        return selectors.brands_approved().order_by("name")


@method_decorator(anonymous_page_cache(product_kwarg="pk", vary_on_accept=True), name="dispatch")
class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visible products. Filters: `q`, `category`, `brand`, `country`, `merchant`, `price_min`,
    `price_max` (CNY), `shipping_mode`; `sort`: relevance, price_asc, price_desc, newest, sales, rating."""

    filterset_class = ProductFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return (
                selectors.products_visible()
                .select_related("brand", "merchant", "category", "tax_category")
                .prefetch_related(
                    "images", Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True))
                )
            )
        return selectors.products_visible()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return selectors.product_cards(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return ProductDetailSerializer if self.action == "retrieve" else ProductListSerializer


class Router(DefaultRouter):
    """Routes on Django path converters: a viewset looked up by primary key matches only valid ids
    (`<id:pk>`, see converters.py), so `/review/merchants/abc/` is a 404 before any query; other lookups
    name their converter in `lookup_value_converter` (default `str`). No `.json` suffix routes: the
    API speaks JSON only."""

    include_format_suffixes = False

    def __init__(self):
        super().__init__(use_regex_path=False)

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        converter = getattr(viewset, "lookup_value_converter", None)
        converter = converter or ("id" if lookup_field in ("pk", "id") else "str")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        return f"<{converter}:{lookup_prefix}{lookup_url_kwarg}>"


router = Router()
router.register("categories", CategoryViewSet, basename="category")
router.register("brands", BrandViewSet, basename="brand")
router.register("products", ProductViewSet, basename="product")

merchant_api.register(router)
conversations_api.register(router)  # shoppers and stores (orders/conversations)
logistics_api.register(router)
template_api.register(router)  # the merchant's shipping templates (logistics)
# The shopper's journey (orders and payments apps).
router.register("addresses", orders_api.AddressViewSet, basename="address")
router.register("identities", orders_api.IdentityViewSet, basename="identity")
router.register("orders", orders_api.OrderViewSet, basename="order")
router.register("payments", payments_api.PaymentViewSet, basename="payment")
router.register("notifications", NotificationViewSet, basename="notification")  # the notification centre
