from django import template
from django.utils.http import urlencode

from ..money import format_cny
from ..selectors import product_cover

register = template.Library()


@register.filter
def cny(amount):
    """{{ product.price_cny|cny }} -> ¥1,299.00"""
    return format_cny(amount)


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
