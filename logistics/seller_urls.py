from django.urls import path

from . import views

app_name = "seller_shipping"

urlpatterns = [
    path("batch/", views.ship_batch, name="batch"),
    path("labels/", views.label_pdf, name="labels"),
    path("<str:number>/", views.ship_order, name="ship"),
]
