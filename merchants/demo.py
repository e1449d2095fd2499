"""Demo data for the merchant side: applicants in every state of review, and approved stores that
were warned, suspended and blacklisted. Everything goes through `services`, as in real life, with
documents generated as images; only dates are moved back to look lived-in."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image, ImageDraw

from marketplace.models import Brand, User

from . import services
from .models import BrandAuthorization, Merchant, MerchantApplication, QualificationDocument, ViolationKind

DEMO_VIOLATION_KINDS = [
    ("late-shipment", "超时发货", "Late shipment", 2),
    ("false-description", "商品描述不符", "Goods not as described", 4),
    ("misleading-price", "虚假价格宣传", "Misleading price claims", 6),
    ("fake-transactions", "虚假交易刷单", "Fake transactions", 24),
]
DEMO_APPLICANT = ("applicant", "applicant12345", "applicant@example.com")

APPLICANTS = [
    # username, state, hours since submission, company, brands (existing slug or new name/country)
    (
        "applicant",
        MerchantApplication.State.NEEDS_INFO,
        50,
        {
            "legal_name": "Maple Leaf Naturals Inc.",
            "store_name_zh": "枫叶天然海外旗舰店",
            "store_name_en": "Maple Leaf Naturals",
            "country": "CA",
            "registration_number": "BC1234567",
            "address": "1055 West Georgia Street, Vancouver, BC V6E 3P3, Canada",
            "contact_name": "Emily Tremblay",
            "contact_phone": "+1 604 555 0142",
            "settlement_currency": "USD",
        },
        [("new", "Maple Leaf Naturals", "CA", "owner")],
    ),
    (
        "hinoki",
        MerchantApplication.State.SUBMITTED,
        70,
        {
            "legal_name": "Hinoki Labs Co., Ltd.",
            "store_name_zh": "日之木实验室海外店",
            "store_name_en": "Hinoki Labs Global",
            "country": "JP",
            "registration_number": "0110-01-998877",
            "address": "2-4-1 Marunouchi, Chiyoda-ku, Tokyo",
            "contact_name": "Kenji Watanabe",
            "contact_phone": "+81 3 5555 0199",
            "settlement_currency": "JPY",
        },
        [("new", "Hinoki Labs", "JP", "owner"), ("dhc", None, None, "authorized")],
    ),
    (
        "kiwibee",
        MerchantApplication.State.SUBMITTED,
        20,
        {
            "legal_name": "Kiwi Bee Exports Limited",
            "store_name_zh": "奇异蜂新西兰海外店",
            "store_name_en": "Kiwi Bee Exports",
            "country": "NZ",
            "registration_number": "NZBN 9429041234567",
            "address": "12 Queen Street, Auckland 1010, New Zealand",
            "contact_name": "Aroha Ngata",
            "contact_phone": "+64 9 555 0111",
            "settlement_currency": "USD",
        },
        [("manuka-health", None, None, "authorized")],
    ),
    (
        "formosa",
        MerchantApplication.State.SUBMITTED,
        3,
        {
            "legal_name": "Formosa Tea Trading Co., Ltd.",
            "store_name_zh": "福尔摩沙茗茶海外店",
            "store_name_en": "Formosa Tea House",
            "country": "TW",
            "registration_number": "24536891",
            "address": "No. 7, Section 5, Xinyi Road, Taipei",
            "contact_name": "Chen Mei-ling",
            "contact_phone": "+886 2 5555 0123",
            "settlement_currency": "USD",
        },
        [("twinings", None, None, "authorized")],
    ),
    (
        "alpenhaus",
        MerchantApplication.State.DRAFT,
        None,
        {
            "legal_name": "Alpenhaus Handels GmbH",
            "country": "AT",
            "registration_number": "FN 123456a",
        },
        [],
    ),
]


def _document_image(title: str, company: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (900, 640), "#fbfaf5")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 880, 620), outline="#8a6d3b", width=6)
    draw.rectangle((36, 36, 864, 604), outline="#c8b27a", width=2)
    draw.text((70, 90), title.upper(), fill="#3b2f1a")
    draw.text((70, 160), company, fill="#1f2328")
    draw.text((70, 220), "This document was generated for the Global Mall demo.", fill="#57606a")
    draw.ellipse((660, 420, 820, 580), outline="#c8102e", width=5)
    draw.text((700, 490), "SEAL", fill="#c8102e")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(
        f"{title.lower().replace(' ', '-')}.png", buffer.getvalue(), content_type="image/png"
    )


def _applicant(username, now, rng):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@example.com", role=User.Role.CONSUMER)
    user.set_password(DEMO_APPLICANT[1] if username == DEMO_APPLICANT[0] else None)
    if username != DEMO_APPLICANT[0]:
        user.set_unusable_password()
    user.date_joined = now - timedelta(days=rng.randint(3, 10))
    user.save()
    return user


@override_settings(MERCHANT_NOTIFICATIONS=False)  # demo data: nobody to email
def seed_merchant_lifecycle(*, now, rng, staff, merchants, log):
    today = now.date()
    for username, state, hours, company, brands in APPLICANTS:
        user = _applicant(username, now, rng)
        application = services.merchant_application_start(user=user)
        user.refresh_from_db()
        services.merchant_application_update(
            application=application, actor=user, contact_email=user.email, **company
        )
        merchant = application.merchant
        for slug, new_name, new_country, kind in brands:
            authorization = services.brand_authorization_add(
                merchant=merchant,
                actor=user,
                kind=kind,
                brand=Brand.objects.get(slug=slug) if slug != "new" else None,
                new_brand_name=new_name or "",
                new_brand_country=new_country or "",
                authorized_by="" if kind == "owner" else "The brand owner, through its regional distributor",
                valid_from=today - timedelta(days=30),
                valid_until=None if kind == "owner" else today + timedelta(days=rng.randint(120, 700)),
            )
            doc_kind = (
                QualificationDocument.Kind.TRADEMARK_CERTIFICATE
                if kind == "owner"
                else QualificationDocument.Kind.AUTHORIZATION_LETTER
            )
            services.qualification_document_upload(
                merchant=merchant,
                actor=user,
                kind=doc_kind,
                uploaded_file=_document_image(
                    doc_kind.label, f"{authorization.brand.name} / {company['legal_name']}"
                ),
                brand_authorization=authorization,
            )
        if state == MerchantApplication.State.DRAFT:
            continue
        for doc_kind in (
            QualificationDocument.Kind.REGISTRATION_CERTIFICATE,
            QualificationDocument.Kind.RETAIL_PROOF,
        ):
            services.qualification_document_upload(
                merchant=merchant,
                actor=user,
                kind=doc_kind,
                uploaded_file=_document_image(doc_kind.label, company["legal_name"]),
            )
        services.merchant_application_submit(application=application, actor=user)
        if state == MerchantApplication.State.NEEDS_INFO:
            services.merchant_application_request_info(
                application=application,
                reviewer=staff,
                reasons="The proof of retail operation is a price list. Please upload your shop lease or "
                "retail licence, and the trademark registration certificate in full (all pages).",
            )
        MerchantApplication.objects.filter(pk=application.pk).update(
            submitted_at=now - timedelta(hours=hours)
        )

    # An approved store asks to sell one more brand (waiting in the brand review queue).
    owner = merchants[0].members.first()
    if owner:
        services.brand_authorization_add(
            merchant=merchants[0],
            actor=owner.user,
            kind=BrandAuthorization.Kind.AUTHORIZED,
            brand=Brand.objects.get(slug="lion"),
            authorized_by="Lion Corporation (brand owner)",
            valid_from=today,
            valid_until=today + timedelta(days=365),
        )

    # The kinds come from a data migration; made again here in case a database was emptied since.
    kinds = {
        code: ViolationKind.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "points": points}
        )[0]
        for code, zh, en, points in DEMO_VIOLATION_KINDS
    }
    # A warned store, a suspended one and a blacklisted one.
    warned, suspended, blacklisted = merchants[-4], merchants[-3], merchants[-2]
    for code, days_ago in (("late-shipment", 40), ("misleading-price", 25), ("false-description", 9)):
        services.violation_record(
            merchant=warned,
            kind=kinds[code],
            note="Found in a routine check of orders.",
            recorded_by=staff,
            occurred_on=max(today - timedelta(days=days_ago), today.replace(month=1, day=1)),
        )
    services.violation_record(
        merchant=suspended,
        kind=kinds["fake-transactions"],
        note="Eighty orders from twelve related accounts to push the sales ranking.",
        recorded_by=staff,
        occurred_on=max(today - timedelta(days=6), today.replace(month=1, day=1)),
    )
    services.merchant_blacklist(
        merchant=blacklisted,
        actor=staff,
        reason="counterfeit",
        note="Three test purchases confirmed counterfeit by the brand owner's laboratory.",
    )
    statuses = {s: Merchant.objects.filter(status=s).count() for s in Merchant.Status.values}
    applications = {
        s: MerchantApplication.objects.filter(state=s).count() for s in MerchantApplication.State.values
    }
    log(f"Merchant lifecycle: stores {statuses}, applications {applications}.")
