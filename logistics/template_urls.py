"""The seller's shipping templates, under /seller/shipping-templates/."""

from django.urls import path

from . import template_views

app_name = "seller_templates"
urlpatterns = [
    path("", template_views.template_list, name="list"),
    path("<slug:mode>/", template_views.template_edit, name="edit"),
    path("<slug:mode>/delete/", template_views.template_delete, name="delete"),
]
