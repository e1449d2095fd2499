"""Storefront pages. Thin: they read through `selectors`, filter with `ProductFilter`, and render."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language
from django_countries import countries
from django_countries.fields import Country

from logistics import template_selectors
from orders import rules as order_rules
from orders.reviews import selectors as review_selectors

from . import selectors
from .accounts import services as account_services
from .filters import SORT_CHOICES, ProductFilter
from .forms import SignupForm
from .models import Product
from .page_cache import anonymous_page_cache


@anonymous_page_cache
def home(request):
    return render(
        request,
        "marketplace/home.html",
        {
            "featured": selectors.featured_products(12),
            "brands": selectors.brand_wall(18),
            "pavilions": _pavilion_list()[:8],
            "new_arrivals": selectors.product_cards(
                selectors.products_visible().order_by("-created_at", "-id")
            )[:12],
        },
    )


def _pavilion_list():
    return [
        {"country": Country(row["origin_country"]), "product_count": row["product_count"]}
        for row in selectors.pavilions()
    ]


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", settings.CATALOG_DEFAULT_PAGE_SIZE))
    except ValueError:
        return settings.CATALOG_DEFAULT_PAGE_SIZE
    return size if size in settings.CATALOG_PAGE_SIZES else settings.CATALOG_DEFAULT_PAGE_SIZE


def render_product_listing(request, template, *, base=None, fixed=None, extra=None):
    """A product listing: keyword, filters, sort and pages over `base`, with brand and country facets.

    `fixed` holds filters the URL pins (a category page), merged into the query. Each facet counts
    the products matching every other filter, so a shopper can still tick a second brand or country.
    Filter values that do not validate are ignored, and the page says which.
    """
    data = request.GET.copy()
    for key, value in (fixed or {}).items():
        data.setlist(key, [value])
    base = base if base is not None else selectors.products_visible()
    product_filter = ProductFilter(data, queryset=base, request=request)
    results = product_filter.qs
    paginator = selectors.CatalogPaginator(selectors.product_cards(results), _page_size(request))
    if "brand" in data or "country" in data:
        # A facet counts the listing filtered by every other filter: its own query.
        brand_facets = selectors.brand_facets(_facet_source(data, base, request, "brand", results))
        country_rows = selectors.facet_counts(
            _facet_source(data, base, request, "country", results), "origin_country"
        )
    else:
        summary = selectors.listing_summary(results)
        paginator.count = summary.total  # the same filters: no count query of its own
        brand_facets, country_rows = summary.brand_facets, summary.country_facets
    page = paginator.get_page(request.GET.get("page"))
    valid = product_filter.form.cleaned_data
    context = {
        "filter": product_filter,
        "filter_errors": [
            f"{product_filter.form.fields[name].label}: {' '.join(errors)}"
            for name, errors in product_filter.errors.items()
        ],
        "page": page,
        "products": page.object_list,
        "sort_choices": SORT_CHOICES,
        "current_sort": valid.get("sort") or ("relevance" if valid.get("q") else "sales"),
        "brand_facets": brand_facets,
        "country_facets": [dict(row, country=Country(row["origin_country"])) for row in country_rows],
        "selected_brands": [brand.slug for brand in valid.get("brand") or []],
        "selected_countries": valid.get("country") or [],
        "query_string": _query_without_page(request),
        "page_sizes": settings.CATALOG_PAGE_SIZES,
        "shipping_modes": Product.ShippingMode.choices,
        "q": request.GET.get("q", ""),
    }
    context.update(extra or {})
    return render(request, template, context)


def _facet_source(data, base, request, dimension, results):
    """The listing as filtered by everything except `dimension` (`results` when it is not filtered)."""
    if dimension not in data:
        return results
    others = data.copy()
    others.pop(dimension)
    return ProductFilter(others, queryset=base, request=request).qs


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@anonymous_page_cache
def product_list(request):
    return render_product_listing(request, "marketplace/product_list.html")


@anonymous_page_cache
def category_detail(request, slug):
    found = selectors.category_with_descendant_ids(slug)
    if not found:
        raise Http404(_("No such category."))
    category = found[0]
    return render_product_listing(
        request,
        "marketplace/product_list.html",
        fixed={"category": slug},
        extra={"category": category, "heading": category.name},
    )


@anonymous_page_cache
def brand_list(request):
    brands = selectors.brands_approved().order_by("name")
    return render(request, "marketplace/brand_list.html", {"brands": brands})


@anonymous_page_cache
def brand_detail(request, slug):
    brand = get_object_or_404(selectors.brands_approved(), slug=slug)
    return render_product_listing(
        request,
        "marketplace/brand_detail.html",
        base=selectors.products_visible().filter(brand=brand),
        extra={"brand": brand, "heading": brand.display_name},
    )


@anonymous_page_cache
def pavilion_list(request):
    return render(request, "marketplace/pavilion_list.html", {"pavilions": _pavilion_list()})


@anonymous_page_cache
def pavilion_detail(request, code):
    code = code.upper()
    if code not in dict(countries):
        raise Http404(_("No such country."))
    country = Country(code)
    return render_product_listing(
        request,
        "marketplace/pavilion_detail.html",
        base=selectors.products_visible().filter(origin_country=code),
        extra={"country": country, "heading": _("%(country)s pavilion") % {"country": country.name}},
    )


@anonymous_page_cache(product_kwarg="pk")
def product_detail(request, pk):
    product = selectors.product_detail(pk)
    if product is None:
        raise Http404(_("This product is not available."))
    variants = selectors.product_variants_priced(product)
    # The shipping fee of one unit of each option (docs/rules.md, "Shipping templates").
    template_selectors.product_shipping_texts(product, variants, user=request.user)
    rate = product.tax_category.effective_rate
    return render(
        request,
        "marketplace/product_detail.html",
        {
            "product": product,
            "images": list(product.images.all()),
            "variants": variants,
            "selected": variants[0] if variants else None,
            "tax_rate_percent": (rate * 100).quantize(Decimal("0.1")),
            "order_limit": order_rules.ORDER_GOODS_LIMIT,
            "annual_limit": order_rules.ANNUAL_LIMIT,
            # Count, distribution and one page of reviews, photos first: three queries at any size.
            "reviews": review_selectors.product_reviews(product.pk, request.GET.get("page")),
        },
    )


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The account's language (its emails) is the one the page was read in.
        form.instance.language = account_services.language_supported(translation.get_language())
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect(_safe_next(request))
    return render(request, "registration/signup.html", {"form": form, "next": request.GET.get("next", "")})


def set_language(request):
    """Django's language switch (cookie, redirect to `next`), which also remembers the choice on a
    signed-in person's account: their emails go in it (docs/rules.md, "Notifications")."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        account_services.user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response


def _safe_next(request) -> str:
    """The `next` page after sign-up, only when it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# Areas that are private, per-visitor or not pages at all: crawlers skip them (robots.txt).
ROBOTS_DISALLOWED = [
    "/seller/",
    "/staff/",
    "/cart/",
    "/checkout/",
    "/pay/",
    "/orders/",
    "/account/",
    "/accounts/",
    "/api/",
    "/i18n/",
]


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
