from django.urls import path

from . import seller_views

app_name = "seller_orders"

urlpatterns = [
    path("", seller_views.order_list, name="list"),
    path("<str:number>/", seller_views.order_detail, name="detail"),
]
