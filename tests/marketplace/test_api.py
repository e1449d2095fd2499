import pytest

from tests.factories import BrandFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_categories_brands_and_products_are_readable_by_anyone(client, rates):
    beauty = CategoryFactory(slug="beauty")
    CategoryFactory(slug="serum", parent=beauty)
    BrandFactory(slug="pending-brand", status="pending")
    ProductFactory(brand=BrandFactory(slug="biore", country="JP"), prices=["1580"])  # a USD store

    categories = client.get("/api/v1/categories/").json()
    assert {c["slug"]: c["parent"] for c in categories}["serum"] == beauty.pk

    brands = client.get("/api/v1/brands/").json()["results"]
    assert [b["slug"] for b in brands] == ["biore"]  # pending brands are not listed
    assert client.get("/api/v1/brands/", {"country": "KR"}).json()["count"] == 0

    listing = client.get("/api/v1/products/").json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert row["price_cny"] == "11249.60"  # 1580 USD x 7.12
    assert row["price"] == "1580.00" and row["price_currency"] == "USD"
    assert row["brand"] == "biore" and row["origin_country"] == "JP"


def test_product_detail_has_variants_in_cny_with_tax(client, rates):
    product = ProductFactory(prices=["10.00", "20.00"], images=1)
    detail = client.get(f"/api/v1/products/{product.pk}/").json()
    assert [v["price_cny"] for v in detail["variants"]] == ["71.20", "142.40"]
    assert [v["tax_cny"] for v in detail["variants"]] == ["6.48", "12.96"]  # 9.1%
    assert detail["tax_rate"] == "0.0910"
    assert detail["customs_mode"] == "9610"
    assert detail["merchant"]["slug"] == product.merchant.slug
    assert detail["images"][0]["image"].endswith("products/test-0.jpg")


def test_hidden_products_are_404_in_the_api(client, rates):
    product = ProductFactory(publish=False)
    assert client.get(f"/api/v1/products/{product.pk}/").status_code == 404


def test_the_catalog_api_is_read_only(client, rates):
    response = client.post("/api/v1/products/", {"name_en": "x"}, content_type="application/json")
    assert response.status_code == 401  # anonymous: may log in; even then the catalogue is read-only


def test_page_size_is_capped(client, rates, monkeypatch):
    from marketplace.pagination import StandardPagination

    monkeypatch.setattr(StandardPagination, "max_page_size", 2)
    for _ in range(3):
        ProductFactory()
    response = client.get("/api/v1/products/", {"page_size": 100000})
    assert response.status_code == 200 and len(response.json()["results"]) == 2


def test_detail_has_the_cover_image(client, rates):
    product = ProductFactory(images=3)
    assert client.get(f"/api/v1/products/{product.pk}/").json()["cover_image"].endswith("products/test-0.jpg")


def test_unknown_category_is_refused_and_country_codes_take_any_case(client, rates):
    ProductFactory(brand=BrandFactory(country="JP"))
    response = client.get("/api/v1/products/", {"category": "nope"})
    assert response.status_code == 400 and "category" in response.json()
    assert client.get("/api/v1/products/", {"country": "jp"}).json()["count"] == 1
    assert client.get("/api/v1/products/", {"country": "KR"}).json()["count"] == 0


def test_a_price_without_exchange_rate_is_a_clear_400_not_a_500(client, rates):
    from django.core.cache import cache

    from marketplace.models import ExchangeRate

    product = ProductFactory(prices=["10"])
    ExchangeRate.objects.filter(currency="USD").delete()
    cache.clear()
    api = client.get(f"/api/v1/products/{product.pk}/")
    assert api.status_code == 400
    assert api.json()["code"] == "exchange_rate_missing" and "USD" in api.json()["detail"]
    page = client.get(product.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400 and "USD" in page.content.decode()


def test_openapi_schema_and_docs_are_served_from_this_machine(client, db):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    body = schema.content.decode()
    assert "/api/v1/products/" in body and "price_cny" in body
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs.split("<body")[0]
