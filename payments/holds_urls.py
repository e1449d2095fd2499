"""Release holds for finance staff, under /staff/finance/holds/ (mounted before the admin's staff/)."""

from django.urls import path

from . import holds_views

app_name = "staff_holds"
urlpatterns = [
    path("", holds_views.hold_list, name="list"),
    path("place/", holds_views.hold_place, name="place"),
    path("<id:pk>/lift/", holds_views.hold_lift, name="lift"),
]
