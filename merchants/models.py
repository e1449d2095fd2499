"""Merchants: overseas companies that sell on the platform, how they join (application, documents,
brand authorizations, review) and how they are held to the rules (violations, penalty points,
suspension, blacklist).

A `Merchant` exists from the moment a company starts applying (status "pending"); its store opens
when an application is approved. Every change of state goes through `services.py` and leaves a
`MerchantEvent` (and a `ReviewDecision` for reviews).
"""

import datetime
import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField

from marketplace import identifiers
from marketplace.i18n import LocalizedFieldsMixin

from .storage import private_storage


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
    address = models.TextField(_("registered address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    approved_at = models.DateTimeField(_("on the platform since"), null=True, blank=True)
    # Set when penalty points reach the blacklist threshold; staff then decide.
    blacklist_proposed_at = models.DateTimeField(_("proposed for the blacklist"), null=True, blank=True)
    # Approved since security deposits exist and not yet paid its deposit in full: its store stays
    # closed (nothing listed, nothing published) until it has (docs/rules.md, "Security deposit").
    awaiting_deposit = models.BooleanField(_("waiting for its security deposit"), default=False)
    # Where returned goods go: an address in mainland China (the store's or its bonded warehouse's).
    return_recipient = models.CharField(_("return recipient"), max_length=60, blank=True)
    return_phone = models.CharField(_("return phone"), max_length=20, blank=True)
    return_address = models.CharField(_("return address in mainland China"), max_length=400, blank=True)
    # Whether the store takes back goods a buyer simply changed their mind about (unused, as sold).
    accepts_changed_mind = models.BooleanField(
        _("accepts returns when the buyer changed their mind"), default=True
    )
    # Customer service hours, China time, every day: the first-response time counts only these.
    service_hours_start = models.TimeField(_("customer service from"), default=datetime.time(9, 0))
    service_hours_end = models.TimeField(_("customer service until"), default=datetime.time(21, 0))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["slug"]
        constraints = [
            # One company, one store: two approvals racing for the same number cannot both win.
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~models.Q(status="pending") & ~models.Q(registration_number=""),
                name="merchant_registration_number_unique",
            ),
            # A merchant starts without a country (`merchant_application_start`).
            models.CheckConstraint(
                condition=identifiers.country_check(identifiers.COUNTRY_OR_BLANK_DB_REGEX),
                name="merchant_country_code",
            ),
        ]

    def __str__(self):
        return self.name_en or self.name_zh or self.legal_name

    def save(self, *args, **kwargs):
        # Codes and identifiers in their canonical ASCII form whatever path saves (InvalidIdentifier
        # otherwise, a 400): the registration number as the comparison key one store per company
        # is unique by.
        self.country = identifiers.country_code(self.country, allow_blank=True)
        self.registration_number = identifiers.registration_number_key(self.registration_number)
        self.contact_phone = identifiers.contact_phone(self.contact_phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("merchants:store", args=[self.slug])

    @property
    def is_open(self) -> bool:
        """Approved, and its security deposit paid if it was approved after deposits existed."""
        return self.status == self.Status.APPROVED and not self.awaiting_deposit

    @property
    def payouts_blocked(self) -> bool:
        """A blacklisted merchant's money stays frozen (payments read this before any payout)."""
        return self.status == self.Status.BLACKLISTED

    @staticmethod
    def provisional_slug() -> str:
        """A store address for an applicant; replaced by one made from the store name at approval."""
        return f"applicant-{secrets.token_hex(5)}"


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


class MerchantApplication(models.Model):
    """What a company submits to be allowed to sell, and where its review stands.

    The state machine lives here (`TRANSITIONS`) and only `services.application_transition` moves it.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        NEEDS_INFO = "needs_info", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS = {
        State.DRAFT: {State.SUBMITTED},
        State.SUBMITTED: {State.APPROVED, State.REJECTED, State.NEEDS_INFO},
        State.NEEDS_INFO: {State.SUBMITTED, State.REJECTED},
        State.APPROVED: set(),
        State.REJECTED: set(),
    }
    EDITABLE_STATES = {State.DRAFT, State.NEEDS_INFO}

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="applications")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    store_name_zh = models.CharField(_("store name (Chinese)"), max_length=120, blank=True)
    store_name_en = models.CharField(_("store name (English)"), max_length=120, blank=True)
    country = CountryField(_("country or region of registration"), blank=True)
    registration_number = models.CharField(_("company registration number"), max_length=64, blank=True)
    address = models.TextField(_("registered address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    settlement_currency = models.CharField(
        _("settlement currency"),
        max_length=3,
        blank=True,
        choices=[(c, c) for c in settings.SETTLEMENT_CURRENCIES],
    )
    # The reviewer's latest words to the applicant (request for information or rejection reasons).
    reviewer_message = models.TextField(_("message from the reviewer"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("merchant application")
        verbose_name_plural = _("merchant applications")
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["state", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=identifiers.country_check(identifiers.COUNTRY_OR_BLANK_DB_REGEX),
                name="merchant_application_country_code",
            ),
        ]

    def __str__(self):
        return f"{self.legal_name or _('(no name yet)')} [{self.get_state_display()}]"

    def save(self, *args, **kwargs):
        self.country = identifiers.country_code(self.country, allow_blank=True)
        self.registration_number = identifiers.registration_number(self.registration_number)
        self.contact_phone = identifiers.contact_phone(self.contact_phone)
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def can_become(self, state) -> bool:
        return state in self.TRANSITIONS[self.State(self.state)]


class BrandAuthorization(models.Model):
    """A merchant's right to sell one brand: it owns the trademark, or the owner authorized it for a
    period. Products may carry the brand only while an approved authorization is in force."""

    class Kind(models.TextChoices):
        OWNER = "owner", _("Brand owner (holds the trademark)")
        AUTHORIZED = "authorized", _("Authorized by the brand owner")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="brand_authorizations")
    application = models.ForeignKey(
        MerchantApplication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="brand_authorizations",
    )
    brand = models.ForeignKey("marketplace.Brand", on_delete=models.PROTECT, related_name="authorizations")
    kind = models.CharField(_("basis"), max_length=16, choices=Kind.choices)
    authorized_by = models.CharField(
        _("authorized by"), max_length=200, blank=True, help_text=_("The brand owner, or the chain from it.")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("brand authorization")
        verbose_name_plural = _("brand authorizations")
        ordering = ["brand__name", "pk"]
        indexes = [models.Index(fields=["status", "valid_until"])]

    def __str__(self):
        return f"{self.merchant} / {self.brand} ({self.get_status_display()})"

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.valid_until is not None and self.valid_until < today

    def is_in_force(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.APPROVED
            and (self.valid_from is None or self.valid_from <= today)
            and not self.is_expired(today)
        )


def document_upload_to(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"qualifications/{instance.merchant_id}/{secrets.token_hex(12)}{suffix}"


class QualificationDocument(models.Model):
    """A file a merchant uploads for review. Stored outside the public media folder (`storage.py`)."""

    class Kind(models.TextChoices):
        REGISTRATION_CERTIFICATE = "registration_certificate", _("Company registration certificate")
        RETAIL_PROOF = "retail_proof", _("Proof of overseas retail operation")
        TRADEMARK_CERTIFICATE = "trademark_certificate", _("Trademark registration certificate")
        AUTHORIZATION_LETTER = "authorization_letter", _("Brand authorization letter")
        OTHER = "other", _("Other document")

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="documents")
    application = models.ForeignKey(
        MerchantApplication, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    brand_authorization = models.ForeignKey(
        BrandAuthorization, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=32, choices=Kind.choices)
    file = models.FileField(storage=private_storage, upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("seller:document", args=[self.pk])


class ReviewDecision(models.Model):
    """Who decided what about an application, a brand or a brand authorization, when and why."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        REQUEST_INFO = "request_info", _("More information requested")

    application = models.ForeignKey(
        MerchantApplication, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    brand = models.ForeignKey(
        "marketplace.Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="review_decisions"
    )
    brand_authorization = models.ForeignKey(
        BrandAuthorization, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_decision_display()} by {self.reviewer} at {self.created_at:%Y-%m-%d %H:%M}"


class ViolationKind(LocalizedFieldsMixin, models.Model):
    """A kind of rule breach and the penalty points it costs. Staff edit these in the console."""

    localized_fields = ("name",)

    code = models.SlugField(max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    points = models.PositiveSmallIntegerField(_("penalty points"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("violation kind")
        verbose_name_plural = _("violation kinds")
        ordering = ["points", "code"]

    def __str__(self):
        return f"{self.name_en or self.name_zh} ({self.points})"


class Violation(models.Model):
    """One recorded breach. Points are copied from the kind, so editing a kind later does not
    rewrite history; they count in the calendar year of `occurred_on`."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="violations")
    kind = models.ForeignKey(ViolationKind, on_delete=models.PROTECT, related_name="violations")
    points = models.PositiveSmallIntegerField(_("penalty points"))
    note = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("occurred on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["merchant", "occurred_on"])]

    def __str__(self):
        return f"{self.merchant}: {self.kind} on {self.occurred_on}"


class BlacklistEntry(models.Model):
    """A merchant on the public blacklist. The registration number is kept so the same company
    cannot apply again under a new account. Lifting keeps the entry with who, when and why."""

    class Reason(models.TextChoices):
        COUNTERFEIT = "counterfeit", _("Counterfeit goods")
        FRAUD = "fraud", _("Fraud or fake transactions")
        FORGED_QUALIFICATIONS = "forged_qualifications", _("Forged qualifications")
        PENALTY_POINTS = "penalty_points", _("Penalty points over the limit")
        CONSUMER_HARM = "consumer_harm", _("Serious harm to consumers")
        OTHER = "other", _("Other serious violation")

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="blacklist_entries")
    legal_name = models.CharField(_("legal name"), max_length=200)
    store_name = models.CharField(_("store name"), max_length=120)
    country = CountryField(_("country or region"))
    registration_number = models.CharField(_("registration number"), max_length=64, db_index=True)
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    note = models.TextField(_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("blacklisted on"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(_("why it was lifted"), blank=True)

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.legal_name} ({self.get_reason_display()})"

    def save(self, *args, **kwargs):
        self.registration_number = identifiers.registration_number_key(self.registration_number)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class MerchantEvent(models.Model):
    """The event record of everything that happens to a merchant."""

    class Kind(models.TextChoices):
        APPLICATION_STARTED = "application_started", _("Application started")
        APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
        APPLICATION_NEEDS_INFO = "application_needs_info", _("More information requested")
        APPLICATION_APPROVED = "application_approved", _("Application approved")
        APPLICATION_REJECTED = "application_rejected", _("Application rejected")
        AUTHORIZATION_APPROVED = "authorization_approved", _("Brand authorization approved")
        AUTHORIZATION_REJECTED = "authorization_rejected", _("Brand authorization rejected")
        AUTHORIZATION_EXPIRED = "authorization_expired", _("Brand authorization expired")
        VIOLATION_RECORDED = "violation_recorded", _("Violation recorded")
        WARNED = "warned", _("Warned")
        SUSPENDED = "suspended", _("Suspended")
        SUSPENSION_LIFTED = "suspension_lifted", _("Suspension lifted")
        BLACKLIST_PROPOSED = "blacklist_proposed", _("Proposed for the blacklist")
        BLACKLISTED = "blacklisted", _("Blacklisted")
        BLACKLIST_LIFTED = "blacklist_lifted", _("Blacklisting lifted")
        DEPOSIT_PAID = "deposit_paid", _("Security deposit paid")
        DEPOSIT_SHORTFALL = "deposit_shortfall", _("Security deposit below the required amount")
        DEPOSIT_TOPPED_UP = "deposit_topped_up", _("Security deposit topped up")
        AFTERSALES_SETTINGS_CHANGED = "aftersales_settings_changed", _("After-sales settings changed")

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("merchant event")
        verbose_name_plural = _("merchant events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.merchant}: {self.get_kind_display()}"


class SecurityDeposit(models.Model):
    """What a merchant must keep on deposit with the platform, and where its payments stand.

    The money itself is in the ledger (`payments.models.LedgerAccount.MERCHANT_DEPOSIT`, per merchant,
    in its settlement currency): this row holds the requirement and the reminder's dates. `required`
    is `required_cny` converted at `rate` (CNY per unit) and rounded once to the currency's minor unit;
    it is fixed from the first full payment on, until the CNY requirement itself changes (docs/rules.md,
    "Security deposit and the merchant's finance pages"). Written only by `payments.services.deposits`.
    """

    merchant = models.OneToOneField(Merchant, on_delete=models.CASCADE, related_name="security_deposit")
    required = MoneyField(_("required deposit"), max_digits=14, decimal_places=2, default_currency="CNY")
    required_cny = models.DecimalField(_("required deposit (CNY)"), max_digits=14, decimal_places=2)
    # The higher tier: the store sells in a category marked `special_deposit`.
    special = models.BooleanField(_("special category"), default=False)
    rate = models.DecimalField(_("exchange rate used"), max_digits=14, decimal_places=6)
    paid_at = models.DateTimeField(_("first paid in full"), null=True, blank=True)
    shortfall_since = models.DateTimeField(_("below the required amount since"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended for the shortfall"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("security deposit")
        verbose_name_plural = _("security deposits")
        ordering = ["merchant_id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(required__gt=0), name="deposit_required_positive"),
            models.CheckConstraint(
                condition=models.Q(required_cny__gt=0), name="deposit_required_cny_positive"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="deposit_rate_positive"),
            # A reminder belongs to a shortfall, a suspension to a reminder.
            models.CheckConstraint(
                condition=models.Q(reminded_at__isnull=True) | models.Q(shortfall_since__isnull=False),
                name="deposit_reminder_needs_shortfall",
            ),
            models.CheckConstraint(
                condition=models.Q(suspended_at__isnull=True) | models.Q(reminded_at__isnull=False),
                name="deposit_suspension_needs_reminder",
            ),
        ]

    def __str__(self):
        return f"deposit {self.merchant_id} {self.required}"


def product_import_upload_to(instance, filename):
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"imports/{instance.merchant_id}/{secrets.token_hex(12)}{suffix}"


class ProductImport(models.Model):
    """A spreadsheet of products a merchant uploaded, and how far its processing got. The file stays in
    private storage; `errors` holds one entry per problem: {"row", "column", "message"}."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="product_imports")
    file = models.FileField(storage=private_storage, upload_to=product_import_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("products created"), default=0)
    updated_count = models.PositiveIntegerField(_("products updated"), default=0)
    failed_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    failure = models.TextField(_("why the import failed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("seller:import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
