from django.urls import path

from . import seller_views

app_name = "seller_reviews"

urlpatterns = [
    path("", seller_views.review_list, name="list"),
    path("<id:pk>/reply/", seller_views.review_reply, name="reply"),
]
