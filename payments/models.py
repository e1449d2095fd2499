"""Payments, refunds, the escrow ledger, and the sandbox processor's own records.

Money is a history: a `Payment` pays the orders of one checkout; each card submission is a
`PaymentAttempt` (unique idempotency key); each refund a `Refund` (unique idempotency key). Every
movement of money is a balanced `LedgerTransaction` of `LedgerEntry` rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField


class Payment(models.Model):
    """One payment for the orders of one checkout."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT = "requires_payment", _("Awaiting payment")
        SUCCEEDED = "succeeded", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField(_("amount"), max_digits=14, decimal_places=2, default_currency="CNY")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUIRES_PAYMENT
    )
    gateway = models.CharField(_("gateway"), max_length=20)
    gateway_reference = models.CharField(max_length=64, blank=True)
    # The checkout's idempotency key: the same checkout submitted twice makes one payment.
    checkout_key = models.CharField(max_length=64, unique=True)
    # The payer as the payment provider reports it to customs (the payment record, one of the three
    # documents matched at the border): copied from the buyer identity chosen at checkout.
    payer_name = models.CharField(_("payer's name"), max_length=60, blank=True)
    payer_id_number = models.CharField(_("payer's ID number"), max_length=18, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        # Money moved by a payment is positive: a charge of zero or less is never recorded.
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self):
        return self.reference


class PaymentAttempt(models.Model):
    """One submission of a card for a payment. The unique key makes a double submit one attempt."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Succeeded")
        DECLINED = "declined", _("Declined")
        ERROR = "error", _("Processing error")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="attempts")
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING)
    card_last4 = models.CharField(max_length=4, blank=True)
    gateway_reference = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.payment_id} {self.status}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    amount = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING)
    gateway_reference = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")
        ]

    def __str__(self):
        return f"refund {self.order_id} {self.amount}"


class LedgerAccount(models.TextChoices):
    """The platform's accounts. Entries are signed: positive debits, negative credits.

    - gateway_clearing (asset): money the card processor owes or has paid the platform.
    - escrow (liability, per order): goods and shipping held for the merchant until release.
    - tax_payable (liability, per order): cross-border tax collected, owed to customs.
    """

    GATEWAY_CLEARING = "gateway_clearing", _("Payment gateway clearing")
    ESCROW = "escrow", _("Escrow held for merchant")
    TAX_PAYABLE = "tax_payable", _("Cross-border tax collected")


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        ESCROW_HOLD = "escrow_hold", _("Payment held in escrow")
        REFUND = "refund", _("Refund from escrow")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=20, choices=LedgerAccount.choices)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")  # + debit, - credit

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "order"])]
        # Entries are signed (debit +, credit -); a zero entry moves nothing and is never written.
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_entry_amount_not_zero")
        ]

    def __str__(self):
        return f"{self.account} {self.amount}"


class SandboxOperation(models.Model):
    """The offline sandbox processor's own books (what Stripe would keep on its side): every call it
    answered, by idempotency key, so a retried call gets the first answer and moves no money twice."""

    class Kind(models.TextChoices):
        CREATE = "create", "create"
        CHARGE = "charge", "charge"
        REFUND = "refund", "refund"

    idempotency_key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    intent = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    outcome = models.CharField(max_length=20)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="sandbox_operation_amount_positive")
        ]

    def __str__(self):
        return f"{self.kind} {self.intent} {self.outcome}"
