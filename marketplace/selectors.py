"""Reads of the platform core: the category tree, exchange rates, product listings and pages.

Every listing helper returns querysets with their relations joined or prefetched, so a page costs a
fixed number of queries whatever its size.
"""

import hashlib
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.functional import cached_property

from merchants.models import Merchant
from orders import rules as order_rules

from . import page_cache
from .models import (
    Brand,
    Category,
    ExchangeRate,
    Product,
    ProductImage,
    ProductVariant,
    SearchSynonym,
    synonym_terms_split,
)
from .money import tax_for, to_cny

RATES_CACHE_KEY = "catalog:exchange-rates:v1"


def exchange_rates(*, use_cache: bool = True) -> dict[str, Decimal]:
    """{currency: CNY per unit}. Cached: on PostgreSQL per catalogue version (the rates table has the
    change counter's trigger); elsewhere until `exchange_rate_set` invalidates on commit.
    `use_cache=False` reads the table and leaves the cache alone: inside a transaction that reading
    may include rates not yet committed, which must never reach other requests."""
    if not use_cache:
        return dict(ExchangeRate.objects.values_list("currency", "rate"))
    key = f"{RATES_CACHE_KEY}:{catalog_version()}" if page_cache.counter_in_use() else RATES_CACHE_KEY
    rates = cache.get(key)
    if rates is None:
        rates = dict(ExchangeRate.objects.values_list("currency", "rate"))
        cache.set(key, rates, timeout=3600)
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


CATEGORY_TREE_CACHE_KEY = "catalog:category-tree:v2"
# This process's copy of the tree, under the token the shared cache holds: every page reads the tree
# several times, and unpickling 50 categories from Redis each time cost more than the page's SQL.
_category_trees: dict[str, list[CategoryNode]] = {}


def category_tree() -> list[CategoryNode]:
    """Top-level categories with their sub-categories: one query per process, until a category
    changes (on PostgreSQL the token is the catalogue's change counter; elsewhere the shared cache
    holds one, which invalidation deletes)."""
    if page_cache.counter_in_use():
        token = catalog_version()
        if token not in _category_trees:
            _category_trees.clear()
            _category_trees[token] = _category_tree_read()
        return _category_trees[token]
    token = _token(CATEGORY_TREE_CACHE_KEY)
    if token is not None and token in _category_trees:
        return _category_trees[token]
    if token is None:
        # The token exists before the tree is read: a change committed meanwhile deletes it, and the
        # copy built from the old rows is never used again.
        cache.add(CATEGORY_TREE_CACHE_KEY, uuid.uuid4().hex, timeout=None)
        _local_tokens.pop(CATEGORY_TREE_CACHE_KEY, None)
        token = _token(CATEGORY_TREE_CACHE_KEY)
    roots = _category_tree_read()
    _category_trees.clear()
    if token is not None:
        _category_trees[token] = roots
    return roots


def _category_tree_read() -> list[CategoryNode]:
    nodes = {c.pk: CategoryNode(c, []) for c in Category.objects.all()}
    roots = []
    for node in nodes.values():
        parent = node.category.parent_id
        (nodes[parent].children if parent in nodes else roots).append(node)
    return roots


def category_tree_invalidate(**kwargs) -> None:
    # Now and after commit: a request racing the change must not keep the old tree.
    def forget():
        cache.delete(CATEGORY_TREE_CACHE_KEY)
        _local_tokens.pop(CATEGORY_TREE_CACHE_KEY, None)

    forget()
    transaction.on_commit(forget)


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
    """Visible: published, by an open store (approved, its security deposit paid when it owes one),
    under an approved brand, of goods on the cross-border positive list, with a price. `prefix`
    applies the rule through a relation (`"products__"`)."""
    return Q(
        **{
            f"{prefix}status": Product.Status.PUBLISHED,
            f"{prefix}merchant__status": Merchant.Status.APPROVED,
            f"{prefix}merchant__awaiting_deposit": False,
            f"{prefix}brand__status": Brand.Status.APPROVED,
            f"{prefix}tax_category__permitted": True,
            f"{prefix}price_cny__isnull": False,
        }
    )


