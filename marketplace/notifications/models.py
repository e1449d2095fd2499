"""The notification centre: what happened that a person should know, for every party (shoppers, store
staff, platform staff). Written by `marketplace.notifications.services.notify` in both languages, so
the centre reads in the page's language and the email goes in the recipient's own
(docs/rules.md, "Notifications")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        ORDER = "order", _("Order")
        SHIPMENT = "shipment", _("Shipment")
        AFTERSALES = "aftersales", _("After-sales")
        ARBITRATION = "arbitration", _("Arbitration")
        REVIEW = "review", _("Review")
        PAYOUT = "payout", _("Payout")
        MESSAGE = "message", _("Message")
        STORE = "store", _("Store")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title_zh = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    body_zh = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # Set by the caller when one event must notify once even if its service runs twice.
    dedupe_key = models.CharField(max_length=120, blank=True)
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.title_en}"

    @property
    def title(self) -> str:
        from marketplace.i18n import content_language

        return (self.title_zh if content_language() == "zh" else self.title_en) or self.title_en

    @property
    def body(self) -> str:
        from marketplace.i18n import content_language

        return (self.body_zh if content_language() == "zh" else self.body_en) or self.body_en
