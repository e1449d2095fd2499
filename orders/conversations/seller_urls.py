"""The store's conversations in the seller dashboard, under /seller/messages/."""

from django.urls import path

from . import views

app_name = "seller_conversations"

urlpatterns = [
    path("", views.seller_list, name="list"),
    path("<id:pk>/", views.seller_detail, name="detail"),
]
