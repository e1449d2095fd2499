"""Payout pages: `seller` under /seller/finance/payouts/, `staff` under /staff/finance/payouts/,
`refunds` under /staff/finance/refunds/."""

from django.urls import path

from . import payout_views as views

seller = (
    [
        path("", views.seller_payouts, name="list"),
        path("request/", views.seller_payout_request, name="request"),
        path("account/", views.seller_payout_account, name="account"),
    ],
    "seller_payouts",
)

staff = (
    [
        path("", views.staff_payouts, name="list"),
        path("batches/new/", views.staff_batch_create, name="batch_create"),
        path("batches/<id:pk>/", views.staff_batch, name="batch"),
        path("batches/<id:pk>/export.csv", views.staff_batch_export, name="batch_export"),
        path("batches/<id:pk>/paid/", views.staff_batch_paid, name="batch_paid"),
        path("<id:pk>/failed/", views.staff_payout_failed, name="payout_failed"),
    ],
    "staff_payouts",
)

refunds = ([path("", views.staff_refund, name="refund")], "staff_refunds")
