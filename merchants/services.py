"""Writes and business rules for merchants: applying, review, brands and authorizations, penalties,
suspension and the blacklist. Each function runs in one transaction, checks who acts, and leaves a
`MerchantEvent` (and a `ReviewDecision` for review decisions). Notifications go out after commit."""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace import identifiers
from marketplace.models import Brand, Product, User
from marketplace.selectors import catalog_changed

from . import selectors
from .documents import ACCEPTED, document_sniff
from .errors import (
    AlreadyMerchant,
    ApplicationIncomplete,
    ApplicationNotEditable,
    IllegalTransition,
    InvalidAuthorization,
    InvalidStatusChange,
    MainlandCompanyRefused,
    NotAllowed,
    ReasonRequired,
    RegistrationBlacklisted,
    RegistrationTaken,
)
from .models import (
    BlacklistEntry,
    BrandAuthorization,
    Merchant,
    MerchantApplication,
    MerchantEvent,
    MerchantMember,
    QualificationDocument,
    ReviewDecision,
    SecurityDeposit,
    Violation,
    ViolationKind,
)

MAINLAND = "CN"
State = MerchantApplication.State
APPLICATION_FIELDS = (
    "legal_name",
    "store_name_zh",
    "store_name_en",
    "country",
    "registration_number",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "settlement_currency",
)


# --- who may act -------------------------------------------------------------------------------


def _require_member(user, merchant):
    if not (user and user.is_authenticated and user.merchant and user.merchant.pk == merchant.pk):
        raise NotAllowed()


def _require_staff(user):
    if not (user and user.is_authenticated and user.is_staff):
        raise NotAllowed()


def _event(merchant, kind, actor=None, note="", **data):
    return MerchantEvent.objects.create(
        merchant=merchant, kind=kind, actor=actor if actor and actor.pk else None, note=note, data=data
    )


def _notify(merchant, subject, body="", params=None, *, url="", dedupe_key=""):
    """Tell the store: every member of its staff gets it in the notification centre; its owners also
    by email, each in their own language (`marketplace.notifications.notify`, after commit); the
    contact address, when it is nobody's account, by a plain email. `subject` and `body` are lazy
    translatable strings interpolated with `params`, so each person reads them in their language.
    MERCHANT_NOTIFICATIONS off (while seeding the demo) sends no email; the centre still records it."""
    from marketplace.notifications.models import Notification
    from marketplace.notifications.services import notify

    emails = getattr(settings, "MERCHANT_NOTIFICATIONS", True)
    members = list(merchant.members.select_related("user").order_by("pk"))
    url = url or _merchant_url(merchant)
    owner_emails, first_owner = set(), None
    for member in members:
        owner = member.role == MerchantMember.Role.OWNER
        notify(
            user=member.user,
            kind=Notification.Kind.STORE,
            title=subject,
            body=body,
            params=params,
            url=url,
            email=emails and owner,
            dedupe_key=dedupe_key,
        )
        if owner:
            owner_emails.add(member.user.email.lower())
            first_owner = first_owner or member.user
    contact = (merchant.contact_email or "").strip()
    if not emails or not contact or contact.lower() in owner_emails:
        return
    from marketplace.notifications.services import render_in

    language = first_owner.language if first_owner else translation.get_language() or settings.LANGUAGE_CODE
    subject, body = render_in(language, subject, params), render_in(language, body, params)
    from .tasks import notification_send

    transaction.on_commit(lambda: notification_send.delay(subject=subject, body=body, recipients=[contact]))


def _merchant_url(merchant) -> str:
    """Where a store's notification leads: the dashboard (the application while it applies)."""
    from django.urls import reverse

    if merchant.status == Merchant.Status.APPROVED:
        return reverse("seller:overview")
    if merchant.status in (Merchant.Status.SUSPENDED, Merchant.Status.BLACKLISTED):
        return reverse("seller:penalties")
    return reverse("seller:application")


def merchant_event_record(
    *, merchant, kind, actor=None, note="", subject="", body="", params=None, url="", **data
) -> MerchantEvent:
    """Record something that happened to a merchant, for other apps' services (the security deposit):
    a `MerchantEvent`, and when `subject` is given a notification to its staff (emailed to its owners
    and contact after commit). `subject` and `body`: lazy translatable strings, with `params`."""
    event = _event(merchant, kind, actor, note, **data)
    if subject:
        _notify(merchant, subject, body or note, params, url=url, dedupe_key=f"merchant-event-{event.pk}")
    return event


# --- applying ----------------------------------------------------------------------------------