def product_is_visible(product: Product) -> bool:
    """`_visible_filter` for one product whose merchant, brand and tax category are loaded (the
    cart judges its rows without another query; a test holds the two rules equal)."""
    return (
        product.status == Product.Status.PUBLISHED
        and product.merchant.status == Merchant.Status.APPROVED
        and not product.merchant.awaiting_deposit
        and product.brand.status == Brand.Status.APPROVED
        and product.tax_category.permitted
        and product.price_cny is not None
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
    """A visible product with its brand, store, category, tax category, images and active variants.

    Everything but the variants is cached per catalogue version (those rows change only through saves
    that start a new one); the variants, with their prices and stock, are read fresh on every call.
    """

    def load():
        product = (
            products_visible()
            .select_related("brand", "merchant", "category__parent", "tax_category")
            .prefetch_related("images")
            .filter(pk=pk)
            .first()
        )
        return product or _NOT_VISIBLE

    product = _cached(f"product:{pk}", None, load)
    if isinstance(product, str):  # _NOT_VISIBLE
        return None
    prefetch_related_objects(
        [product], Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True))
    )
    return product


_NOT_VISIBLE = "not-visible"  # cached too: a missing product is asked for as often as any other


def product_variants_priced(product: Product) -> list[ProductVariant]:
    """The product's active variants (prefetched), each with `price_cny` and `tax_cny` set: what the
    product page and the product API show."""
    rates = exchange_rates()
    tax_rate = product.tax_category.effective_rate
    variants = list(product.variants.all())
    for variant in variants:
        variant.price_cny = to_cny(variant.price, rates)
        variant.tax_cny = tax_for(variant.price_cny, tax_rate)
        variant.over_order_limit = order_rules.unit_over_order_limit(variant.price_cny)
    return variants


# Counts (brand wall, pavilions, facets, result totals) and a listing page's ids scan the catalogue:
# at 100,000 products they cost more than the rest of a page together. They are cached per catalogue
# version: any save or delete of a product, product image, brand, merchant, tax category or category
# starts a new version (apps.py), and so does a listing-price refresh. The TTL is a backstop for
# writes that send no signal. Prices and stock are never cached: rows are read on every request.
CATALOG_VERSION_KEY = "catalog:version:v1"
AGGREGATE_TTL = 120


# Tokens read from the shared cache are kept this long in the process: a page needs them several
# times, and each cache round trip costs more than the lookup it saves. Another process's change
# reaches this one within that time (this process's own changes at once).
TOKEN_LOCAL_SECONDS = 2.0
_local_tokens: dict[str, tuple[float, str | None]] = {}


def _token(key: str) -> str | None:
    now = time.monotonic()
    seen = _local_tokens.get(key)
    if seen and now - seen[0] < TOKEN_LOCAL_SECONDS:
        return seen[1]
    value = cache.get(key)
    _local_tokens[key] = (now, value)
    return value


def local_tokens_forget() -> None:
    """Drop this process's copies (after the shared cache was cleared behind its back, or the database
    rolled back, as tests do)."""
    _local_tokens.clear()
    _category_trees.clear()
    page_cache.process_pages.clear()


