"""Domain errors of signing in. Pages and the API turn them into a message (`{"code", "detail"}`)."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    message = _("The username or password is not correct.")


class LoginLockedOut(DomainError):
    """Too many failed logins for the account or from the address (django-axes)."""

    code = "login_locked_out"
    status = 429
    message = _(
        "Too many failed logins for this account or from this network address. Try again in "
        "%(minutes)s minutes, or contact customer service to have the lock lifted."
    )

    def __init__(self, minutes):
        super().__init__(minutes=minutes)


class ApiTokenNotFound(DomainError):
    code = "api_token_not_found"
    status = 404
    message = _("You have no API token with this id.")


class TooManyApiTokens(DomainError):
    code = "too_many_api_tokens"
    status = 409
    message = _("This account already has %(limit)s API tokens: revoke one you no longer use first.")

    def __init__(self, limit):
        super().__init__(limit=limit)
