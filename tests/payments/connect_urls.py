"""The project's URLs plus a stand-in for the Stripe part's `seller_stripe:connect` route."""

from django.http import HttpResponse
from django.urls import include, path

from marketplace.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path(
        "seller/stripe/",
        include(([path("connect/", lambda r: HttpResponse(), name="connect")], "seller_stripe")),
    ),
    *project_urlpatterns,
]