def catalog_version() -> str:
    if page_cache.counter_in_use():
        # The trigger-kept counter sees every write, signals or not (marketplace/page_cache.py).
        return f"db{page_cache.catalog_counter()}"
    version = _token(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        _local_tokens.pop(CATALOG_VERSION_KEY, None)
        version = _token(CATALOG_VERSION_KEY)
    return version


def catalog_changed(**kwargs) -> None:
    """Start a new catalogue version now (this transaction's own reads) and again after commit (a
    request racing the commit must not keep counts of the old catalogue)."""

    def bump():
        cache.set(CATALOG_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        _local_tokens.pop(CATALOG_VERSION_KEY, None)
        page_cache.counter_forget()

    bump()
    transaction.on_commit(bump)


def _cached(name: str, queryset: QuerySet | None, compute):
    """`compute()` cached under the catalogue version and the filters of `queryset`."""
    source = ""
    if queryset is not None:
        # The WHERE tree's repr names every column, lookup and value, and costs a tenth of compiling
        # the SQL. A value without a stable repr (an object address) falls back to the SQL.
        query = queryset.query
        source = f"{query.model._meta.label}|{query.distinct}|{query.where}"
        if " at 0x" in source:
            try:
                sql, params = query.sql_with_params()
            except EmptyResultSet:
                return compute()  # nothing can match: no query to save
            source = f"{sql}|{params!r}"
        source = hashlib.sha256(source.encode()).hexdigest()[:24]
    key = f"catalog:agg:{catalog_version()}:{name}:{source}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=AGGREGATE_TTL)
    return value


def listing_count(queryset: QuerySet) -> int:
    return _cached("count", queryset, queryset.count)


class CatalogPaginator(Paginator):
    """Pages of a product listing in a time that does not grow with the catalogue.

    The total is `listing_count`. A page's product ids (filtered and sorted over the whole catalogue,
    the slow part at 100,000 products) are cached per catalogue version; the rows themselves are read
    fresh by id on every request, through the same filters, so prices and visibility are current.
    """

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return listing_count(self.object_list)
        return super().count

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_of_products(self.object_list, bottom, top), number, self)


def page_of_products(queryset: QuerySet, bottom: int, top: int) -> list:
    """Rows `bottom:top` of a listing, found through ids cached per catalogue version, read fresh."""
    if top <= bottom:
        return []
    query = queryset.query
    annotations = sorted(map(str, query.annotations.items()))
    window = f"{query.order_by}|{query.extra_order_by}|{bottom}:{top}|{annotations}"
    if " at 0x" in window:  # an ordering or annotation without a stable repr: no cache key
        return list(queryset[bottom:top])
    ids = _cached(
        f"page-ids:{hashlib.sha256(window.encode()).hexdigest()[:16]}",
        queryset,
        lambda: list(queryset[bottom:top].values_list("pk", flat=True)),
    )
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]  # a product hidden since is left out


def brands_approved() -> QuerySet[Brand]:
    return Brand.objects.filter(status=Brand.Status.APPROVED)


