from django.urls import path

from .views import public

app_name = "merchants"
urlpatterns = [
    path("<slug:slug>/", public.store, name="store"),
    path("<slug:slug>/credit/", public.credit, name="credit"),
]
