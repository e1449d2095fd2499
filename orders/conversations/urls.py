"""The shopper's conversations under /messages/ (and what both sides' pages use: polling, marking
read, images)."""

from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.shopper_list, name="list"),
    path("new/", views.shopper_start, name="start"),
    path("<id:pk>/", views.shopper_detail, name="detail"),
    path("<id:pk>/updates/", views.updates, name="updates"),
    path("<id:pk>/read/", views.mark_read, name="read"),
    path("images/<id:pk>/", views.image, name="image"),
]
