"""How API calls authenticate: a token (django-rest-knox) or the site's session; HTTP Basic only when
settings.API_BASIC_AUTH is on for local development."""

import re
from datetime import timedelta

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication

# Tokens are knox's hexadecimal strings: anything else is refused before the database is asked.
TOKEN_SHAPE = re.compile(rf"[0-9a-f]{{{knox_settings.AUTH_TOKEN_CHARACTER_LENGTH}}}")
# `last_used` is written at most once a minute per token, not on every call.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`. An expired or revoked token is refused with 401."""

    def authenticate_credentials(self, token):
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            text = ""
        if not TOKEN_SHAPE.fullmatch(text):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        if auth_token.last_used is None or now - auth_token.last_used > LAST_USED_PRECISION:
            type(auth_token).objects.filter(pk=auth_token.pk).update(last_used=now)
            auth_token.last_used = now
        return user, auth_token


class DevelopmentBasicAuthentication(BasicAuthentication):
    """HTTP Basic for local development (settings.API_BASIC_AUTH). The password check goes through
    django-axes with Django's own request, so failures count toward the lock-out like any login."""

    def authenticate_credentials(self, userid, password, request=None):
        if "\x00" in userid or "\x00" in password:  # no account has one; PostgreSQL cannot compare it
            raise exceptions.AuthenticationFailed(_("Invalid username/password."))
        django_request = getattr(request, "_request", request)
        user = authenticate(request=django_request, username=userid, password=password)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid username/password."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (user, None)