@transaction.atomic
def merchant_application_start(*, user: User) -> MerchantApplication:
    """A company starts applying: its (pending) merchant, the user as owner, and a draft."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_staff or MerchantMember.objects.filter(user=user).exists():
        raise AlreadyMerchant()
    merchant = Merchant.objects.create(
        slug=Merchant.provisional_slug(), legal_name="", country="", registration_number=""
    )
    MerchantMember.objects.create(user=user, merchant=merchant, role=MerchantMember.Role.OWNER)
    if user.role != User.Role.MERCHANT:
        user.role = User.Role.MERCHANT
        user.save(update_fields=["role"])
    application = MerchantApplication.objects.create(
        merchant=merchant, created_by=user, contact_email=user.email
    )
    _event(merchant, MerchantEvent.Kind.APPLICATION_STARTED, user)
    return application


def _locked_application(application) -> MerchantApplication:
    return MerchantApplication.objects.select_for_update().select_related("merchant").get(pk=application.pk)


def _require_editable(application):
    if not application.is_editable:
        raise ApplicationNotEditable(application.get_state_display())


def _check_company(country, registration_number, merchant):
    if str(country or "").upper() == MAINLAND:
        raise MainlandCompanyRefused()
    if registration_number and selectors.registration_blacklisted(registration_number):
        raise RegistrationBlacklisted()


@transaction.atomic
def merchant_application_update(*, application: MerchantApplication, actor: User, **fields):
    """Save part of the draft (any of APPLICATION_FIELDS). Refusals come as early as possible."""
    application = _locked_application(application)
    _require_member(actor, application.merchant)
    _require_editable(application)
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValueError(f"not application fields: {sorted(unknown)}")
    # Codes and identifiers in their canonical ASCII form, or a clear InvalidIdentifier (400).
    if "country" in fields:
        fields["country"] = identifiers.country_code(fields["country"], allow_blank=True)
    if "registration_number" in fields:
        fields["registration_number"] = identifiers.registration_number(fields["registration_number"])
    if "contact_phone" in fields:
        fields["contact_phone"] = identifiers.contact_phone(fields["contact_phone"])
    country = fields.get("country", application.country)
    number = fields.get("registration_number", application.registration_number)
    _check_company(country, number, application.merchant)
    if (
        fields.get("settlement_currency")
        and fields["settlement_currency"] not in settings.SETTLEMENT_CURRENCIES
    ):
        raise ApplicationIncomplete([_("the settlement currency is not one the platform pays out in")])
    for name, value in fields.items():
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    application.save()
    return application


@transaction.atomic
def brand_authorization_add(
    *,
    merchant: Merchant,
    actor: User,
    kind: str,
    brand: Brand | None = None,
    new_brand_name: str = "",
    new_brand_country: str = "",
    authorized_by: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> BrandAuthorization:
    """Ask for the right to sell a brand, as its owner or with the owner's authorization. A brand
    not yet in the catalog is proposed with it (pending staff approval). While an application is
    open the authorization belongs to it; an approved merchant's goes to review on its own."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    _require_member(actor, merchant)
    application = selectors.application_current(merchant)
    if merchant.status == Merchant.Status.PENDING:
        if application is None or not application.is_editable:
            raise ApplicationNotEditable(application.get_state_display() if application else "")
    elif merchant.status != Merchant.Status.APPROVED:
        raise InvalidStatusChange(merchant.get_status_display(), _("given new brand authorizations"))
    else:
        application = None
    if kind not in BrandAuthorization.Kind.values:
        raise InvalidAuthorization(_("choose whether you own the brand or are authorized"))
    if brand is None:
        name = new_brand_name.strip()
        if not name:
            raise InvalidAuthorization(_("choose a brand or enter the name of a new one"))
        brand = Brand.objects.filter(name__iexact=name).first()
        if brand is None:
            if not (new_brand_country or "").strip():
                raise InvalidAuthorization(_("a new brand needs its country"))
            new_brand_country = identifiers.country_code(new_brand_country)
            brand = Brand.objects.create(
                name=name,
                slug=_unique_slug(Brand, name),
                country=new_brand_country,
                status=Brand.Status.PENDING,
            )
    if brand.status == Brand.Status.REJECTED:
        raise InvalidAuthorization(
            _("the brand %(brand)s was rejected by the platform") % {"brand": brand.name}
        )
    if kind == BrandAuthorization.Kind.AUTHORIZED:
        if not authorized_by.strip():
            raise InvalidAuthorization(_("say who authorized you (the brand owner, or the chain from it)"))
        if not valid_until:
            raise InvalidAuthorization(_("an authorization needs the date it is valid until"))
    if valid_from and valid_until and valid_until < valid_from:
        raise InvalidAuthorization(_("it ends before it starts"))
    if valid_until and valid_until < timezone.localdate():
        raise InvalidAuthorization(_("it expired on %(date)s") % {"date": valid_until})
    duplicate = BrandAuthorization.objects.filter(
        merchant=merchant, brand=brand, status=BrandAuthorization.Status.PENDING
    )
    if duplicate.exists():
        raise InvalidAuthorization(_("%(brand)s is already waiting for review") % {"brand": brand.name})
    return BrandAuthorization.objects.create(
        merchant=merchant,
        application=application,
        brand=brand,
        kind=kind,
        authorized_by=authorized_by.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )


@transaction.atomic
def brand_authorization_request(
    *, merchant: Merchant, actor: User, document=None, **fields
) -> BrandAuthorization:
    """Ask for a brand (`brand_authorization_add`) with its supporting document in one transaction:
    a document the content check refuses writes nothing, neither the authorization nor a proposed
    brand, so the merchant can simply try again with the right file."""
    if document is not None:
        document_sniff(document)  # before any write: the common refusal costs nothing to undo
    authorization = brand_authorization_add(merchant=merchant, actor=actor, **fields)
    if document is not None:
        kind = (
            QualificationDocument.Kind.TRADEMARK_CERTIFICATE
            if authorization.kind == BrandAuthorization.Kind.OWNER
            else QualificationDocument.Kind.AUTHORIZATION_LETTER
        )
        qualification_document_upload(
            merchant=merchant,
            actor=actor,
            kind=kind,
            uploaded_file=document,
            brand_authorization=authorization,
        )
    return authorization


@transaction.atomic
def brand_authorization_remove(*, authorization: BrandAuthorization, actor: User) -> None:
    authorization = BrandAuthorization.objects.select_for_update().get(pk=authorization.pk)
    _require_member(actor, authorization.merchant)
    if authorization.status != BrandAuthorization.Status.PENDING:
        raise InvalidAuthorization(_("only authorizations still waiting for review can be removed"))
    if authorization.application and not authorization.application.is_editable:
        raise ApplicationNotEditable(authorization.application.get_state_display())
    authorization.delete()


@transaction.atomic
def qualification_document_upload(
    *, merchant: Merchant, actor: User, kind: str, uploaded_file, brand_authorization=None
) -> QualificationDocument:
    """Store a document after checking what it really is (PDF, JPEG or PNG, at most 10 MB)."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    _require_member(actor, merchant)
    if kind not in QualificationDocument.Kind.values:
        raise InvalidAuthorization(_("choose what kind of document this is"))
    if brand_authorization is not None and brand_authorization.merchant_id != merchant.pk:
        raise NotAllowed()
    application = selectors.application_current(merchant)
    if merchant.status == Merchant.Status.PENDING and application and not application.is_editable:
        raise ApplicationNotEditable(application.get_state_display())
    content_type = document_sniff(uploaded_file)
    original = (getattr(uploaded_file, "name", "") or "document")[-200:]
    uploaded_file.name = f"upload{ACCEPTED[content_type]}"
    return QualificationDocument.objects.create(
        merchant=merchant,
        application=application if application and application.is_editable else None,
        brand_authorization=brand_authorization,
        kind=kind,
        file=uploaded_file,
        original_name=original,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=actor,
    )


@transaction.atomic
def qualification_document_delete(*, document: QualificationDocument, actor: User) -> None:
    _require_member(actor, document.merchant)
    application = document.application
    if application is None or not application.is_editable:
        raise ApplicationNotEditable(application.get_state_display() if application else _("reviewed"))
    document.file.delete(save=False)
    document.delete()


def application_problems(application: MerchantApplication, *, today=None) -> list[str]:
    """Everything that keeps a draft from being submitted, in the applicant's words."""
    today = today or timezone.localdate()
    problems = []
    required = {
        "legal_name": _("the company's legal name"),
        "country": _("the country or region of registration"),
        "registration_number": _("the registration number"),
        "address": _("the registered address"),
        "contact_name": _("a contact person"),
        "contact_email": _("a contact email"),
        "contact_phone": _("a contact phone"),
        "settlement_currency": _("the settlement currency"),
    }
    missing = [label for field, label in required.items() if not getattr(application, field)]
    if not (application.store_name_zh or application.store_name_en):
        missing.append(_("a store name"))
    if missing:
        problems.append(_("missing %(fields)s") % {"fields": ", ".join(str(m) for m in missing)})
    kinds = set(application.merchant.documents.values_list("kind", flat=True))
    Kind = QualificationDocument.Kind
    if Kind.REGISTRATION_CERTIFICATE not in kinds:
        problems.append(_("upload the company registration certificate"))
    if Kind.RETAIL_PROOF not in kinds:
        problems.append(_("upload proof of overseas retail operation"))
    authorizations = list(
        application.brand_authorizations.select_related("brand").prefetch_related("documents")
    )
    if not authorizations:
        problems.append(_("add at least one brand you want to sell"))
    for authorization in authorizations:
        needed = (
            Kind.TRADEMARK_CERTIFICATE
            if authorization.kind == BrandAuthorization.Kind.OWNER
            else Kind.AUTHORIZATION_LETTER
        )
        if not any(doc.kind == needed for doc in authorization.documents.all()):
            problems.append(
                _("upload the %(document)s for %(brand)s")
                % {"document": Kind(needed).label.lower(), "brand": authorization.brand.name}
            )
        if authorization.is_expired(today):
            problems.append(
                _("the authorization for %(brand)s expired on %(date)s")
                % {"brand": authorization.brand.name, "date": authorization.valid_until}
            )
    return problems


