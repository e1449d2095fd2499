"""Issue 10 on the merchant side: registration numbers, contact phones and SKUs in one canonical
ASCII form wherever they enter (pages, API, bulk import, services, models), and unknown or over-long
country codes in the application and brand requests a clear 400 with nothing written."""

import pytest
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.errors import InvalidIdentifier
from marketplace.models import Brand, Product, ProductVariant
from merchants import services
from merchants.errors import RegistrationBlacklisted
from merchants.models import BlacklistEntry, BrandAuthorization, Merchant, MerchantApplication
from tests.factories import MerchantFactory, ProductFactory
from tests.identifier_lookalikes import accepted_lookalikes, refused_lookalikes

from .helpers import applicant
from .test_product_import import csv_file, errors_by_row, row, upload

pytestmark = pytest.mark.django_db

NUMBER = "0100-01-123456"
ACCEPTED = accepted_lookalikes(NUMBER)
REFUSED = refused_lookalikes(NUMBER)
BAD_COUNTRIES = ["ZZ", "XX", "JPN", "JAPAN", "J" * 300, "1\u0665", "日本", "JPPP"]


@pytest.fixture
def draft(db, rates):
    user = applicant()
    application = services.merchant_application_start(user=user)
    user.refresh_from_db()
    return user, application


@pytest.fixture
def draft_api(draft):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(draft[0])
    return client


@pytest.fixture
def draft_page(client, draft):
    client.force_login(draft[0])
    client.cookies["django_language"] = "en"
    return client


# --- registration numbers and contact phones ----------------------------------------------------------


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_registration_number_lookalikes_are_the_same_company(draft_api, draft, name):
    _user, application = draft
    response = draft_api.patch(
        "/api/v1/seller/application/", {"registration_number": ACCEPTED[name]}, format="json"
    )
    assert response.status_code == 200, response.content
    stored = MerchantApplication.objects.get(pk=application.pk).registration_number
    assert stored.isascii() and services.selectors.normalize_registration_number(stored) == "010001123456"


@pytest.mark.parametrize("name", list(REFUSED))
def test_registration_numbers_in_other_scripts_are_refused(draft_api, draft_page, draft, name):
    _user, application = draft
    response = draft_api.patch(
        "/api/v1/seller/application/", {"registration_number": REFUSED[name]}, format="json"
    )
    assert response.status_code == 400 and "registration_number" in response.json()
    page = draft_page.post(
        reverse("seller:application_step", args=["company"]),
        {
            "legal_name": "Sakura K.K.",
            "country": "JP",
            "registration_number": REFUSED[name],
            "address": "Tokyo",
        },
    )
    assert page.status_code == 400 and "0-9" in page.content.decode()
    assert MerchantApplication.objects.get(pk=application.pk).registration_number == ""


@pytest.mark.parametrize("name", ["full-width", "zero-width space inside", "ideographic space inside"])
def test_a_blacklisted_company_cannot_come_back_with_a_lookalike_number(draft, name):
    user, application = draft
    cheat = MerchantFactory(registration_number=NUMBER)
    BlacklistEntry.objects.create(
        merchant=cheat,
        legal_name="x",
        store_name="x",
        country="JP",
        registration_number=NUMBER,
        reason="fraud",
        note="x",
    )
    assert BlacklistEntry.objects.get().registration_number == "010001123456"
    with pytest.raises(RegistrationBlacklisted):
        services.merchant_application_update(
            application=application, actor=user, registration_number=ACCEPTED[name]
        )


def test_merchants_store_the_comparison_key_and_the_database_keeps_one_store_per_company(db):
    first = MerchantFactory(registration_number="０１００－０１－１２３４５６")
    assert first.registration_number == "010001123456"
    with pytest.raises(IntegrityError), transaction.atomic():
        MerchantFactory(registration_number="0100 01\u200b123456", status=Merchant.Status.APPROVED)


