"""The seller API for a merchant's own products: /api/v1/seller/products/."""

import pytest
from djmoney.money import Money
from rest_framework.test import APIClient

from marketplace.models import Product
from tests.factories import BrandFactory, ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/seller/products/"


@pytest.fixture
def api(member):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(member.user)
    return client


def payload(**changes):
    data = {
        "name_zh": "精华",
        "name_en": "Serum",
        "brand": "sakura",
        "category": "skincare",
        "tax_category": "general",
        "origin_country": "jp",
        "shipping_mode": "bonded",
        "variants": [
            {"sku": "API-1", "name_en": "30 ml", "price": "29.90", "stock": 10, "weight_grams": 150}
        ],
    }
    data.update(changes)
    return data


def test_create_list_retrieve_update(api, merchant, brand, category, tax_category):
    created = api.post(URL, payload(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["origin_country"] == "JP"
    assert body["price"] == "29.90" and body["price_currency"] == "USD"
    assert body["variants"][0]["sku"] == "API-1" and body["variants"][0]["price_currency"] == "USD"
    pk = body["id"]

    ProductFactory(brand=brand)  # another store's product is not listed
    listed = api.get(URL).json()
    assert [p["id"] for p in listed["results"]] == [pk]
    assert api.get(URL, {"status": "published"}).json()["results"] == []
    assert api.get(f"{URL}{pk}/").json()["name_en"] == "Serum"

    variant_id = body["variants"][0]["id"]
    changed = api.patch(
        f"{URL}{pk}/",
        {
            "name_en": "Serum II",
            "variants": [
                {"id": variant_id, "price": "25.00", "stock": 3},
                {"sku": "API-2", "price": "40.00", "stock": 1},
            ],
        },
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    product = Product.objects.get(pk=pk)
    assert product.name_en == "Serum II"
    assert dict(product.variants.values_list("sku", "stock")) == {"API-1": 3, "API-2": 1}
    assert product.price == Money("25.00", "USD")


def test_publish_and_unpublish(api, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    response = api.post(f"{URL}{product.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = api.post(f"{URL}{product.pk}/unpublish/")
    assert response.status_code == 200 and response.json()["status"] == "hidden"


def test_suspended_merchant_cannot_publish(api, merchant, brand):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    merchant.status = merchant.Status.SUSPENDED
    merchant.save()
    response = api.post(f"{URL}{product.pk}/publish/")
    assert response.status_code == 400
    assert response.json()["code"] == "product_not_allowed"
    assert "not open" in response.json()["detail"]


def test_a_store_still_applying_is_refused_with_nothing_written(api, merchant, brand, category, tax_category):
    """An applicant's store has no settlement currency yet: a valid product used to be a 500."""
    product = ProductFactory(merchant=merchant, brand=brand, publish=False)
    merchant.status = merchant.Status.PENDING
    merchant.settlement_currency = ""
    merchant.save()
    before = Product.objects.count()
    for response in (
        api.post(URL, payload(), format="json"),
        api.get(URL),
        api.get(f"{URL}{product.pk}/"),
        api.patch(f"{URL}{product.pk}/", {"name_en": "Changed"}, format="json"),
        api.post(f"{URL}{product.pk}/publish/"),
    ):
        assert response.status_code == 403
        assert "not been approved" in response.json()["detail"]
    assert Product.objects.count() == before
    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT and product.name_en != "Changed"


def test_brand_without_authorization_is_refused(api, category, tax_category, brand):
    BrandFactory(slug="other-brand")
    response = api.post(URL, payload(brand="other-brand"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "product_not_allowed"
    assert "authorization" in response.json()["detail"]
    assert not Product.objects.exists()


def test_foreign_currency_is_refused(api, brand, category, tax_category):
    variants = [{"sku": "EUR-1", "price": "10.00", "price_currency": "EUR", "stock": 1}]
    response = api.post(URL, payload(variants=variants), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "product_not_allowed"
    assert "settlement currency" in response.json()["detail"]


def test_negative_stock_is_refused(api, brand, category, tax_category):
    variants = [{"sku": "NEG-1", "price": "10.00", "stock": -1}]
    response = api.post(URL, payload(variants=variants), format="json")
    assert response.status_code == 400
    assert "stock" in response.json()["variants"]["0"]
    assert not Product.objects.exists()


def test_another_merchants_product_is_404(api, other_member):
    product = ProductFactory(merchant=other_member.merchant)
    assert api.get(f"{URL}{product.pk}/").status_code == 404
    assert api.patch(f"{URL}{product.pk}/", {"name_en": "Mine"}, format="json").status_code == 404
    assert api.post(f"{URL}{product.pk}/unpublish/").status_code == 404
    product.refresh_from_db()
    assert product.status == Product.Status.PUBLISHED and product.name_en != "Mine"


def test_anonymous_and_consumers_are_refused(consumer, rates):
    client = APIClient()
    assert client.get(URL).status_code == 401
    client.force_authenticate(consumer)
    assert client.get(URL).status_code == 403
    assert client.post(URL, payload(), format="json").status_code == 403


def test_the_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert "/api/v1/seller/products/{id}/publish/" in schema.content.decode()


def test_list_query_count_does_not_grow(api, merchant, brand):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get(URL).status_code == 200
        return len(captured.captured_queries)

    ProductFactory(merchant=merchant, brand=brand, images=1, prices=["1", "2"])
    few = count()
    for _ in range(8):
        ProductFactory(merchant=merchant, brand=brand, images=2, prices=["1", "2", "3"])
    assert count() == few