def application_transition(application, to_state, *, actor, reasons="", action=""):
    """The one place an application changes state (caller holds the row lock)."""
    if not application.can_become(to_state):
        raise IllegalTransition(application.get_state_display(), action or State(to_state).label)
    application.state = to_state
    now = timezone.now()
    if to_state == State.SUBMITTED:
        application.submitted_at = now
    if to_state in (State.APPROVED, State.REJECTED):
        application.decided_at = now
    if to_state in (State.NEEDS_INFO, State.REJECTED):
        application.reviewer_message = reasons
    application.save()


@transaction.atomic
def merchant_application_submit(*, application: MerchantApplication, actor: User) -> MerchantApplication:
    application = _locked_application(application)
    _require_member(actor, application.merchant)
    if not application.can_become(State.SUBMITTED):
        raise IllegalTransition(application.get_state_display(), gettext_lazy("submitted for review"))
    _check_company(application.country, application.registration_number, application.merchant)
    problems = application_problems(application)
    if problems:
        raise ApplicationIncomplete(problems)
    application_transition(application, State.SUBMITTED, actor=actor)
    _event(application.merchant, MerchantEvent.Kind.APPLICATION_SUBMITTED, actor)
    return application


# --- review ------------------------------------------------------------------------------------


def _unique_slug(model, text, fallback="merchant"):
    base = slugify(text)[:60] or fallback
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _deposit_paid(merchant) -> bool:
    return SecurityDeposit.objects.filter(merchant=merchant, paid_at__isnull=False).exists()


@transaction.atomic
def merchant_application_approve(*, application: MerchantApplication, reviewer: User, note: str = ""):
    """Open the store: the application's details become the merchant's, its pending brand
    authorizations are approved with it, and the applicant hears about it."""
    _require_staff(reviewer)
    application = _locked_application(application)
    if not application.can_become(State.APPROVED):
        raise IllegalTransition(application.get_state_display(), gettext_lazy("approved"))
    _check_company(application.country, application.registration_number, application.merchant)
    merchant = Merchant.objects.select_for_update().get(pk=application.merchant_id)
    if selectors.registration_other_merchant(application.registration_number, merchant):
        raise RegistrationTaken()
    application_transition(application, State.APPROVED, actor=reviewer)
    ReviewDecision.objects.create(
        application=application, decision=ReviewDecision.Decision.APPROVE, reasons=note, reviewer=reviewer
    )
    for field in ("legal_name", "address", "contact_name", "contact_email", "contact_phone", "country"):
        setattr(merchant, field, getattr(application, field))
    merchant.registration_number = selectors.normalize_registration_number(application.registration_number)
    merchant.settlement_currency = application.settlement_currency
    merchant.name_zh, merchant.name_en = application.store_name_zh, application.store_name_en
    if merchant.slug.startswith("applicant-"):
        merchant.slug = _unique_slug(Merchant, application.store_name_en or application.legal_name)
    merchant.status = Merchant.Status.APPROVED
    merchant.approved_at = merchant.approved_at or timezone.now()
    # The store opens once its security deposit is paid (payments.services.deposits).
    merchant.awaiting_deposit = not _deposit_paid(merchant)
    try:
        with transaction.atomic():
            merchant.save()
    except IntegrityError as exc:  # another reviewer approved the same company a moment ago
        raise RegistrationTaken() from exc
    now = timezone.now()
    for authorization in application.brand_authorizations.select_for_update().filter(
        status=BrandAuthorization.Status.PENDING
    ):
        authorization.status = BrandAuthorization.Status.APPROVED
        authorization.decided_at = now
        authorization.save(update_fields=["status", "decided_at"])
        ReviewDecision.objects.create(
            brand_authorization=authorization,
            decision=ReviewDecision.Decision.APPROVE,
            reviewer=reviewer,
            reasons=_("Approved with the application."),
        )
    _event(merchant, MerchantEvent.Kind.APPLICATION_APPROVED, reviewer, note)
    if merchant.awaiting_deposit:
        body = gettext_lazy(
            "Welcome! Your application was approved. Pay the security deposit of your store %(store)s "
            "in the seller dashboard (Finance) and it opens at once: then you can publish products."
        )
    else:
        body = gettext_lazy(
            "Welcome! Your application was approved and your store %(store)s is open. "
            "You can now list products."
        )
    _notify(
        merchant,
        gettext_lazy("Your store on Global Mall is approved"),
        body,
        {"store": lambda: merchant.name},
        dedupe_key=f"application-{application.pk}-approved",
    )
    return application


