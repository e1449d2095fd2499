"""The whole journey of an overseas company, from sign-up to an open store, with every refusal."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.models import Brand, Product, User
from merchants import selectors, services
from merchants.errors import (
    AlreadyMerchant,
    ApplicationIncomplete,
    ApplicationNotEditable,
    IllegalTransition,
    InvalidAuthorization,
    InvalidDocument,
    MainlandCompanyRefused,
    NotAllowed,
    ReasonRequired,
    RegistrationBlacklisted,
)
from merchants.models import (
    BrandAuthorization,
    Merchant,
    MerchantApplication,
    MerchantEvent,
    QualificationDocument,
    ReviewDecision,
)
from tests.factories import BrandFactory, MerchantFactory, ProductFactory, StaffFactory

from .helpers import COMPANY, applicant, complete_application, pdf, png

State = MerchantApplication.State
pytestmark = pytest.mark.django_db


def test_an_overseas_company_applies_is_approved_and_lists_a_product(
    rates, django_capture_on_commit_callbacks
):
    user, application = complete_application()
    assert user.role == User.Role.MERCHANT and user.merchant == application.merchant
    assert application.state == State.DRAFT
    assert services.application_problems(application) == []

    services.merchant_application_submit(application=application, actor=user)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.submitted_at
    assert list(selectors.review_queue()) == [application]

    reviewer = StaffFactory()
    user.language = "en"  # the store's emails go in its owner's language
    user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.merchant_application_approve(
            application=application, reviewer=reviewer, note="All documents check out."
        )
    application.refresh_from_db()
    merchant = Merchant.objects.get(pk=application.merchant_id)
    assert application.state == State.APPROVED and application.decided_at
    # Approved, and open once its security deposit is paid (tests/payments/test_deposits.py).
    assert merchant.status == Merchant.Status.APPROVED and merchant.awaiting_deposit and not merchant.is_open
    assert merchant.slug == "sakura-global-store"
    assert merchant.registration_number == "010001123456"  # normalized
    assert merchant.settlement_currency == "JPY" and merchant.legal_name == COMPANY["legal_name"]
    authorization = merchant.brand_authorizations.get()
    assert authorization.status == BrandAuthorization.Status.APPROVED

    decision = ReviewDecision.objects.get(application=application)
    assert (decision.decision, decision.reviewer, decision.reasons) == (
        "approve",
        reviewer,
        "All documents check out.",
    )
    assert set(merchant.events.values_list("kind", flat=True)) >= {
        MerchantEvent.Kind.APPLICATION_STARTED,
        MerchantEvent.Kind.APPLICATION_SUBMITTED,
        MerchantEvent.Kind.APPLICATION_APPROVED,
    }
    # The owner through the notification centre (their language), the contact address on its own.
    assert [m.subject for m in mail.outbox] == ["Your store on Global Mall is approved"] * 2
    assert sorted(tuple(m.to) for m in mail.outbox) == sorted([("hanako@sakura.example",), (user.email,)])
    assert user.notifications.filter(title_en="Your store on Global Mall is approved").count() == 1

    from payments import services as payment_services
    from tests.factories import pay

    user.refresh_from_db()
    pay(payment_services.deposit_payment_start(merchant=merchant, actor=user))
    merchant.refresh_from_db()
    assert merchant.is_open

    product = ProductFactory(merchant=merchant, brand=authorization.brand, prices=["1980"], authorized=False)
    assert product.status == Product.Status.PUBLISHED and product.is_visible


def test_request_for_information_then_resubmission(db, django_capture_on_commit_callbacks):
    user, application = complete_application()
    services.merchant_application_submit(application=application, actor=user)
    reviewer = StaffFactory()
    with pytest.raises(ReasonRequired):
        services.merchant_application_request_info(application=application, reviewer=reviewer, reasons="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.merchant_application_request_info(
            application=application,
            reviewer=reviewer,
            reasons="The certificate is unreadable; upload a clearer scan.",
        )
    application.refresh_from_db()
    assert application.state == State.NEEDS_INFO
    assert "unreadable" in application.reviewer_message
    assert "unreadable" in mail.outbox[-1].body

    # The applicant answers: a new scan, then submits again.
    services.qualification_document_upload(
        merchant=application.merchant,
        actor=user,
        kind=QualificationDocument.Kind.REGISTRATION_CERTIFICATE,
        uploaded_file=png("clearer.png"),
    )
    services.merchant_application_update(
        application=application, actor=user, address="1-2-3 Ginza, Tokyo 104-0061"
    )
    services.merchant_application_submit(application=application, actor=user)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert list(application.decisions.values_list("decision", flat=True)) == ["request_info"]


def test_rejection_needs_reasons_and_is_final(db):
    user, application = complete_application()
    services.merchant_application_submit(application=application, actor=user)
    reviewer = StaffFactory()
    services.merchant_application_reject(
        application=application, reviewer=reviewer, reasons="No proof of overseas retail operation."
    )
    application.refresh_from_db()
    assert application.state == State.REJECTED
    assert application.merchant.status == Merchant.Status.PENDING  # never opened
    assert application.brand_authorizations.get().status == BrandAuthorization.Status.REJECTED
    with pytest.raises(IllegalTransition):
        services.merchant_application_approve(application=application, reviewer=reviewer)
    with pytest.raises(ApplicationNotEditable):
        services.merchant_application_update(application=application, actor=user, legal_name="Other")


def test_mainland_companies_are_refused_and_greater_china_accepted(db):
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    with pytest.raises(MainlandCompanyRefused):
        services.merchant_application_update(application=application, actor=user, country="CN")
    for overseas in ("HK", "MO", "TW"):
        services.merchant_application_update(application=application, actor=user, country=overseas)
    application.refresh_from_db()
    assert application.country == "TW"


def test_a_blacklisted_registration_number_cannot_apply_again(db):
    staff = StaffFactory()
    cheat = MerchantFactory(registration_number="0100011234 56")
    services.merchant_blacklist(merchant=cheat, actor=staff, reason="counterfeit", note="Fake serums.")
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    with pytest.raises(RegistrationBlacklisted):
        services.merchant_application_update(
            application=application, actor=user, registration_number="0100-01-123456"
        )
    # Nor can a draft that already holds the number be submitted.
    user2, application2 = complete_application(applicant("second"), registration_number="X-1")
    MerchantApplication.objects.filter(pk=application2.pk).update(registration_number="0100-01-123456")
    with pytest.raises(RegistrationBlacklisted):
        services.merchant_application_submit(application=application2, actor=user2)


def test_reviewer_sees_warnings_about_history_and_expiring_authorizations(db):
    staff = StaffFactory()
    old = MerchantFactory(registration_number="REG-77")
    services.merchant_blacklist(merchant=old, actor=staff, reason="fraud", note="Fake orders.")
    services.merchant_blacklist_lift(merchant=old, actor=staff, reason="Court ruling overturned the finding.")
    MerchantFactory(registration_number="REG77B", status=Merchant.Status.APPROVED)
    user, application = complete_application(registration_number="reg-77")
    authorization = application.brand_authorizations.get()
    BrandAuthorization.objects.filter(pk=authorization.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    warnings = " | ".join(selectors.application_warnings(application))
    assert "was blacklisted before" in warnings
    assert "expired on" in warnings
    with pytest.raises(ApplicationIncomplete, match="expired"):
        services.merchant_application_submit(application=application, actor=user)


def test_registration_number_of_another_merchant_is_a_warning(db):
    MerchantFactory(registration_number="0100-01-123456".replace("-", ""))
    _user, application = complete_application()
    assert any("belongs to another merchant" in w for w in selectors.application_warnings(application))


def test_an_expired_authorization_is_refused_when_added(db):
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    with pytest.raises(InvalidAuthorization, match="expired"):
        services.brand_authorization_add(
            merchant=application.merchant,
            actor=user,
            kind="authorized",
            brand=BrandFactory(),
            authorized_by="Owner",
            valid_until=timezone.localdate() - timedelta(days=1),
        )
    with pytest.raises(InvalidAuthorization, match="valid until"):
        services.brand_authorization_add(
            merchant=application.merchant,
            actor=user,
            kind="authorized",
            brand=BrandFactory(),
            authorized_by="Owner",
        )


def test_a_new_brand_is_proposed_with_the_application(db):
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    authorization = services.brand_authorization_add(
        merchant=application.merchant,
        actor=user,
        kind="owner",
        new_brand_name="Hinoki Labs",
        new_brand_country="JP",
    )
    assert authorization.brand.status == Brand.Status.PENDING
    assert authorization.brand.slug == "hinoki-labs"


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 this is a windows program"), "only PDF, JPEG and PNG"),
        (SimpleUploadedFile("notes.txt", b"plain text notes"), "only PDF, JPEG and PNG"),
        (SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\n truncated garbage"), "damaged"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
    ],
)
def test_documents_are_checked_by_content(db, upload, message):
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    with pytest.raises(InvalidDocument, match=message):
        services.qualification_document_upload(
            merchant=application.merchant, actor=user, kind="registration_certificate", uploaded_file=upload
        )
    assert not QualificationDocument.objects.exists()


def test_oversized_documents_are_refused(db, settings):
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    big = pdf("huge.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(InvalidDocument, match="at most 10.0"):
        services.qualification_document_upload(
            merchant=application.merchant, actor=user, kind="registration_certificate", uploaded_file=big
        )


def test_documents_are_stored_outside_public_media(db, settings):
    user, application = complete_application()
    document = application.merchant.documents.first()
    path = document.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018


def test_incomplete_applications_cannot_be_submitted(db):
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    with pytest.raises(ApplicationIncomplete) as error:
        services.merchant_application_submit(application=application, actor=user)
    text = str(error.value)
    assert "registration certificate" in text and "at least one brand" in text


def test_only_the_merchants_own_staff_edit_and_only_staff_decide(db):
    user, application = complete_application()
    other_user, _other = complete_application(applicant("other"), registration_number="OTHER-1")
    with pytest.raises(NotAllowed):
        services.merchant_application_update(application=application, actor=other_user, legal_name="Hijack")
    with pytest.raises(NotAllowed):
        services.merchant_application_submit(application=application, actor=other_user)
    services.merchant_application_submit(application=application, actor=user)
    with pytest.raises(NotAllowed):
        services.merchant_application_approve(application=application, reviewer=user)
    with pytest.raises(AlreadyMerchant):
        services.merchant_application_start(user=user)


def test_illegal_transitions_are_errors_not_silent(db):
    user, application = complete_application()
    staff = StaffFactory()
    with pytest.raises(IllegalTransition):  # a draft cannot be approved
        services.merchant_application_approve(application=application, reviewer=staff)
    services.merchant_application_submit(application=application, actor=user)
    with pytest.raises(IllegalTransition):  # nor submitted twice
        services.merchant_application_submit(application=application, actor=user)
