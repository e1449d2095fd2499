"""Tracking routes. Included from marketplace/urls.py: pages under `tracking:`, the API by name."""

from django.urls import path

from . import api, views

app_name = "tracking"

pages = [
    path("track/", views.track, name="track"),
    path("track/<str:waybill>/", views.track_detail, name="detail"),
    path("seller/shipments/<str:waybill>/events/add/", views.seller_event_add, name="seller_event_add"),
    path("staff/shipments/<str:waybill>/events/add/", views.staff_event_add, name="staff_event_add"),
]

api_urls = [
    path(
        "api/v1/logistics/callbacks/<slug:provider_code>/",
        api.CarrierCallbackView.as_view(),
        name="api-carrier-callback",
    ),
    path("api/v1/tracking/<str:waybill>/", api.PublicTrackingView.as_view(), name="api-tracking"),
    path("api/v1/seller/shipments/", api.SellerShipmentListView.as_view(), name="api-seller-shipments"),
    path(
        "api/v1/seller/shipments/<str:waybill>/",
        api.SellerShipmentDetailView.as_view(),
        name="api-seller-shipment",
    ),
    path(
        "api/v1/seller/shipments/<str:waybill>/events/",
        api.SellerShipmentEventView.as_view(),
        name="api-seller-shipment-events",
    ),
]