@transaction.atomic
def merchant_application_reject(*, application: MerchantApplication, reviewer: User, reasons: str):
    _require_staff(reviewer)
    if not reasons.strip():
        raise ReasonRequired()
    application = _locked_application(application)
    application_transition(
        application, State.REJECTED, actor=reviewer, reasons=reasons.strip(), action=gettext_lazy("rejected")
    )
    ReviewDecision.objects.create(
        application=application,
        decision=ReviewDecision.Decision.REJECT,
        reasons=reasons.strip(),
        reviewer=reviewer,
    )
    application.brand_authorizations.filter(status=BrandAuthorization.Status.PENDING).update(
        status=BrandAuthorization.Status.REJECTED, decided_at=timezone.now()
    )
    _event(application.merchant, MerchantEvent.Kind.APPLICATION_REJECTED, reviewer, reasons)
    _notify(
        application.merchant,
        gettext_lazy("Your application to Global Mall was not approved"),
        gettext_lazy("We are sorry: your application was rejected for these reasons:\n\n%(reasons)s"),
        {"reasons": reasons},
    )
    return application


@transaction.atomic
def merchant_application_request_info(*, application: MerchantApplication, reviewer: User, reasons: str):
    _require_staff(reviewer)
    if not reasons.strip():
        raise ReasonRequired()
    application = _locked_application(application)
    application_transition(
        application,
        State.NEEDS_INFO,
        actor=reviewer,
        reasons=reasons.strip(),
        action=gettext_lazy("sent back for more information"),
    )
    ReviewDecision.objects.create(
        application=application,
        decision=ReviewDecision.Decision.REQUEST_INFO,
        reasons=reasons.strip(),
        reviewer=reviewer,
    )
    _event(application.merchant, MerchantEvent.Kind.APPLICATION_NEEDS_INFO, reviewer, reasons)
    _notify(
        application.merchant,
        gettext_lazy("Global Mall needs more information about your application"),
        gettext_lazy(
            "The reviewer asks:\n\n%(reasons)s\n\nPlease update your application and submit it again."
        ),
        {"reasons": reasons},
    )
    return application


@transaction.atomic
def brand_approve(*, brand: Brand, reviewer: User, note: str = "") -> Brand:
    _require_staff(reviewer)
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    if brand.status == Brand.Status.APPROVED:
        raise InvalidStatusChange(brand.get_status_display(), _("approved"))
    brand.status = Brand.Status.APPROVED
    brand.save(update_fields=["status"])
    ReviewDecision.objects.create(
        brand=brand, decision=ReviewDecision.Decision.APPROVE, reasons=note, reviewer=reviewer
    )
    return brand


@transaction.atomic
def brand_reject(*, brand: Brand, reviewer: User, reasons: str) -> Brand:
    """Reject a brand: its pending authorizations are rejected and its listings leave the store
    (the visibility rule requires an approved brand)."""
    _require_staff(reviewer)
    if not reasons.strip():
        raise ReasonRequired()
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    if brand.status == Brand.Status.REJECTED:
        raise InvalidStatusChange(brand.get_status_display(), _("rejected"))
    brand.status = Brand.Status.REJECTED
    brand.save(update_fields=["status"])
    ReviewDecision.objects.create(
        brand=brand, decision=ReviewDecision.Decision.REJECT, reasons=reasons, reviewer=reviewer
    )
    for authorization in brand.authorizations.select_for_update().filter(
        status=BrandAuthorization.Status.PENDING
    ):
        _authorization_decide(authorization, approve=False, reviewer=reviewer, reasons=reasons)
    return brand


