"""Our URLs plus the two reference views of the benchmark ladder (served only by bench.settings)."""

from django.http import HttpResponse
from django.urls import include, path

from marketplace.models import Product


def bare(request):
    """The ceiling: no query, no template, the same middleware as every page."""
    return HttpResponse("ok")


def one_query(request):
    """One primary-key query, the cost of the cheapest page that reads the database."""
    name = Product.objects.filter(pk=request.GET.get("pk", 1)).values_list("name_en", flat=True).first()
    return HttpResponse(name or "")


urlpatterns = [
    path("__bench__/bare/", bare),
    path("__bench__/one-query/", one_query),
    path("", include("marketplace.urls")),
]
