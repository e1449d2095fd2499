"""The finance pages of platform finance staff, under /staff/finance/."""

from django.urls import path

from . import staff_views

app_name = "staff_finance"
urlpatterns = [
    path("", staff_views.overview, name="overview"),
    path("reconciliation/", staff_views.reconciliation_list, name="reconciliation"),
    path("reconciliation/run/", staff_views.reconciliation_run_now, name="reconciliation_run"),
    path("reconciliation/<id:pk>/", staff_views.reconciliation_detail, name="reconciliation_detail"),
]
