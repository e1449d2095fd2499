"""The seller dashboard, under /seller/."""

from django.urls import path

from .views import seller, seller_products

app_name = "seller"
urlpatterns = [
    path("", seller.overview, name="overview"),
    path("join/", seller.join, name="join"),
    path("application/", seller.application, name="application"),
    path("application/submit/", seller.application_submit, name="application_submit"),
    path("application/<slug:step>/", seller.application_step, name="application_step"),
    path("brands/<int:pk>/delete/", seller.brand_authorization_delete, name="brand_authorization_delete"),
    path("documents/", seller.documents, name="documents"),
    path("documents/<int:pk>/", seller.document_download, name="document"),
    path("documents/<int:pk>/delete/", seller.document_delete, name="document_delete"),
    path("penalties/", seller.penalties, name="penalties"),
    path("products/", seller_products.product_list, name="products"),
    path("products/import/", seller_products.product_import, name="product_import"),
]
