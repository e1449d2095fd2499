from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """A token an API client (a mobile app, a merchant's ERP) sends as `Authorization: Token <token>`.

    django-rest-knox stores only the token's SHA-512 `digest` and its first 15 characters (`token_key`,
    to find it); the token itself is shown once, when it is issued. `token_key` is also the id the
    owner sees and revokes it by. `expiry` is fixed at issue (settings.API_TOKEN_TTL_DAYS)."""

    name = models.CharField(_("client"), max_length=100, blank=True, help_text=_("What the token is for."))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.token_key[:8]}… ({self.user})"
