"""The seller dashboard, under /seller/."""

from django.urls import path

from orders.cases import urls as case_urls

from .views import seller, seller_products

app_name = "seller"
urlpatterns = [
    path("", seller.overview, name="overview"),
    path("join/", seller.join, name="join"),
    path("application/", seller.application, name="application"),
    path("application/submit/", seller.application_submit, name="application_submit"),
    path("application/<slug:step>/", seller.application_step, name="application_step"),
    path("brands/<id:pk>/delete/", seller.brand_authorization_delete, name="brand_authorization_delete"),
    path("documents/", seller.documents, name="documents"),
    path("documents/<id:pk>/", seller.document_download, name="document"),
    path("documents/<id:pk>/delete/", seller.document_delete, name="document_delete"),
    path("penalties/", seller.penalties, name="penalties"),
    path("products/", seller_products.product_list, name="products"),
    path("products/new/", seller_products.product_create, name="product_create"),
    path("products/<id:pk>/", seller_products.product_edit, name="product_edit"),
    path("products/<id:pk>/publish/", seller_products.product_publish, name="product_publish"),
    path("products/<id:pk>/unpublish/", seller_products.product_unpublish, name="product_unpublish"),
    path(
        "products/<id:pk>/images/<id:image_pk>/delete/",
        seller_products.product_image_delete,
        name="product_image_delete",
    ),
    path("products/import/", seller_products.product_import, name="product_import"),
    path("products/import/template.csv", seller_products.import_template, name="import_template"),
    path("products/import/<id:pk>/", seller_products.import_detail, name="import_detail"),
    path("products/import/<id:pk>/status/", seller_products.import_status, name="import_status"),
    path("products/import/<id:pk>/errors.csv", seller_products.import_errors, name="import_errors"),
]
urlpatterns += case_urls.seller  # after-sales: the store's cases and its store settings