def _authorization_decide(authorization, *, approve, reviewer, reasons=""):
    authorization.status = (
        BrandAuthorization.Status.APPROVED if approve else BrandAuthorization.Status.REJECTED
    )
    authorization.decided_at = timezone.now()
    authorization.save(update_fields=["status", "decided_at"])
    ReviewDecision.objects.create(
        brand_authorization=authorization,
        decision=ReviewDecision.Decision.APPROVE if approve else ReviewDecision.Decision.REJECT,
        reasons=reasons,
        reviewer=reviewer,
    )
    kind = MerchantEvent.Kind.AUTHORIZATION_APPROVED if approve else MerchantEvent.Kind.AUTHORIZATION_REJECTED
    _event(authorization.merchant, kind, reviewer, reasons, brand=authorization.brand.name)
    _notify(
        authorization.merchant,
        gettext_lazy("Brand authorization %(status)s: %(brand)s"),
        "%(reasons)s" if reasons else gettext_lazy("Your authorization for %(brand)s was approved."),
        {
            "status": BrandAuthorization.Status(authorization.status).label,
            "brand": authorization.brand.name,
            "reasons": reasons,
        },
    )


@transaction.atomic
def brand_authorization_approve(*, authorization: BrandAuthorization, reviewer: User, note: str = ""):
    """Approve a merchant's later request to sell one more brand."""
    _require_staff(reviewer)
    authorization = (
        BrandAuthorization.objects.select_for_update()
        .select_related("brand", "merchant")
        .get(pk=authorization.pk)
    )
    if authorization.status != BrandAuthorization.Status.PENDING:
        raise InvalidStatusChange(authorization.get_status_display(), _("approved"))
    if authorization.is_expired():
        raise InvalidAuthorization(_("it expired on %(date)s") % {"date": authorization.valid_until})
    if authorization.brand.status != Brand.Status.APPROVED:
        raise InvalidAuthorization(
            _("approve the brand %(brand)s first") % {"brand": authorization.brand.name}
        )
    _authorization_decide(authorization, approve=True, reviewer=reviewer, reasons=note)
    return authorization


@transaction.atomic
def brand_authorization_reject(*, authorization: BrandAuthorization, reviewer: User, reasons: str):
    _require_staff(reviewer)
    if not reasons.strip():
        raise ReasonRequired()
    authorization = (
        BrandAuthorization.objects.select_for_update()
        .select_related("brand", "merchant")
        .get(pk=authorization.pk)
    )
    if authorization.status != BrandAuthorization.Status.PENDING:
        raise InvalidStatusChange(authorization.get_status_display(), _("rejected"))
    _authorization_decide(authorization, approve=False, reviewer=reviewer, reasons=reasons)
    return authorization


