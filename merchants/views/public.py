from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from marketplace import selectors as catalog
from marketplace.views import render_product_listing

from .. import selectors
from ..credit import credit_windows
from ..models import Merchant


def store(request, slug):
    """A merchant's public store: who they are, and their products."""
    merchant = get_object_or_404(selectors.merchants_open(), slug=slug)
    return render_product_listing(
        request,
        "merchants/store.html",
        base=catalog.products_visible().filter(merchant=merchant),
        extra={"merchant": merchant, "heading": merchant.name},
    )


def credit(request, slug):
    """A merchant's public credit page. Stores that were approved once keep it (a suspended or
    blacklisted store's record is exactly what shoppers want to see); applicants have none."""
    merchant = get_object_or_404(Merchant.objects.exclude(status=Merchant.Status.PENDING), slug=slug)
    credit = selectors.merchant_credit(merchant)
    return render(
        request,
        "merchants/credit.html",
        {
            "merchant": merchant,
            "credit": credit,
            "figures": credit["figures"],
            "shipping": credit["figures"].shipping,
            "windows": credit_windows(),
        },
    )


def blacklist(request):
    page = Paginator(selectors.blacklist_public(), 50).get_page(request.GET.get("page"))
    return render(request, "merchants/blacklist.html", {"page": page, "entries": page.object_list})
