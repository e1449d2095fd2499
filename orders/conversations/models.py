"""Conversations between a shopper and a store (the platform's answer to Wangwang): about a product
before buying, or about an order after (docs/rules.md, "Conversations")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from merchants.storage import private_storage


class Conversation(models.Model):
    """One thread between one shopper and one store, about a product or an order (or the store in
    general once they have an order together). `*_read_at` give each side's unread count;
    `awaiting_reply_since` is when the oldest shopper message the store has not answered was sent."""

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="conversations")
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    # PROTECT: a thread keeps its subject. Were a product or an order deleted under it (SET_NULL), two
    # threads could both become the pair's "general" thread and break `conversation_one_general`;
    # a store hides a product it no longer sells instead of deleting it.
    product = models.ForeignKey(
        "marketplace.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="conversations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    shopper_read_at = models.DateTimeField(null=True, blank=True)
    merchant_read_at = models.DateTimeField(null=True, blank=True)
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["merchant", "-last_message_at"]),
            models.Index(fields=["shopper", "-last_message_at"]),
        ]
        constraints = [
            # One thread per shopper, store and subject: asking twice continues the same thread.
            models.UniqueConstraint(
                fields=["merchant", "shopper", "order"],
                condition=models.Q(order__isnull=False),
                name="conversation_one_per_order",
            ),
            models.UniqueConstraint(
                fields=["merchant", "shopper", "product"],
                condition=models.Q(order__isnull=True, product__isnull=False),
                name="conversation_one_per_product",
            ),
            models.UniqueConstraint(
                fields=["merchant", "shopper"],
                condition=models.Q(order__isnull=True, product__isnull=True),
                name="conversation_one_general",
            ),
        ]

    def __str__(self):
        return f"{self.shopper_id} / {self.merchant_id}"


class Message(models.Model):
    class Side(models.TextChoices):
        SHOPPER = "shopper", _("Shopper")
        MERCHANT = "merchant", _("Store")
        STAFF = "staff", _("Platform")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    body = models.TextField(_("message"), max_length=2000, blank=True)
    # An image, checked by content; private to the two parties and staff (served by a view).
    image = models.FileField(storage=private_storage, upload_to="messages/%Y/%m/", blank=True)
    image_content_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # On the store's first reply after the shopper waited: the wait, counted in the store's business
    # hours only (seconds). The store's median first-response time is the median of these.
    response_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body="") | ~models.Q(image=""), name="message_not_empty"
            )
        ]

    def __str__(self):
        return f"{self.conversation_id}: {self.side}"
