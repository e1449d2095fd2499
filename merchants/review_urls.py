"""The review console for platform staff, under /staff/review/."""

from django.urls import path

from .views import review

app_name = "review"
urlpatterns = [
    path("", review.queue, name="queue"),
    path("applications/<id:pk>/", review.application_detail, name="application"),
    path("applications/<id:pk>/<slug:action>/", review.application_decide, name="application_decide"),
    path("brands/", review.brands, name="brands"),
    path("brands/<id:pk>/<slug:action>/", review.brand_decide, name="brand_decide"),
    path("authorizations/<id:pk>/<slug:action>/", review.authorization_decide, name="authorization_decide"),
    path("merchants/", review.merchants, name="merchants"),
    path("merchants/<id:pk>/", review.merchant_detail, name="merchant"),
    path("merchants/<id:pk>/<slug:action>/", review.merchant_action, name="merchant_action"),
]
