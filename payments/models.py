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

    class Purpose(models.TextChoices):
        ORDERS = "orders", _("Orders")
        DEPOSIT = "deposit", _("Security deposit")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    # What the money is for: a checkout's orders (held in escrow) or a merchant's security deposit.
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.ORDERS)
    # The merchant whose security deposit a deposit payment pays (none for a checkout's payment).
    merchant = models.ForeignKey(
        "merchants.Merchant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deposit_payments",
    )
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
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            # A deposit payment names its merchant; a checkout's payment does not.
            models.CheckConstraint(
                condition=models.Q(purpose="deposit", merchant__isnull=False)
                | models.Q(purpose="orders", merchant__isnull=True),
                name="payment_merchant_iff_deposit",
            ),
            # At most one deposit payment waits to be paid per merchant: asking again reuses it.
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(purpose="deposit", status="requires_payment"),
                name="payment_one_open_deposit_per_merchant",
            ),
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

    class Reason(models.TextChoices):
        ORDER = "order", _("Order refunded before release")
        AFTER_RELEASE = "after_release", _("Order refunded after release")
        COMPENSATION = "compensation", _("Compensation to the buyer")
        AFTER_SALES = "after_sales", _("After-sales refund")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    # Why the money went back to the card: the whole order (before or after release) or a part of it
    # as a compensation (docs/rules.md, "Payouts, refunds after release and compensation").
    reason = models.CharField(max_length=16, choices=Reason.choices, default=Reason.ORDER)
    # The after-sales case this refund settles (reason after_sales).
    case = models.ForeignKey(
        "orders.AfterSalesCase", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
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
    """The platform's accounts. Entries are signed: positive debits, negative credits; each entry has
    a currency, and each transaction balances in every currency.

    - gateway_clearing (asset): money the card processor owes or has paid the platform.
    - escrow (liability, per order, CNY): goods and shipping held for the merchant until release.
    - tax_payable (liability, per order, CNY): cross-border tax collected, owed to customs.
    - platform_revenue (income, CNY): commission earned at release.
    - fx (per currency): conversions between the shopper's CNY and the merchant's currency at the rate
      locked on the order; its balance in each currency is the platform's position in it.
    - merchant_balance (liability, per merchant, its currency): released money not yet paid out.
    - merchant_deposit (liability, per merchant, its currency): the security deposit held.
    - payout_in_transit (liability, per merchant, its currency): payouts sent and not yet settled.
    """

    GATEWAY_CLEARING = "gateway_clearing", _("Payment gateway clearing")
    ESCROW = "escrow", _("Escrow held for merchant")
    TAX_PAYABLE = "tax_payable", _("Cross-border tax collected")
    PLATFORM_REVENUE = "platform_revenue", _("Commission earned")
    FX = "fx", _("Foreign exchange")
    MERCHANT_BALANCE = "merchant_balance", _("Merchant balance")
    MERCHANT_DEPOSIT = "merchant_deposit", _("Security deposit held")
    PAYOUT_IN_TRANSIT = "payout_in_transit", _("Payouts in transit")


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        ESCROW_HOLD = "escrow_hold", _("Payment held in escrow")
        REFUND = "refund", _("Refund from escrow")
        RELEASE = "release", _("Sale released")
        REFUND_AFTER_RELEASE = "refund_released", _("Refund after release")
        COMPENSATION = "compensation", _("Compensation paid")
        AFTER_SALES_REFUND = "aftersales_refund", _("After-sales refund")
        TRANSFER_REVERSED = "transfer_reversed", _("Transfer reversed")
        PAYOUT = "payout", _("Payout")
        PAYOUT_PAID = "payout_paid", _("Payout settled")
        PAYOUT_FAILED = "payout_failed", _("Payout returned")
        DEPOSIT_PAID = "deposit_paid", _("Deposit paid")
        DEPOSIT_DRAWN = "deposit_drawn", _("Deposit drawn")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The order and the merchant the movement concerns (a release, a refund after release, a payout).
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        # Platform finance staff: the finance pages and reconciliation; managing payouts and holds.
        permissions = [
            ("view_finance", "Can see the platform's finance pages and reconciliation"),
            ("manage_finance", "Can mark payouts paid and place or lift release holds"),
        ]
        constraints = [
            # An order's escrow is released exactly once, whatever fires it.
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(kind="release"), name="ledger_one_release_per_order"
            )
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=20, choices=LedgerAccount.choices)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merchant = models.ForeignKey(
        "merchants.Merchant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")  # + debit, - credit

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["account", "order"]),
            models.Index(fields=["account", "merchant"]),
        ]
        # Entries are signed (debit +, credit -); a zero entry moves nothing and is never written.
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_entry_amount_not_zero")
        ]

    def __str__(self):
        return f"{self.account} {self.amount}"


