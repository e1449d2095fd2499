"""After-sales cases: a shopper's request for a refund (with or without returning the goods), the
store's answer, the return parcel, platform arbitration and the refund (docs/rules.md, "After-sales").

Every change goes through `orders.cases.services` under the case's row lock and writes a `CaseEvent`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from merchants.storage import private_storage


class AfterSalesCase(models.Model):
    class Kind(models.TextChoices):
        REFUND_ONLY = "refund", _("Refund only")
        RETURN = "return", _("Return and refund")

    class Reason(models.TextChoices):
        NOT_RECEIVED = "not_received", _("Not received")
        DAMAGED = "damaged", _("Damaged")
        NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
        COUNTERFEIT = "counterfeit", _("Suspected counterfeit")
        CHANGED_MIND = "changed_mind", _("Changed my mind")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the store")
        OFFERED = "offered", _("Store offered a partial refund")
        REFUSED = "refused", _("Refused by the store")
        AWAITING_RETURN = "awaiting_return", _("Accepted: send the goods back")
        RETURNING = "returning", _("Goods on their way back")
        ARBITRATION = "arbitration", _("In platform arbitration")
        REFUNDING = "refunding", _("Refund being paid")
        REFUNDED = "refunded", _("Refunded")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        FULL = "full", _("Full refund")
        PARTIAL = "partial", _("Partial refund")
        REJECTED = "rejected", _("Rejected")

    class Party(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        MERCHANT = "merchant", _("Store")

    # A case in one of these holds the order's escrow release (`payments.services.release_blockers`)
    # and is the one open case its order may have.
    OPEN_STATUSES = (
        Status.REQUESTED,
        Status.OFFERED,
        Status.REFUSED,
        Status.AWAITING_RETURN,
        Status.RETURNING,
        Status.ARBITRATION,
        Status.REFUNDING,
    )

    number = models.CharField(_("case number"), max_length=24, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="cases")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("what the buyer asks for"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    description = models.TextField(_("description"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    # CNY. Requested: what the buyer asks (at most what was paid for the lines, `max_refund`).
    # Offered: the store's partial offer. Agreed: what will be / was refunded.
    amount_requested = MoneyField(
        _("amount requested"), max_digits=14, decimal_places=2, default_currency="CNY"
    )
    amount_offered = MoneyField(
        _("amount offered"), max_digits=14, decimal_places=2, default_currency="CNY", null=True, blank=True
    )
    amount_agreed = MoneyField(
        _("refund"), max_digits=14, decimal_places=2, default_currency="CNY", null=True, blank=True
    )
    # The tax part of the refund (refunded only for goods returned through customs within 30 days of
    # clearance, or never received) and whether the buyer's annual quota is given back.
    tax_refunded = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY", default=0)
    quota_restored = models.BooleanField(default=False)
    refusal_reason = models.TextField(_("the store's reason"), blank=True)
    # Deadlines: the store's answer, the buyer's answer to an offer or refusal, the store's check of
    # the returned goods after their delivery, the party asked for more by the arbitrator.
    respond_by = models.DateTimeField(_("answer by"), null=True, blank=True, db_index=True)
    buyer_respond_by = models.DateTimeField(null=True, blank=True)
    return_check_by = models.DateTimeField(null=True, blank=True)
    # Arbitration
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, db_index=True)
    escalated_by = models.CharField(max_length=10, choices=Party.choices, blank=True)
    arbitrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("after-sales case")
        verbose_name_plural = _("after-sales cases")
        # Platform arbitrators: the arbitration queue and decisions (staff with this permission).
        permissions = [("arbitrate_case", "Can arbitrate after-sales cases")]
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["merchant", "status", "-created_at"]),
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "escalated_at"]),
        ]
        constraints = [
            # Two requests on one order at the same moment make one case (docs/rules.md).
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(
                    status__in=[
                        "requested",
                        "offered",
                        "refused",
                        "awaiting_return",
                        "returning",
                        "arbitration",
                        "refunding",
                    ]
                ),
                name="case_one_open_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_requested__gt=0), name="case_requested_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_offered__isnull=True) | models.Q(amount_offered__gt=0),
                name="case_offered_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_agreed__isnull=True) | models.Q(amount_agreed__gte=0),
                name="case_agreed_not_negative",
            ),
            models.CheckConstraint(condition=models.Q(tax_refunded__gte=0), name="case_tax_not_negative"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CaseLine(models.Model):
    """A line of the order and how many of its units the case is about."""

    case = models.ForeignKey(AfterSalesCase, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="case_lines")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "order_line"], name="case_line_once"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="case_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.case_id}: {self.quantity} x {self.order_line_id}"


class CaseEvent(models.Model):
    """The case's timeline, which both sides and the arbitrator see."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Request opened")
        ACCEPTED = "accepted", _("Accepted by the store")
        AUTO_ACCEPTED = "auto_accepted", _("Accepted: the store did not answer in time")
        OFFERED = "offered", _("Partial refund offered")
        OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
        REFUSED = "refused", _("Refused by the store")
        RETURN_SHIPPED = "return_shipped", _("Goods sent back")
        RETURN_DELIVERED = "return_delivered", _("Returned goods delivered to the store")
        RETURN_RECEIVED = "return_received", _("Store confirmed the returned goods")
        RETURN_AUTO_RECEIVED = (
            "return_auto_received",
            _("Returned goods accepted: the store did not check in time"),
        )
        ESCALATED = "escalated", _("Escalated to platform arbitration")
        INFO_REQUESTED = "info_requested", _("Arbitrator asked for more")
        INFO_LAPSED = "info_lapsed", _("No answer to the arbitrator in time")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        DECIDED = "decided", _("Arbitrator decided")
        REFUND_PAID = "refund_paid", _("Refund paid")
        REFUND_FAILED = "refund_failed", _("Refund attempt failed")
        WITHDRAWN = "withdrawn", _("Withdrawn by the buyer")
        EXPIRED = "expired", _("Closed: no answer in time")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey(AfterSalesCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    amount = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY", null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case_id}: {self.kind}"


class CaseEvidence(models.Model):
    """A photo (checked by content, private: the two parties and staff) or a written statement added
    to a case by the buyer, the store or staff."""

    class Party(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        MERCHANT = "merchant", _("Store")
        STAFF = "staff", _("Platform")

    case = models.ForeignKey(AfterSalesCase, on_delete=models.CASCADE, related_name="evidence")
    party = models.CharField(max_length=10, choices=Party.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(storage=private_storage, upload_to="cases/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    note = models.TextField(_("statement"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case_id}: {self.party} evidence"


class ArbitrationInfoRequest(models.Model):
    """The arbitrator asks one side for more, with a deadline; the side answers with evidence. When
    the deadline passes unanswered, the case job sets `lapsed_at` and tells the arbitrator the case
    can be decided on what is on file (a late answer is still taken until the decision)."""

    case = models.ForeignKey(AfterSalesCase, on_delete=models.CASCADE, related_name="info_requests")
    party = models.CharField(max_length=10, choices=AfterSalesCase.Party.choices)
    message = models.TextField(max_length=2000)
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case_id}: ask {self.party}"