def brand_ids_matching(term: str) -> list[int]:
    """Brands whose Latin or Chinese name contains `term` (any case), cached per catalogue version."""
    return _cached(
        f"brand-search:{hashlib.sha256(term.upper().encode()).hexdigest()[:16]}",
        None,
        lambda: list(
            Brand.objects.filter(Q(name__icontains=term) | Q(name_zh__icontains=term))
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    )


SEARCH_MAX_TERMS = 8
SYNONYM_PHRASE_MAX_WORDS = 3


def search_synonyms() -> dict[str, tuple[str, ...]]:
    """{term in case-folded form: every term of the groups it belongs to}, from the staff-kept
    `SearchSynonym` groups. One query for all of them, cached per catalogue version (a change to the
    groups starts a new one), so a search costs the same queries with or without synonyms."""

    def load():
        table: dict[str, list[str]] = {}
        for group in SearchSynonym.objects.order_by("pk").values_list("terms", flat=True):
            terms = synonym_terms_split(group)
            for term in terms:
                alternatives = table.setdefault(term.casefold(), [])
                alternatives.extend(t for t in terms if t not in alternatives)
        return {key: tuple(value) for key, value in table.items()}

    return _cached("search-synonyms", None, load)


def search_terms(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The keywords of a search, each as (what was typed, the terms that may stand for it). A phrase of
    up to three words that is a synonym ("baby formula") is one keyword; the longest phrase wins. At
    most eight keywords."""
    synonyms = search_synonyms()
    words = text.split()
    keywords: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(words) and len(keywords) < SEARCH_MAX_TERMS:
        for size in range(min(SYNONYM_PHRASE_MAX_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            alternatives = synonyms.get(phrase.casefold())
            if alternatives:
                keywords.append((phrase, alternatives))
                i += size
                break
        else:
            keywords.append((words[i], (words[i],)))
            i += 1
    return keywords


def brand_wall(limit: int = 24) -> list[Brand]:
    """Approved brands with the most visible products (cached per catalogue version)."""
    return _cached(
        f"brand-wall-{limit}",
        None,
        lambda: list(
            brands_approved()
            .annotate(product_count=Count("products", filter=_visible_filter("products__")))
            .filter(product_count__gt=0)
            .order_by("-product_count", "name")[:limit]
        ),
    )


def pavilions() -> list[dict]:
    """Countries of origin with their number of visible products, largest first (cached)."""
    return _cached(
        "pavilions",
        None,
        lambda: list(
            products_visible()
            .values("origin_country")
            .annotate(product_count=Count("id"))
            .order_by("-product_count", "origin_country")
        ),
    )


def featured_products(limit: int = 12) -> QuerySet[Product]:
    return product_cards(products_visible().filter(is_featured=True).order_by("-sales_count", "-id"))[:limit]


def brand_facets(queryset: QuerySet[Product], limit: int = 20) -> list[dict]:
    """Brands in a listing with their product counts and display names (counts cached)."""

    def compute():
        rows = _facet_counts(queryset, "brand__slug", limit)
        brands = {b.slug: b for b in Brand.objects.filter(slug__in=[r["brand__slug"] for r in rows])}
        return rows, brands

    rows, brands = _cached(f"brand-facets-{limit}", queryset, compute)
    # The name is read now: it follows the page's language.
    return [
        dict(row, name=brands[row["brand__slug"]].display_name)
        for row in rows
        if row["brand__slug"] in brands
    ]


@dataclass
class ListingSummary:
    total: int
    brand_facets: list[dict]
    country_facets: list[dict]


def listing_summary(queryset: QuerySet[Product], limit: int = 20) -> ListingSummary:
    """The total, brand facets and country facets of a listing filtered by neither brand nor country,
    from one scan (counts per brand and country pair, summed here) instead of three: at 100,000
    products a search matching thousands pays for each scan. Cached like the counts."""

    def compute():
        pairs = list(
            queryset.order_by().values("brand__slug", "origin_country").annotate(product_count=Count("id"))
        )
        by_brand: dict[str, int] = {}
        by_country: dict[str, int] = {}
        for row in pairs:
            by_brand[row["brand__slug"]] = by_brand.get(row["brand__slug"], 0) + row["product_count"]
            by_country[row["origin_country"]] = (
                by_country.get(row["origin_country"], 0) + row["product_count"]
            )

        def top(counts, field):
            ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))[:limit]
            return [{field: value, "product_count": count} for value, count in ranked]

        brand_rows = top(by_brand, "brand__slug")
        brands = {b.slug: b for b in Brand.objects.filter(slug__in=[r["brand__slug"] for r in brand_rows])}
        return sum(by_brand.values()), brand_rows, top(by_country, "origin_country"), brands

    total, brand_rows, country_rows, brands = _cached(f"summary-{limit}", queryset, compute)
    return ListingSummary(
        total=total,
        brand_facets=[
            dict(row, name=brands[row["brand__slug"]].display_name)
            for row in brand_rows
            if row["brand__slug"] in brands
        ],
        country_facets=country_rows,
    )


def facet_counts(queryset: QuerySet[Product], field: str, limit: int = 20) -> list[dict]:
    """Value counts of one field over a filtered listing (brands, countries...), cached."""
    return _cached(f"facet-{field}-{limit}", queryset, lambda: _facet_counts(queryset, field, limit))


def _facet_counts(queryset: QuerySet[Product], field: str, limit: int) -> list[dict]:
    return list(
        queryset.order_by()
        .values(field)
        .annotate(product_count=Count("id"))
        .order_by("-product_count")[:limit]
    )
