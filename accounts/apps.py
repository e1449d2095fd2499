from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """How people and API clients sign in: API tokens (django-rest-knox) and the log-in lock-out
    (django-axes). The user model itself is `marketplace.User`."""

    name = "accounts"
    verbose_name = _("Accounts and API access")

    def ready(self):
        from . import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
