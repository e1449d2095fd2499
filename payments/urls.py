from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("<str:reference>/", views.pay, name="pay"),
    path("<str:reference>/return/", views.pay_return, name="return"),
    path("<str:reference>/status/", views.pay_status, name="status"),
]
