"""After-sales routes: the shopper's pages (in `orders:`, from orders/urls.py), the store's (in
`seller:`, from merchants/seller_urls.py), platform arbitration (`staff_cases:`) and the API (by name),
both from marketplace/urls.py."""

from django.urls import path

from . import api, pages, seller_views, staff_views, views

# In the shopper's `orders:` namespace (the case services link notifications to `orders:case_detail`).
shopper = [
    path("after-sales/", views.case_list, name="case_list"),
    path("orders/<str:number>/after-sales/", views.case_open, name="case_open"),
    path("after-sales/<str:number>/", views.case_detail, name="case_detail"),
    path("after-sales/<str:number>/evidence/<id:pk>/", pages.evidence_file, name="case_evidence"),
    path("after-sales/<str:number>/<slug:action>/", views.case_action, name="case_action"),
]

# In the seller dashboard's `seller:` namespace, under /seller/ (`seller:case_detail` in notifications).
seller = [
    path("after-sales/", seller_views.case_list, name="case_list"),
    path("store-settings/", seller_views.store_settings, name="store_settings"),
    path("after-sales/<str:number>/", seller_views.case_detail, name="case_detail"),
    path("after-sales/<str:number>/<slug:action>/", seller_views.case_action, name="case_action"),
]

# Platform arbitration, `staff_cases:` (included from marketplace/urls.py before the staff console).
staff = (
    [
        path("staff/arbitration/", staff_views.queue, name="queue"),
        path("staff/arbitration/<str:number>/", staff_views.case_detail, name="detail"),
        path("staff/arbitration/<str:number>/info-request/", staff_views.info_request, name="info_request"),
        path("staff/arbitration/<str:number>/decide/", staff_views.decide, name="decide"),
        path("staff/arbitration/<str:number>/evidence/", staff_views.evidence, name="evidence"),
    ],
    "staff_cases",
)

api_urls = [
    path("api/v1/cases/", api.BuyerCaseListView.as_view(), name="api-cases"),
    path("api/v1/cases/<str:number>/", api.BuyerCaseDetailView.as_view(), name="api-case"),
    path(
        "api/v1/cases/<str:number>/offer-accept/",
        api.BuyerOfferAcceptView.as_view(),
        name="api-case-offer-accept",
    ),
    path("api/v1/cases/<str:number>/withdraw/", api.BuyerWithdrawView.as_view(), name="api-case-withdraw"),
    path("api/v1/cases/<str:number>/escalate/", api.BuyerEscalateView.as_view(), name="api-case-escalate"),
    path(
        "api/v1/cases/<str:number>/return-ship/",
        api.BuyerReturnShipView.as_view(),
        name="api-case-return-ship",
    ),
    path("api/v1/cases/<str:number>/evidence/", api.BuyerEvidenceView.as_view(), name="api-case-evidence"),
    path("api/v1/seller/cases/", api.SellerCaseListView.as_view(), name="api-seller-cases"),
    path("api/v1/seller/cases/<str:number>/", api.SellerCaseDetailView.as_view(), name="api-seller-case"),
    path(
        "api/v1/seller/cases/<str:number>/accept/",
        api.SellerAcceptView.as_view(),
        name="api-seller-case-accept",
    ),
    path(
        "api/v1/seller/cases/<str:number>/offer/", api.SellerOfferView.as_view(), name="api-seller-case-offer"
    ),
    path(
        "api/v1/seller/cases/<str:number>/refuse/",
        api.SellerRefuseView.as_view(),
        name="api-seller-case-refuse",
    ),
    path(
        "api/v1/seller/cases/<str:number>/return-received/",
        api.SellerReturnReceivedView.as_view(),
        name="api-seller-case-return-received",
    ),
    path(
        "api/v1/seller/cases/<str:number>/escalate/",
        api.SellerEscalateView.as_view(),
        name="api-seller-case-escalate",
    ),
    path(
        "api/v1/seller/cases/<str:number>/evidence/",
        api.SellerEvidenceView.as_view(),
        name="api-seller-case-evidence",
    ),
    path("api/v1/staff/arbitration/", api.ArbitrationQueueView.as_view(), name="api-arbitration-queue"),
    path(
        "api/v1/staff/arbitration/<str:number>/",
        api.ArbitrationDetailView.as_view(),
        name="api-arbitration-case",
    ),
    path(
        "api/v1/staff/arbitration/<str:number>/info-request/",
        api.ArbitrationInfoRequestView.as_view(),
        name="api-arbitration-info-request",
    ),
    path(
        "api/v1/staff/arbitration/<str:number>/decide/",
        api.ArbitrationDecideView.as_view(),
        name="api-arbitration-decide",
    ),
    path(
        "api/v1/staff/arbitration/<str:number>/evidence/",
        api.ArbitrationEvidenceView.as_view(),
        name="api-arbitration-evidence",
    ),
]
