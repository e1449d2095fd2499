"""Files and a complete application, as an applicant would make them."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from marketplace.models import User
from merchants import services
from merchants.models import BrandAuthorization, QualificationDocument
from tests.factories import BrandFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="certificate.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="scan.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg(name="scan.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


COMPANY = {
    "legal_name": "Sakura Trading K.K.",
    "store_name_zh": "樱花海外旗舰店",
    "store_name_en": "Sakura Global Store",
    "country": "JP",
    "registration_number": "0100-01-123456",
    "address": "1-2-3 Ginza, Chuo-ku, Tokyo",
    "contact_name": "Hanako Sato",
    "contact_email": "hanako@sakura.example",
    "contact_phone": "+81 3 1234 5678",
    "settlement_currency": "JPY",
}


def applicant(username="applicant"):
    return UserFactory(username=username, role=User.Role.CONSUMER)


def complete_application(user=None, *, brand=None, **overrides):
    """A draft with everything a submission needs: company, one authorized brand with its letter,
    the registration certificate and proof of retail operation."""
    user = user or applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    services.merchant_application_update(application=application, actor=user, **{**COMPANY, **overrides})
    merchant = application.merchant
    authorization = services.brand_authorization_add(
        merchant=merchant,
        actor=user,
        kind=BrandAuthorization.Kind.AUTHORIZED,
        brand=brand or BrandFactory(),
        authorized_by="Sakura Cosmetics Co. (brand owner)",
        valid_from=timezone.localdate() - timedelta(days=10),
        valid_until=timezone.localdate() + timedelta(days=400),
    )
    Kind = QualificationDocument.Kind
    services.qualification_document_upload(
        merchant=merchant,
        actor=user,
        kind=Kind.AUTHORIZATION_LETTER,
        uploaded_file=pdf("letter.pdf"),
        brand_authorization=authorization,
    )
    services.qualification_document_upload(
        merchant=merchant, actor=user, kind=Kind.REGISTRATION_CERTIFICATE, uploaded_file=pdf()
    )
    services.qualification_document_upload(
        merchant=merchant, actor=user, kind=Kind.RETAIL_PROOF, uploaded_file=jpeg("shop.jpg")
    )
    application.refresh_from_db()
    return user, application