@pytest.mark.parametrize(
    "typed, stored",
    [("+81 3\u00a01234\u20135678", "+81 3 1234-5678"), ("＋８１ ３ １２３４ ５６７８", "+81 3 1234 5678")],
)
def test_contact_phone_is_stored_in_ascii(draft_api, draft, typed, stored):
    assert (
        draft_api.patch("/api/v1/seller/application/", {"contact_phone": typed}, format="json").status_code
        == 200
    )
    assert MerchantApplication.objects.get(pk=draft[1].pk).contact_phone == stored


@pytest.mark.parametrize("typed", list(refused_lookalikes("+81 3 1234 5678").values())[:4] + ["call us"])
def test_contact_phone_lookalikes_are_refused(draft_api, draft_page, draft, typed):
    assert (
        draft_api.patch("/api/v1/seller/application/", {"contact_phone": typed}, format="json").status_code
        == 400
    )
    page = draft_page.post(
        reverse("seller:application_step", args=["store"]),
        {
            "store_name_en": "Sakura",
            "contact_name": "H",
            "contact_email": "h@example.com",
            "contact_phone": typed,
        },
    )
    assert page.status_code == 400
    assert MerchantApplication.objects.get(pk=draft[1].pk).contact_phone == ""


# --- country codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", BAD_COUNTRIES)
def test_unknown_country_in_the_application_is_a_400_with_nothing_written(draft_api, draft_page, draft, code):
    _user, application = draft
    response = draft_api.patch(
        "/api/v1/seller/application/", {"country": code, "legal_name": "Changed"}, format="json"
    )
    assert response.status_code == 400 and "country" in response.json()
    page = draft_page.post(
        reverse("seller:application_step", args=["company"]),
        {"legal_name": "Changed", "country": code, "registration_number": NUMBER, "address": "Tokyo"},
    )
    assert page.status_code == 400
    application.refresh_from_db()
    assert (application.country, application.legal_name) == ("", "")


def test_a_lower_case_country_code_is_accepted(draft_api, draft):
    assert draft_api.patch("/api/v1/seller/application/", {"country": "jp"}, format="json").status_code == 200
    assert MerchantApplication.objects.get(pk=draft[1].pk).country == "JP"


@pytest.mark.parametrize("code", BAD_COUNTRIES)
def test_unknown_country_of_a_new_brand_is_a_400_with_nothing_written(draft_api, draft_page, code):
    body = {"new_brand_name": "Hanami", "new_brand_country": code, "kind": "owner"}
    response = draft_api.post("/api/v1/seller/brand-authorizations/", body, format="json")
    assert response.status_code == 400 and "new_brand_country" in response.json()
    page = draft_page.post(reverse("seller:application_step", args=["brands"]), body)
    assert page.status_code == 400
    assert not Brand.objects.filter(name="Hanami").exists() and not BrandAuthorization.objects.exists()


def test_services_and_models_refuse_unknown_country_codes(draft):
    user, application = draft
    with pytest.raises(InvalidIdentifier):
        services.brand_authorization_add(
            merchant=application.merchant,
            actor=user,
            kind="owner",
            new_brand_name="Hanami",
            new_brand_country="JAPAN",
        )
    with pytest.raises(InvalidIdentifier):
        services.merchant_application_update(application=application, actor=user, country="ZZ")
    with pytest.raises(InvalidIdentifier):
        Brand.objects.create(name="Hanami", slug="hanami", country="XX")
    assert not Brand.objects.filter(name="Hanami").exists()
    brand = services.brand_authorization_add(
        merchant=application.merchant,
        actor=user,
        kind="owner",
        new_brand_name="Hanami",
        new_brand_country="kr",
    ).brand
    assert brand.country == "KR"


@pytest.mark.parametrize("code", ["JAPAN", "jp", ""])
def test_the_database_refuses_a_malformed_country_code(draft, code):
    """The check constraint on SQLite; PostgreSQL's varchar(2) already refuses what is too long."""
    application = draft[1]
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Brand.objects.filter(pk=Brand.objects.create(name="B", slug="b", country="JP").pk).update(
            country=code
        )
    if code:  # an application may have no country yet
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            MerchantApplication.objects.filter(pk=application.pk).update(country=code)


