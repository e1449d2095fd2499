"""Writes of signing in: API tokens issued and revoked, log-in lock-outs lifted."""

import logging

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.db import transaction
from django.utils import timezone

from ..models import ApiToken
from .errors import ApiTokenNotFound, InvalidCredentials, LoginLockedOut, TooManyApiTokens

log = logging.getLogger(__name__)


def api_token_issue(*, request, username, password, name="") -> tuple[ApiToken, str]:
    """Check the credentials (through django-axes, which counts failures and refuses a locked-out
    account or address) and issue a token. Returns the stored token and the token itself, which is
    shown this once: only its digest is kept. `request` is Django's HttpRequest."""
    user = authenticate(request=request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise LoginLockedOut(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        raise InvalidCredentials()
    with transaction.atomic():
        # Lock the account's row so two logins at once cannot both pass the limit.
        type(user).objects.select_for_update().filter(pk=user.pk).first()
        live = ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).count()
        if live >= settings.API_TOKEN_LIMIT:
            raise TooManyApiTokens(limit=settings.API_TOKEN_LIMIT)
        instance, token = ApiToken.objects.create(user=user, name=name.strip())
    # As for a log-in on the site: last_login is updated and django-axes records the access.
    user_logged_in.send(sender=type(user), request=request, user=user)
    return instance, token


@transaction.atomic
def api_token_revoke(*, user, token_id) -> None:
    deleted, _by_model = ApiToken.objects.filter(user=user, token_key=token_id).delete()
    if not deleted:
        raise ApiTokenNotFound()


@transaction.atomic
def api_tokens_revoke_all(*, user) -> int:
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


def login_lockout_lift(*, username=None, ip_address=None, actor) -> int:
    """Staff lift a lock-out before it expires: for an account, an address, or both. Returns how
    many recorded attempts were cleared."""
    cleared = 0
    if username:
        cleared += axes_reset(username=username)
    if ip_address:
        cleared += axes_reset(ip=ip_address)
    log.info(
        "Login lock-out lifted by %s: username=%s ip=%s (%d attempts)", actor, username, ip_address, cleared
    )
    return cleared


def language_supported(language) -> str:
    """`language` as one of the site's codes (`zh-hans`, `en`; `en-us` counts as English), or the
    site's default when it names none of them."""
    codes = dict(settings.LANGUAGES)
    language = str(language or "").lower()
    if language in codes:
        return language
    base = language.split("-")[0]
    for code in codes:
        if code.split("-")[0] == base:
            return code
    return settings.LANGUAGE_CODE


def user_language_set(*, user, language: str) -> bool:
    """Remember the language a signed-in person chose on the site: the language of their emails. An
    unknown code changes nothing (Django's switch ignores it too). Returns whether it changed."""
    if not user or not user.is_authenticated or language not in dict(settings.LANGUAGES):
        return False
    if user.language == language:
        return False
    with transaction.atomic():
        user._meta.model.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True
