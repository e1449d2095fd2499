from django.urls import path, re_path

from . import api

urlpatterns = [
    path("login/", api.LoginView.as_view(), name="api-login"),
    path("logout/", api.LogoutView.as_view(), name="api-logout"),
    path("logout-all/", api.LogoutAllView.as_view(), name="api-logout-all"),
    path("tokens/", api.TokenListView.as_view(), name="api-tokens"),
    # A token's id is its first 15 hexadecimal characters (knox's token_key).
    re_path(r"^tokens/(?P<token_id>[0-9a-f]{15})/$", api.TokenDetailView.as_view(), name="api-token"),
]
