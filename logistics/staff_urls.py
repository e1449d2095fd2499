"""The logistics console for platform staff, under /staff/logistics/."""

from django.urls import path

from . import staff_views

app_name = "logistics_staff"
urlpatterns = [
    path("customs/", staff_views.customs_queue, name="customs_queue"),
    path("customs/<id:pk>/", staff_views.customs_detail, name="customs_detail"),
    path("customs/<id:pk>/resolve/", staff_views.customs_resolve, name="customs_resolve"),
    path("late-deliveries/", staff_views.late_deliveries, name="late_deliveries"),
    path("late-deliveries/<id:pk>/resolve/", staff_views.late_delivery_resolve, name="late_delivery_resolve"),
]
