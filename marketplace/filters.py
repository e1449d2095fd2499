"""One filter set for the storefront listing and the product API, so both answer the same way."""

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import Product
from .selectors import brand_ids_matching, brands_approved, category_with_descendant_ids, search_terms

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("newest", _("Newest")),
    ("sales", _("Best selling")),
    ("rating", _("Top rated")),
]
SORT_ORDER = {
    "price_asc": ("price_cny", "id"),
    "price_desc": ("-price_cny", "-id"),
    "newest": ("-created_at", "-id"),
    "sales": ("-sales_count", "-id"),
    # Highest average first, unrated products last; ties go to the product with more reviews
    # (`rating_average`/`rating_count`, kept by orders.reviews.services in each review's transaction).
    "rating": (F("rating_average").desc(nulls_last=True), "-rating_count", "-sales_count", "-id"),
}


@extend_schema_field(OpenApiTypes.STR)
class BrandSlugFilter(django_filters.ModelMultipleChoiceFilter):
    """One or more brand slugs (`?brand=shiseido&brand=kao`)."""


class CountryCodeField(forms.MultipleChoiceField):
    """ISO country codes in any case (`jp` and `JP`)."""

    def to_python(self, value):
        return [code.upper() for code in super().to_python(value)]


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = CountryCodeField


class CategorySlugField(forms.CharField):
    """A category slug, checked against the cached category tree (no query)."""

    def clean(self, value):
        slug = super().clean(value)
        if slug and category_with_descendant_ids(slug) is None:
            raise forms.ValidationError(_("There is no category “%(slug)s”."), params={"slug": slug})
        return slug


class CategoryFilter(django_filters.CharFilter):
    field_class = CategorySlugField


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Keyword"))
    category = CategoryFilter(method="filter_category", label=_("Category"))
    brand = BrandSlugFilter(
        field_name="brand__slug",
        to_field_name="slug",
        queryset=brands_approved(),
        label=_("Brand"),
        distinct=False,  # a forward foreign key cannot repeat a product; DISTINCT defeats the sort index
    )
    country = CountryFilter(
        field_name="origin_country",
        choices=lambda: list(countries),
        label=_("Country of origin"),
        distinct=False,  # one column of the product: no duplicates to remove
    )
    merchant = django_filters.CharFilter(field_name="merchant__slug", label=_("Store"))
    price_min = django_filters.NumberFilter(field_name="price_cny", lookup_expr="gte", label=_("Min price"))
    price_max = django_filters.NumberFilter(field_name="price_cny", lookup_expr="lte", label=_("Max price"))
    shipping_mode = django_filters.ChoiceFilter(choices=Product.ShippingMode.choices, label=_("Ships by"))
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label=_("Sort by"), empty_label=None
    )

    class Meta:
        model = Product
        fields = ["q", "category", "brand", "country", "merchant", "price_min", "price_max", "shipping_mode"]

    def filter_search(self, queryset, name, value):
        keywords = search_terms(value)
        if not keywords:
            return queryset
        score = Value(0, output_field=IntegerField())
        for typed, alternatives in keywords:
            # Each keyword matches through any of its synonyms (staff-kept `SearchSynonym` groups).
            in_name = Q()
            for term in alternatives:
                in_name |= Q(name_zh__icontains=term) | Q(name_en__icontains=term)
            # Brands are matched first (a few dozen rows, cached): a list of brand ids keeps every part
            # of the condition on the product table, where PostgreSQL's trigram indexes serve it. Brands
            # are proper names: matched on what was typed, not its synonyms.
            queryset = queryset.filter(in_name | Q(brand_id__in=brand_ids_matching(typed)))
            # Relevance: a term in the product name weighs more than one in the brand name.
            score = score + Case(When(in_name, then=Value(2)), default=Value(1), output_field=IntegerField())
        return queryset.annotate(relevance=score)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=category_with_descendant_ids(value)[1])

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in `qs`, after every filter (relevance needs the search annotation)

    @property
    def qs(self):
        queryset = super().qs  # validates the form; invalid filters are left out of cleaned_data
        sort = getattr(self.form, "cleaned_data", {}).get("sort")
        if sort in SORT_ORDER:
            return queryset.order_by(*SORT_ORDER[sort])
        if "relevance" in queryset.query.annotations:
            return queryset.order_by("-relevance", "-sales_count", "-id")
        return queryset.order_by("-sales_count", "-id")
