"""The staff console: the pages staff use for the catalog go through the same services."""

from decimal import Decimal

import pytest

from marketplace.models import ExchangeRateChange, User
from tests.factories import ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_staff_edit_an_exchange_rate_and_listings_reprice(staff_client, rates):
    from marketplace.models import ExchangeRate

    product = ProductFactory(prices=["10.00"])
    usd = ExchangeRate.objects.get(currency="USD")
    response = staff_client.post(
        f"/staff/marketplace/exchangerate/{usd.pk}/change/", {"currency": "USD", "rate": "7.5"}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price_cny == Decimal("75.00")
    change = ExchangeRateChange.objects.filter(currency="USD").first()
    assert change.new_rate == Decimal("7.5") and change.source == "staff console"


def test_staff_create_accounts_with_an_email(staff_client):
    for name in ("a1", "a2"):
        response = staff_client.post(
            "/staff/marketplace/user/add/",
            {
                "username": name,
                "email": f"{name}@example.com",
                "role": "consumer",
                "usable_password": "true",
                "password1": "s3cure-pass-99",
                "password2": "s3cure-pass-99",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.filter(username__in=["a1", "a2"]).count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "/staff/",
        "/staff/marketplace/product/",
        "/staff/marketplace/brand/",
        "/staff/merchants/merchant/",
        "/staff/marketplace/exchangerate/",
        "/staff/marketplace/exchangeratechange/",
        "/staff/merchants/merchantapplication/",
        "/staff/merchants/brandauthorization/",
        "/staff/merchants/qualificationdocument/",
        "/staff/merchants/reviewdecision/",
        "/staff/merchants/violationkind/",
        "/staff/merchants/violation/",
        "/staff/merchants/blacklistentry/",
        "/staff/merchants/merchantevent/",
    ],
)
def test_staff_console_pages_open(staff_client, rates, url):
    ProductFactory()
    assert staff_client.get(url).status_code == 200


def test_consumers_cannot_open_the_staff_console(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/staff/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_add_a_new_currency_rate_and_cannot_delete_rates(staff_client, rates):
    from marketplace.models import ExchangeRate

    response = staff_client.post(
        "/staff/marketplace/exchangerate/add/", {"currency": "CHF", "rate": "8.10", "_continue": "1"}
    )
    chf = ExchangeRate.objects.get(currency="CHF")
    assert response["Location"] == f"/staff/marketplace/exchangerate/{chf.pk}/change/"
    assert staff_client.get(response["Location"]).status_code == 200
    assert staff_client.get(f"/staff/marketplace/exchangerate/{chf.pk}/delete/").status_code == 403


def test_staff_console_obeys_the_listing_rules(staff_client, rates):
    from tests.factories import BrandFactory

    product = ProductFactory(prices=["10.00"])
    variant = product.variants.get()
    pending = BrandFactory(status="pending")
    form = {
        "merchant": product.merchant_id,
        "brand": pending.pk,
        "category": product.category_id,
        "tax_category": product.tax_category_id,
        "origin_country": "JP",
        "shipping_mode": "direct_mail",
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "status": "published",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-0-id": variant.pk,
        "variants-0-product": product.pk,
        "variants-0-sku": variant.sku,
        "variants-0-price_0": "12.00",
        "variants-0-price_1": "JPY",
        "variants-0-stock": "5",
        "variants-0-weight_grams": "500",
        "variants-0-is_active": "on",
        "variants-0-position": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }
    url = f"/staff/marketplace/product/{product.pk}/change/"
    staff_client.cookies["django_language"] = "en"
    refused = staff_client.post(url, form)
    assert refused.status_code == 200
    assert "the brand is not approved" in refused.content.decode()
    form["brand"] = product.brand_id
    refused = staff_client.post(url, form)
    assert refused.status_code == 200
    assert "settlement currency (USD)" in refused.content.decode()  # a JPY price for a USD store
    form["variants-0-price_1"] = "USD"
    assert staff_client.post(url, form).status_code == 302
    product.refresh_from_db()
    assert product.price_cny == Decimal("85.44")  # 12.00 x 7.12, repriced after the edit
