from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from logistics import api as logistics_api
from logistics import staff_api as logistics_staff_api
from logistics.tracking import urls as tracking_urls
from merchants import api as merchant_api
from merchants import credit_api
from merchants.views import credit_staff as merchant_credit_staff
from merchants.views import public as merchant_views
from orders import api as orders_api
from orders.cases import urls as case_urls
from orders.reviews import api as reviews_api
from payments import holds_api, payout_api, payout_urls
from payments import seller_api as payments_seller_api
from payments import staff_api as finance_api
from payments import webhooks as payment_webhooks

from . import api, views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("products/", views.product_list, name="product_list"),
    path("search/", views.product_list, name="search"),
    path("category/<slug:slug>/", views.category_detail, name="category"),
    path("brands/", views.brand_list, name="brand_list"),
    path("brands/<slug:slug>/", views.brand_detail, name="brand"),
    path("pavilions/", views.pavilion_list, name="pavilion_list"),
    path("pavilions/<str:code>/", views.pavilion_detail, name="pavilion"),
    path("product/<id:pk>/", views.product_detail, name="product"),
    path("stores/", include("merchants.urls")),
    path("blacklist/", merchant_views.blacklist, name="blacklist"),
    path("seller/finance/payouts/", include(payout_urls.seller)),
    # Before the seller dashboard's own routes: the seller connects its Stripe account.
    path("seller/finance/stripe/", include("payments.seller_stripe_urls")),
    path("seller/reviews/", include("orders.reviews.seller_urls")),
    path("seller/", include("merchants.seller_urls")),
    # Cart, checkout, orders, address book and identities; payment; the merchant's orders
    path("", include("orders.urls")),
    path("", include("orders.reviews.urls")),
    path("pay/", include("payments.urls")),
    path("payments/webhooks/stripe/", payment_webhooks.stripe_webhook, name="stripe_webhook"),
    path("seller/orders/", include("orders.seller_urls")),
    # Conversations between shoppers and stores (orders/conversations)
    path("messages/", include("orders.conversations.urls")),
    path("seller/messages/", include("orders.conversations.seller_urls")),
    path("seller/shipping/", include("logistics.seller_urls")),
    path("seller/shipping-templates/", include("logistics.template_urls")),
    path("seller/finance/", include("payments.seller_urls")),
    # Parcel tracking: public pages, adding an event by hand (the store's and staff's pages)
    path("", include((tracking_urls.pages, "tracking"))),
    # The notification centre (every signed-in person)
    path("notifications/", include("marketplace.notifications.urls")),
    # Accounts
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switch also remembers the choice on the account (the language of its emails).
    path("i18n/setlang/", views.set_language, name="set_language"),
    # API
    path("api/v1/auth/", include("marketplace.accounts.urls")),
    path(
        "api/v1/seller/application/",
        merchant_api.SellerApplicationView.as_view(),
        name="api-seller-application",
    ),
    path(
        "api/v1/seller/application/start/",
        merchant_api.SellerApplicationStartView.as_view(),
        name="api-seller-application-start",
    ),
    path(
        "api/v1/seller/application/submit/",
        merchant_api.SellerApplicationSubmitView.as_view(),
        name="api-seller-application-submit",
    ),
    path(
        "api/v1/seller/finance/", payments_seller_api.SellerFinanceView.as_view(), name="api-seller-finance"
    ),
    path(
        "api/v1/seller/finance/statement/",
        payments_seller_api.SellerStatementView.as_view(),
        name="api-seller-finance-statement",
    ),
    path(
        "api/v1/seller/finance/statement/csv/",
        payments_seller_api.SellerStatementExportView.as_view(fmt="csv"),
        name="api-seller-finance-statement-csv",
    ),
    path(
        "api/v1/seller/finance/statement/xlsx/",
        payments_seller_api.SellerStatementExportView.as_view(fmt="xlsx"),
        name="api-seller-finance-statement-xlsx",
    ),
    path(
        "api/v1/seller/deposit/", payments_seller_api.SellerDepositView.as_view(), name="api-seller-deposit"
    ),
    path("api/v1/cart/", orders_api.CartView.as_view(), name="api-cart"),
    path("api/v1/cart/items/<id:variant_id>/", orders_api.CartItemView.as_view(), name="api-cart-item"),
    path("api/v1/checkout/", orders_api.CheckoutView.as_view(), name="api-checkout"),
    *payout_api.urlpatterns,
    path(
        "api/v1/staff/finance/summary/",
        finance_api.FinanceSummaryView.as_view(),
        name="api-staff-finance-summary",
    ),
    path(
        "api/v1/staff/finance/reconciliation/",
        finance_api.ReconciliationView.as_view(),
        name="api-staff-finance-reconciliation",
    ),
    path("api/v1/staff/", include(logistics_staff_api.router.urls)),
    path("api/v1/staff/", include(holds_api.router.urls)),
    path(
        "api/v1/seller/shipping/batch/",
        logistics_api.SellerShipBatchView.as_view(),
        name="api-seller-ship-batch",
    ),
    path(
        "api/v1/seller/shipping/labels/",
        logistics_api.SellerLabelsView.as_view(),
        name="api-seller-shipping-labels",
    ),
    *tracking_urls.api_urls,
    *case_urls.api_urls,
    # Reviews (orders/reviews)
    path(
        "api/v1/products/<id:pk>/reviews/",
        reviews_api.ProductReviewsView.as_view(),
        name="api-product-reviews",
    ),
    path("api/v1/reviews/", reviews_api.MyReviewsView.as_view(), name="api-reviews"),
    path("api/v1/reviews/<id:pk>/", reviews_api.MyReviewView.as_view(), name="api-review"),
    path("api/v1/store-ratings/", reviews_api.StoreRatingsView.as_view(), name="api-store-ratings"),
    path("api/v1/seller/reviews/", reviews_api.SellerReviewsView.as_view(), name="api-seller-reviews"),
    path(
        "api/v1/seller/reviews/<id:pk>/reply/",
        reviews_api.SellerReviewReplyView.as_view(),
        name="api-seller-review-reply",
    ),
    # The credit figures (merchants.credit): a store's (public) and every store's (staff)
    path("api/v1/stores/<slug:slug>/credit/", credit_api.StoreCreditView.as_view(), name="api-store-credit"),
    path(
        "api/v1/staff/stores/", credit_api.StaffStoreCreditListView.as_view(), name="api-staff-stores-credit"
    ),
    path("api/v1/", include(api.router.urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("staff/review/", include("merchants.review_urls")),
    path("staff/stores/", merchant_credit_staff.stores, name="staff_stores_credit"),
    path("staff/logistics/", include("logistics.staff_urls")),
    path("staff/finance/deposits/", include("payments.staff_deposit_views")),
    # Finance staff: payouts and refunds (before the staff console, which takes the rest of staff/)
    path("staff/finance/payouts/", include(payout_urls.staff)),
    path("staff/finance/refunds/", include(payout_urls.refunds)),
    path("staff/finance/", include("payments.staff_urls")),
    path("staff/finance/holds/", include("payments.holds_urls")),
    path("", include(case_urls.staff)),  # platform arbitration, before the staff console
    path("staff/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        # Public uploads: product and brand images, review photos (shown on product pages).
        re_path(
            r"^media/(?P<path>(products|brands|reviews)/.*)$", serve, {"document_root": settings.MEDIA_ROOT}
        ),
    ]

admin.site.site_header = "Global Mall staff console"
admin.site.site_title = "Global Mall staff"

# JSON under /api/, the shop's pages elsewhere (marketplace/error_views.py).
handler400 = "marketplace.error_views.bad_request"
handler403 = "marketplace.error_views.permission_denied"
handler404 = "marketplace.error_views.page_not_found"
handler500 = "marketplace.error_views.server_error"