class ReleaseHold(models.Model):
    """Staff stop an order's escrow release (a dispute outside the after-sales cases, a fraud check).
    While a hold is open neither the shopper's confirmation nor the automatic release pays out."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="release_holds")
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("release hold")
        verbose_name_plural = _("release holds")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(lifted_at__isnull=True), name="release_hold_one_open"
            )
        ]

    def __str__(self):
        return f"hold {self.order_id}"


class PayoutAccount(models.Model):
    """Where a merchant's money goes: a Stripe connected account (Stripe mode) or a bank account that
    staff pay by payout batch (without Stripe)."""

    merchant = models.OneToOneField(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="payout_account"
    )
    stripe_account_id = models.CharField(max_length=64, blank=True)
    stripe_details_submitted = models.BooleanField(default=False)
    bank_account_name = models.CharField(_("account holder"), max_length=120, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    bank_account_number = models.CharField(_("account number (IBAN)"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")

    def __str__(self):
        return f"payout account {self.merchant_id}"


class PayoutBatch(models.Model):
    """Bank payouts that finance staff pay together: exported as a CSV for the bank, then marked paid
    with the bank's reference."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bank_reference = models.CharField(_("bank reference"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.reference


class Payout(models.Model):
    """Money paid out of a merchant's balance, in its settlement currency: on request, by the weekly
    run, or (Stripe mode) the transfer that follows an order's release. Paid by a Stripe Connect
    transfer or by a bank payout batch. Its idempotency key is stored before any gateway call."""

    class Method(models.TextChoices):
        STRIPE_TRANSFER = "stripe_transfer", _("Stripe transfer")
        BANK_BATCH = "bank_batch", _("Bank transfer")

    class Kind(models.TextChoices):
        ON_REQUEST = "on_request", _("On request")
        SCHEDULED = "scheduled", _("Weekly payout")
        RELEASE_TRANSFER = "release_transfer", _("Transfer of a released order")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PROCESSING = "processing", _("Processing")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    TRANSITIONS = {
        Status.REQUESTED: {Status.PROCESSING, Status.PAID, Status.FAILED},
        Status.PROCESSING: {Status.PAID, Status.FAILED},
        Status.PAID: set(),
        Status.FAILED: set(),
    }

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="payouts")
    amount = MoneyField(_("amount"), max_digits=14, decimal_places=2, default_currency="CNY")
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    batch = models.ForeignKey(
        PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    gateway_reference = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # A release transfer reversed for a refund after release (its key stored before the call).
    reversal_key = models.CharField(max_length=80, blank=True)
    reversal_reference = models.CharField(max_length=64, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_amount_positive"),
            # An order's release is transferred to the connected account once.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(kind="release_transfer"),
                name="payout_one_release_transfer_per_order",
            ),
        ]

    def __str__(self):
        return self.reference


class PayoutEvent(models.Model):
    """One row per change of a payout's status (with the ledger transaction that moved its money)."""

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    transaction = models.ForeignKey(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.payout_id} {self.from_status}->{self.to_status}"


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


class ReconciliationRun(models.Model):
    """One comparison of the ledger's gateway-facing movements with the gateway's own books over a
    window (`payments.services.reconciliation`). Totals are per currency, as strings of Decimals."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        CLEAN = "clean", _("No difference")
        DIFFERENCES = "differences", _("Differences found")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("Daily job")
        MANUAL = "manual", _("Run by hand")

    since = models.DateTimeField(_("from"))
    until = models.DateTimeField(_("until"))
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    ours_count = models.PositiveIntegerField(_("movements in the ledger"), default=0)
    gateway_count = models.PositiveIntegerField(_("movements at the gateway"), default=0)
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    difference_count = models.PositiveIntegerField(_("differences"), default=0)
    ours_totals = models.JSONField(_("ledger totals per currency"), default=dict)
    gateway_totals = models.JSONField(_("gateway totals per currency"), default=dict)
    error = models.CharField(_("error"), max_length=300, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__gt=models.F("since")), name="reconciliation_window"
            ),
            # The daily job runs once per day, however often it fires.
            models.UniqueConstraint(
                fields=["since", "until"],
                condition=models.Q(trigger="scheduled"),
                name="reconciliation_one_scheduled_per_window",
            ),
        ]

    def __str__(self):
        return f"reconciliation {self.since:%Y-%m-%d} {self.status}"


class ReconciliationDifference(models.Model):
    """One movement on which the ledger and the gateway disagree."""

    class Kind(models.TextChoices):
        OURS_ONLY = "ours_only", _("In our ledger only")
        GATEWAY_ONLY = "gateway_only", _("At the gateway only")
        AMOUNT = "amount", _("Amounts differ")
        CURRENCY = "currency", _("Currencies differ")
        STATUS = "status", _("Statuses differ")

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="differences")
    kind = models.CharField(_("difference"), max_length=12, choices=Kind.choices)
    movement = models.CharField(_("movement"), max_length=20)  # charge, refund, transfer, ...
    reference = models.CharField(_("gateway reference"), max_length=80, blank=True)
    our_reference = models.CharField(_("our reference"), max_length=80, blank=True)
    our_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    our_currency = models.CharField(max_length=3, blank=True)
    our_status = models.CharField(max_length=20, blank=True)
    gateway_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    gateway_currency = models.CharField(max_length=3, blank=True)
    gateway_status = models.CharField(max_length=20, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation difference")
        verbose_name_plural = _("reconciliation differences")
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind} {self.movement} {self.reference or self.our_reference}"


class GatewayEvent(models.Model):
    """A webhook event the gateway sent us (Stripe's signed webhooks), recorded once by its id: a
    duplicate delivery finds the row and changes nothing. `processed_at` is set when the event's
    service ran (in the same transaction as the row is written)."""

    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gateway event")
        verbose_name_plural = _("gateway events")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.gateway} {self.type} {self.event_id}"
