"""Reads of the platform core: the category tree, exchange rates, product listings and pages.

Every listing helper returns querysets with their relations joined or prefetched, so a page costs a
fixed number of queries whatever its size.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet

from merchants.models import Merchant

from .models import Brand, Category, ExchangeRate, Product, ProductImage, ProductVariant
from .money import tax_for, to_cny

RATES_CACHE_KEY = "catalog:exchange-rates:v1"


def exchange_rates(*, use_cache: bool = True) -> dict[str, Decimal]:
    """{currency: CNY per unit}. Cached; `exchange_rate_set` invalidates on commit."""
    if use_cache:
        rates = cache.get(RATES_CACHE_KEY)
        if rates is not None:
            return rates
    rates = dict(ExchangeRate.objects.values_list("currency", "rate"))
    cache.set(RATES_CACHE_KEY, rates, timeout=3600)
    return rates


def exchange_rates_invalidate() -> None:
    cache.delete(RATES_CACHE_KEY)


@dataclass
class CategoryNode:
    category: Category
    children: list["CategoryNode"]

    @property
    def descendant_ids(self) -> list[int]:
        ids = [self.category.pk]
        for child in self.children:
            ids.extend(child.descendant_ids)
        return ids


CATEGORY_TREE_CACHE_KEY = "catalog:category-tree:v1"


def category_tree() -> list[CategoryNode]:
    """Top-level categories with their sub-categories: one query, then cached until a category
    changes (every page's menu reads it)."""
    roots = cache.get(CATEGORY_TREE_CACHE_KEY)
    if roots is not None:
        return roots
    nodes = {c.pk: CategoryNode(c, []) for c in Category.objects.all()}
    roots = []
    for node in nodes.values():
        parent = node.category.parent_id
        (nodes[parent].children if parent in nodes else roots).append(node)
    cache.set(CATEGORY_TREE_CACHE_KEY, roots, timeout=600)
    return roots


def category_tree_invalidate(**kwargs) -> None:
    # After commit: a request racing the change must not cache the old tree again.
    transaction.on_commit(lambda: cache.delete(CATEGORY_TREE_CACHE_KEY))


def category_with_descendant_ids(slug: str) -> tuple[Category, list[int]] | None:
    def find(nodes):
        for node in nodes:
            if node.category.slug == slug:
                return node
            found = find(node.children)
            if found:
                return found
        return None

    node = find(category_tree())
    return (node.category, node.descendant_ids) if node else None


def products_visible() -> QuerySet[Product]:
    """Products a shopper may see (the rule is `_visible_filter`)."""
    return Product.objects.filter(_visible_filter())


def _visible_filter(prefix: str = "") -> Q:
    """Visible: published, by an open store, under an approved brand, of goods on the cross-border
    positive list, with a price. `prefix` applies the rule through a relation (`"products__"`)."""
    return Q(
        **{
            f"{prefix}status": Product.Status.PUBLISHED,
            f"{prefix}merchant__status": Merchant.Status.APPROVED,
            f"{prefix}brand__status": Brand.Status.APPROVED,
            f"{prefix}tax_category__permitted": True,
            f"{prefix}price_cny__isnull": False,
        }
    )


def product_cards(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """What a product card shows: brand, merchant and the cover image, in two queries in all."""
    return queryset.select_related("brand", "merchant").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.filter(position=0), to_attr="cover_images")
    )


def product_cover(product: Product) -> ProductImage | None:
    """The cover image: from `product_cards`' prefetch, else the first of the (prefetched) images."""
    images = getattr(product, "cover_images", None)
    if images is None:
        images = list(product.images.all())
    return images[0] if images else None


def product_detail(pk: int) -> Product | None:
    return (
        products_visible()
        .select_related("brand", "merchant", "category__parent", "tax_category")
        .prefetch_related(
            "images", Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True))
        )
        .filter(pk=pk)
        .first()
    )


def product_variants_priced(product: Product) -> list[ProductVariant]:
    """The product's active variants (prefetched), each with `price_cny` and `tax_cny` set: what the
    product page and the product API show."""
    rates = exchange_rates()
    tax_rate = product.tax_category.effective_rate
    variants = list(product.variants.all())
    for variant in variants:
        variant.price_cny = to_cny(variant.price, rates)
        variant.tax_cny = tax_for(variant.price_cny, tax_rate)
    return variants


def brands_approved() -> QuerySet[Brand]:
    return Brand.objects.filter(status=Brand.Status.APPROVED)


def brand_wall(limit: int = 24) -> list[Brand]:
    """Approved brands with the most visible products."""
    return list(
        brands_approved()
        .annotate(product_count=Count("products", filter=_visible_filter("products__")))
        .filter(product_count__gt=0)
        .order_by("-product_count", "name")[:limit]
    )


def pavilions() -> list[dict]:
    """Countries of origin with their number of visible products, largest first."""
    return list(
        products_visible()
        .values("origin_country")
        .annotate(product_count=Count("id"))
        .order_by("-product_count", "origin_country")
    )


def featured_products(limit: int = 12) -> QuerySet[Product]:
    return product_cards(products_visible().filter(is_featured=True).order_by("-sales_count", "-id"))[:limit]


def brand_facets(queryset: QuerySet[Product], limit: int = 20) -> list[dict]:
    """Brands in a listing with their product counts and display names."""
    rows = facet_counts(queryset, "brand__slug", limit)
    brands = {b.slug: b for b in Brand.objects.filter(slug__in=[r["brand__slug"] for r in rows])}
    return [
        dict(row, name=brands[row["brand__slug"]].display_name)
        for row in rows
        if row["brand__slug"] in brands
    ]


def facet_counts(queryset: QuerySet[Product], field: str, limit: int = 20) -> list[dict]:
    """Value counts of one field over a filtered listing (brands, countries...)."""
    return list(
        queryset.order_by()
        .values(field)
        .annotate(product_count=Count("id"))
        .order_by("-product_count")[:limit]
    )