def brand_authorizations_expire(*, today: date | None = None) -> int:
    """Daily: authorizations past their end date expire, the merchant's published products of
    that brand are hidden (unless another authorization still covers it), and the merchant is told.
    One transaction per authorization, so one failure does not hold back the rest."""
    today = today or timezone.localdate()
    expired_ids = list(
        BrandAuthorization.objects.filter(status=BrandAuthorization.Status.APPROVED, valid_until__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in expired_ids:
        with transaction.atomic():
            authorization = (
                BrandAuthorization.objects.select_for_update()
                .select_related("brand", "merchant")
                .filter(pk=pk, status=BrandAuthorization.Status.APPROVED, valid_until__lt=today)
                .first()
            )
            if authorization is None:
                continue
            authorization.status = BrandAuthorization.Status.EXPIRED
            authorization.save(update_fields=["status"])
            merchant, brand = authorization.merchant, authorization.brand
            hidden = 0
            if not selectors.merchant_may_sell_brand(merchant, brand, today=today):
                hidden = Product.objects.filter(
                    merchant=merchant, brand=brand, status=Product.Status.PUBLISHED
                ).update(status=Product.Status.HIDDEN)
                if hidden:
                    catalog_changed()  # a bulk update sends no save signal
            _event(
                merchant,
                MerchantEvent.Kind.AUTHORIZATION_EXPIRED,
                None,
                brand=brand.name,
                valid_until=str(authorization.valid_until),
                products_hidden=hidden,
            )
            _notify(
                merchant,
                gettext_lazy("Your authorization for %(brand)s has expired"),
                gettext_lazy(
                    "Your authorization to sell %(brand)s ended on %(date)s. %(count)s listings were hidden. "
                    "Upload a renewed authorization in the seller dashboard to sell the brand again."
                ),
                {"brand": brand.name, "date": authorization.valid_until, "count": hidden},
                dedupe_key=f"authorization-{authorization.pk}-expired",
            )
            count += 1
    return count


# --- discipline --------------------------------------------------------------------------------


def _locked_merchant(merchant) -> Merchant:
    return Merchant.objects.select_for_update().get(pk=merchant.pk)


@transaction.atomic
def violation_record(
    *, merchant: Merchant, kind: ViolationKind, note: str, recorded_by: User, occurred_on: date | None = None
) -> Violation:
    """Record a breach and apply the thresholds of the year's points: warn, suspend, propose for
    the blacklist. The blacklist itself is always a staff decision (`merchant_blacklist`)."""
    _require_staff(recorded_by)
    if not note.strip():
        raise ReasonRequired()
    merchant = _locked_merchant(merchant)
    occurred_on = occurred_on or timezone.localdate()
    before = selectors.penalty_points(merchant, year=occurred_on.year)
    violation = Violation.objects.create(
        merchant=merchant,
        kind=kind,
        points=kind.points,
        note=note.strip(),
        occurred_on=occurred_on,
        recorded_by=recorded_by,
    )
    after = before + kind.points
    _event(
        merchant,
        MerchantEvent.Kind.VIOLATION_RECORDED,
        recorded_by,
        note,
        violation=kind.code,
        points=kind.points,
        year_total=after,
    )
    thresholds = settings.MERCHANT_PENALTY_THRESHOLDS
    this_year = occurred_on.year == timezone.localdate().year  # a late record of an old breach
    crossed = lambda level: this_year and before < thresholds[level] <= after  # noqa: E731
    if crossed("blacklist"):
        merchant.blacklist_proposed_at = timezone.now()
        merchant.save(update_fields=["blacklist_proposed_at"])
        _event(merchant, MerchantEvent.Kind.BLACKLIST_PROPOSED, recorded_by, year_total=after)
    if (crossed("suspend") or crossed("blacklist")) and merchant.status == Merchant.Status.APPROVED:
        _suspend(merchant, recorded_by, _("%(points)s penalty points this year") % {"points": after})
    elif crossed("warn"):
        _event(merchant, MerchantEvent.Kind.WARNED, recorded_by, year_total=after)
    _notify(
        merchant,
        gettext_lazy("A violation was recorded against your store"),
        gettext_lazy("%(kind)s: %(points)s points (%(total)s this year).\n\n%(note)s"),
        {"kind": lambda: kind.name, "points": kind.points, "total": after, "note": note},
        url=reverse("seller:penalties"),
        dedupe_key=f"violation-{violation.pk}",
    )
    return violation


def _suspend(merchant, actor, reason):
    merchant.status = Merchant.Status.SUSPENDED
    merchant.save(update_fields=["status"])
    _event(merchant, MerchantEvent.Kind.SUSPENDED, actor, reason)
    _notify(merchant, gettext_lazy("Your store is suspended"), "%(reason)s", {"reason": reason})


@transaction.atomic
def merchant_suspend(*, merchant: Merchant, actor: User, reason: str) -> Merchant:
    _require_staff(actor)
    if not reason.strip():
        raise ReasonRequired()
    merchant = _locked_merchant(merchant)
    if merchant.status != Merchant.Status.APPROVED:
        raise InvalidStatusChange(merchant.get_status_display(), _("suspended"))
    _suspend(merchant, actor, reason.strip())
    return merchant


@transaction.atomic
def merchant_suspension_lift(*, merchant: Merchant, actor: User, note: str = "") -> Merchant:
    _require_staff(actor)
    merchant = _locked_merchant(merchant)
    if merchant.status != Merchant.Status.SUSPENDED:
        raise InvalidStatusChange(merchant.get_status_display(), _("reopened"))
    merchant.status = Merchant.Status.APPROVED
    merchant.blacklist_proposed_at = None
    merchant.save(update_fields=["status", "blacklist_proposed_at"])
    _event(merchant, MerchantEvent.Kind.SUSPENSION_LIFTED, actor, note)
    _notify(
        merchant,
        gettext_lazy("Your store is open again"),
        "%(note)s" if note else gettext_lazy("The suspension of your store was lifted."),
        {"note": note},
    )
    return merchant


@transaction.atomic
def merchant_blacklist(*, merchant: Merchant, actor: User, reason: str, note: str) -> BlacklistEntry:
    """Close the store for good: listings disappear (visibility needs an approved merchant), payouts
    freeze (`Merchant.payouts_blocked`), buyers of unshipped orders may cancel for a full refund
    (docs/rules.md), and the company appears on the public blacklist."""
    _require_staff(actor)
    if reason not in BlacklistEntry.Reason.values:
        raise ReasonRequired()
    if not note.strip():
        raise ReasonRequired()
    merchant = _locked_merchant(merchant)
    if merchant.status == Merchant.Status.BLACKLISTED:
        raise InvalidStatusChange(merchant.get_status_display(), _("blacklisted"))
    entry = BlacklistEntry.objects.create(
        merchant=merchant,
        legal_name=merchant.legal_name,
        store_name=merchant.name,
        country=merchant.country,
        registration_number=selectors.normalize_registration_number(merchant.registration_number),
        reason=reason,
        note=note.strip(),
        created_by=actor,
    )
    merchant.status = Merchant.Status.BLACKLISTED
    merchant.blacklist_proposed_at = None
    merchant.save(update_fields=["status", "blacklist_proposed_at"])
    from orders.services import orders_note_store_closed  # orders depend on merchants, not the reverse

    unshipped = orders_note_store_closed(merchant=merchant, actor=actor)
    _event(merchant, MerchantEvent.Kind.BLACKLISTED, actor, note, reason=reason, unshipped_orders=unshipped)
    _notify(
        merchant,
        gettext_lazy("Your store was closed and blacklisted"),
        gettext_lazy("Reason: %(reason)s\n\n%(note)s"),
        {"reason": BlacklistEntry.Reason(entry.reason).label, "note": note},
    )
    return entry


@transaction.atomic
def merchant_blacklist_lift(*, merchant: Merchant, actor: User, reason: str) -> Merchant:
    """Take a merchant off the blacklist (a recorded reason is required). The store stays closed as
    suspended until staff also lift the suspension, so reopening is a second deliberate step."""
    _require_staff(actor)
    if not reason.strip():
        raise ReasonRequired()
    merchant = _locked_merchant(merchant)
    if merchant.status != Merchant.Status.BLACKLISTED:
        raise InvalidStatusChange(merchant.get_status_display(), _("taken off the blacklist"))
    now = timezone.now()
    BlacklistEntry.objects.filter(merchant=merchant, lifted_at__isnull=True).update(
        lifted_at=now, lifted_by=actor, lift_reason=reason.strip()
    )
    merchant.status = Merchant.Status.SUSPENDED
    merchant.save(update_fields=["status"])
    _event(merchant, MerchantEvent.Kind.BLACKLIST_LIFTED, actor, reason)
    return merchant


# --- After-sales settings (issue 13) -----------------------------------------------------------------

RETURN_SETTINGS_FIELDS = (
    "return_recipient",
    "return_phone",
    "return_address",
    "accepts_changed_mind",
    "service_hours_start",
    "service_hours_end",
)


def merchant_return_settings_update(*, merchant, actor, **values) -> Merchant:
    """The store's after-sales settings: where returns go (an address in mainland China), whether it
    takes back goods a buyer changed their mind about, its customer service hours (China time; an end
    before the start crosses midnight, equal times mean around the clock). Only its own staff. Writes an
    event with each changed value before and after."""
    from django.core.exceptions import PermissionDenied

    unknown = set(values) - set(RETURN_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not a return setting: {sorted(unknown)}")
    if getattr(actor, "merchant", None) is None or actor.merchant.pk != merchant.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked = Merchant.objects.select_for_update().get(pk=merchant.pk)
        changed = {}
        for name, value in values.items():
            value = value.strip() if isinstance(value, str) else value
            if getattr(locked, name) != value:
                changed[name] = [_plain(getattr(locked, name)), _plain(value)]
            setattr(locked, name, value)
        if changed:  # a save with nothing changed writes nothing
            locked.save(update_fields=list(changed))
            # Who changed the return address and when: a buyer's parcel went where the store said.
            _event(locked, MerchantEvent.Kind.AFTERSALES_SETTINGS_CHANGED, actor, changed=changed)
    return locked


def _plain(value):
    """A setting's value as JSON (the event's before and after): times as HH:MM."""
    return value.strftime("%H:%M") if hasattr(value, "strftime") else value
