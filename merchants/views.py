from django.shortcuts import get_object_or_404

from marketplace import selectors
from marketplace.views import render_product_listing

from .selectors import merchants_open


def store(request, slug):
    """A merchant's public store: who they are, and their products."""
    merchant = get_object_or_404(merchants_open(), slug=slug)
    return render_product_listing(
        request,
        "merchants/store.html",
        base=selectors.products_visible().filter(merchant=merchant),
        extra={"merchant": merchant, "heading": merchant.name},
    )
