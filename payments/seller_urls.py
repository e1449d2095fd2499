"""The merchant's finance pages, under /seller/finance/."""

from django.urls import path

from . import seller_views

app_name = "seller_finance"
urlpatterns = [
    path("", seller_views.overview, name="overview"),
    path("statement/", seller_views.statement, name="statement"),
    path("statement.csv", seller_views.statement_export, {"fmt": "csv"}, name="statement_csv"),
    path("statement.xlsx", seller_views.statement_export, {"fmt": "xlsx"}, name="statement_xlsx"),
    path("deposit/pay/", seller_views.deposit_pay, name="deposit_pay"),
]
