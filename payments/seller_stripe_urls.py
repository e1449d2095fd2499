from django.urls import path

from . import seller_stripe_views

app_name = "seller_stripe"

urlpatterns = [
    path("", seller_stripe_views.connect, name="connect"),
    path("return/", seller_stripe_views.connect_return, name="return"),
]