# --- SKUs ------------------------------------------------------------------------------------------------

SKU = "SERUM-0"
SKU_ACCEPTED = accepted_lookalikes(SKU)
SKU_REFUSED = refused_lookalikes(SKU)


def _create_data(brand, category, tax_category, sku):
    return {
        "name_zh": "精华",
        "name_en": "Serum",
        "brand": brand.pk,
        "category": category.pk,
        "tax_category": tax_category.pk,
        "origin_country": "JP",
        "shipping_mode": "direct_mail",
        "sku": sku,
        "price": "29.90",
        "stock": "10",
        "weight_grams": "150",
    }


@pytest.mark.parametrize("name", list(SKU_ACCEPTED) + list(SKU_REFUSED))
def test_a_lookalike_sku_never_makes_a_second_variant(
    seller, member, merchant, brand, category, tax_category, name
):
    ProductFactory(merchant=merchant, brand=brand, sku_prefix="SERUM")  # SKU "SERUM-0"
    typed = {**SKU_ACCEPTED, **SKU_REFUSED}[name]
    page = seller.post(reverse("seller:product_create"), _create_data(brand, category, tax_category, typed))
    assert page.status_code in (200, 400)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(member.user)
    body = {
        "name_en": "Serum",
        "brand": "sakura",
        "category": "skincare",
        "tax_category": tax_category.code,
        "origin_country": "JP",
        "shipping_mode": "bonded",
        "variants": [{"sku": typed, "price": "29.90", "stock": 1, "weight_grams": 150}],
    }
    response = api.post("/api/v1/seller/products/", body, format="json")
    assert response.status_code == 400, response.content
    assert Product.objects.filter(merchant=merchant).count() == 1
    assert list(ProductVariant.objects.values_list("sku", flat=True)) == [SKU]


def test_a_new_sku_is_stored_in_its_canonical_form(seller, merchant, brand, category, tax_category):
    page = seller.post(
        reverse("seller:product_create"), _create_data(brand, category, tax_category, " ｓｅｒｕｍ－30 ")
    )
    assert page.status_code == 302
    assert ProductVariant.objects.get().sku == "SERUM-30"


def test_the_database_refuses_a_non_canonical_sku(merchant, brand):
    variant = ProductFactory(merchant=merchant, brand=brand).variants.get()
    for sku in ("serum-1", "SERUM 1", "SERUM-\u0661"):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProductVariant.objects.filter(pk=variant.pk).update(sku=sku)
    variant.sku = "ｎｅｗ-1"
    variant.save()
    assert ProductVariant.objects.get(pk=variant.pk).sku == "NEW-1"


def test_bulk_import_matches_lookalike_skus_and_refuses_other_scripts(
    seller, merchant, brand, category, tax_category, django_capture_on_commit_callbacks
):
    ProductFactory(merchant=merchant, brand=brand, sku_prefix="OLD", prices=["10.00"], stock=5)  # "OLD-0"
    rows = [
        row(product_key="old", sku="ｏｌｄ\u200b-0", price="12.00", stock="40"),
        row(
            product_key="new",
            name_en="New",
            brand="sakura",
            category="skincare",
            tax_category=tax_category.code,
            origin_country="JP",
            shipping_mode="direct_mail",
            sku="NEW-\u0661",
            price="1",
            stock="1",
        ),
    ]
    upload(seller, csv_file(rows), django_capture_on_commit_callbacks)
    from merchants.models import ProductImport

    imported = ProductImport.objects.get()
    assert imported.updated_count == 1
    errors = errors_by_row(imported)
    assert errors[3][0][0] == "sku" and "0-9" in errors[3][0][1]
    assert list(ProductVariant.objects.values_list("sku", "stock")) == [("OLD-0", 40)]
