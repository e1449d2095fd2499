from django.urls import path

from . import views
from .cases import urls as case_urls

app_name = "orders"

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="list"),
    path("orders/<str:number>/", views.order_detail, name="detail"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="cancel"),
    path("orders/<str:number>/confirm-receipt/", views.order_confirm_receipt, name="confirm_receipt"),
    path("account/addresses/", views.addresses, name="addresses"),
    path("account/addresses/<id:pk>/delete/", views.address_delete, name="address_delete"),
    path("account/identities/", views.identities, name="identities"),
    path("account/identities/<id:pk>/delete/", views.identity_delete, name="identity_delete"),
]
urlpatterns += case_urls.shopper  # after-sales requests (orders/cases)
