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
