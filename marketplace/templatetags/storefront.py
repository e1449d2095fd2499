import functools
import hashlib
import json
from pathlib import Path

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..money import MONEY_FORMAT_VERSION, format_money
from ..selectors import product_cover

register = template.Library()


@register.filter
def money(amount, currency=None):
    """The site's one money format (marketplace.money.format_money), in the page's language:
    {{ product.price_cny|money }} -> ¥1,299.00 (a number is yuan), {{ variant.price|money }} -> JP¥3,580
    (a Money carries its currency), {{ amount|money:"JPY" }} names the currency."""
    return format_money(amount, currency)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + urlencode(sorted(query.lists()), doseq=True) if query else "?"


@register.filter
def cover_url(product):
    cover = product_cover(product)
    return cover.image.url if cover else ""


@register.simple_tag
def product_cards(products):
    """Every card of a grid, each rendered once and then read from the cache in one round trip.

    A card's cache key is a hash of everything it shows, read from the product row of this request
    (name, brand, country, shipping mode, CNY price, sales, cover image) and the language: a changed
    price or name is a new key, so a cached card is never stale and needs no invalidation.
    """
    products = list(products)
    if not products:
        return ""
    language = get_language() or ""
    keys = [_card_key(product, language) for product in products]
    cached = cache.get_many(keys)
    template = get_template("partials/product_card.html")
    missing = {}
    parts = []
    for key, product in zip(keys, products, strict=True):
        html = cached.get(key)
        if html is None:
            html = missing[key] = template.render({"product": product})
        parts.append(html)
    if missing:
        cache.set_many(missing, timeout=CARD_TTL)
    return mark_safe("".join(parts))  # each part is the output of an auto-escaping template


CARD_TTL = 3600


def _card_key(product, language: str) -> str:
    cover = product_cover(product)
    brand = product.brand
    shown = (
        _template_version(),
        MONEY_FORMAT_VERSION,
        language,
        product.pk,
        product.name_zh,
        product.name_en,
        brand.slug,
        brand.name,
        brand.name_zh,
        product.origin_country.code,
        product.shipping_mode,
        str(product.price_cny),
        product.sales_count,
        cover.image.name if cover else "",
    )
    return "card:" + hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


@functools.cache
def _template_version() -> str:
    """Changes when the card template changes, so a deploy never serves the old markup."""
    source = Path(get_template("partials/product_card.html").origin.name).read_bytes()
    return hashlib.sha256(source).hexdigest()[:8]


# --- Search engines and link previews (canonical address, Open Graph, schema.org) ----------------------


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's one address for search engines: no filters or sorting, only the page number when
    it is not the first (the language is a cookie, so both languages share the address)."""
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page", "")
    return f"{url}?page={page}" if page.isdigit() and int(page) > 1 else url


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None and path else path or ""


@register.simple_tag
def product_summary(product):
    """The product's description, or a sentence about it when the merchant wrote none."""
    description = " ".join((product.description or "").split())
    if description:
        return description
    return _("%(brand)s %(name)s, imported from %(country)s and sold by %(store)s on Global Mall.") % {
        "brand": product.brand.display_name,
        "name": product.name,
        "country": product.origin_country.name,
        "store": product.merchant.name,
    }


# What json_script escapes: the JSON can never close the <script> element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def product_json_ld(context, product, variants, images):
    """schema.org Product data: one Offer per variant with its CNY price and availability from stock."""
    url = canonical_url(context)
    offers = [
        {
            "@type": "Offer",
            "sku": variant.sku,
            "name": variant.name or product.name,
            "price": str(variant.price_cny),
            "priceCurrency": "CNY",
            "availability": "https://schema.org/InStock"
            if variant.stock > 0
            else "https://schema.org/OutOfStock",
            "url": url,
            "seller": {"@type": "Organization", "name": product.merchant.name},
        }
        for variant in variants
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product_summary(product),
        "url": url,
        "image": [absolute_url(context, image.image.url) for image in images],
        "brand": {"@type": "Brand", "name": product.brand.name},
        "countryOfOrigin": product.origin_country.code,
        "offers": offers,
    }
    if variants:
        data["sku"] = variants[0].sku
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
