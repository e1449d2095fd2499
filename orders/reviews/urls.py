from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("orders/<str:number>/lines/<id:line_id>/review/", views.review_create, name="create"),
    path("orders/<str:number>/rate-store/", views.store_rate, name="store_rate"),
    path("account/reviews/<id:pk>/edit/", views.review_edit, name="edit"),
]
