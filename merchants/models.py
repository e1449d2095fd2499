"""Merchants: overseas companies that sell on the platform.

The foundation keeps only what the catalog needs (who sells, from where, in which currency, whether
the store is open). Applications, qualification review, deposits, penalties and the blacklist build
on this model.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.i18n import LocalizedFieldsMixin


class Merchant(LocalizedFieldsMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")
        BLACKLISTED = "blacklisted", _("Blacklisted")

    localized_fields = ("name", "description")

    slug = models.SlugField(max_length=80, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    name_zh = models.CharField(_("store name (Chinese)"), max_length=120, blank=True)
    name_en = models.CharField(_("store name (English)"), max_length=120, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    country = CountryField(_("country of registration"))
    registration_number = models.CharField(_("registration number"), max_length=64)
    settlement_currency = models.CharField(
        _("settlement currency"), max_length=3, choices=[(c, c) for c in settings.SETTLEMENT_CURRENCIES]
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    approved_at = models.DateTimeField(_("on the platform since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["slug"]

    def __str__(self):
        return self.name_en or self.name_zh or self.legal_name

    def get_absolute_url(self):
        return reverse("merchants:store", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.APPROVED


class MerchantMember(models.Model):
    """A user who works for a merchant. A user belongs to at most one merchant."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_membership"
    )
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant member")
        verbose_name_plural = _("merchant members")

    def __str__(self):
        return f"{self.user} @ {self.merchant}"
