from django.urls import path

from . import views

app_name = "merchants"
urlpatterns = [
    path("<slug:slug>/", views.store, name="store"),
]
