"""A merchant cannot sell at a negative or zero price, nor store a stock or weight out of bounds, through
any door: the seller's pages (a form error), the seller API (400 naming the field) or the bulk import
(a row error naming the column). Nothing is written in each case."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace import limits
from marketplace.models import Product, ProductVariant
from tests.factories import ProductFactory

from .test_product_import import csv_file, errors_by_row, row, upload
from .test_seller_products import create_data, variants_post

pytestmark = pytest.mark.django_db

HOSTILE = {
    "price": ["-100000", "-0.01", "0", "0.00", "10000000.01", str(2**31 * 10**4), str(10**20), "abc", "NaN"],
    "stock": ["-1", str(limits.STOCK_MAX + 1), str(2**31), str(10**12), str(10**20), "abc", "1.5"],
    "weight_grams": ["0", "-1", str(limits.WEIGHT_MAX_GRAMS + 1), str(2**31), str(10**20), "abc"],
}
CASES = [(field, value) for field, values in HOSTILE.items() for value in values]


def case_id(case):
    return f"{case[0]}={case[1]}"


# --- Pages -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, value", CASES, ids=[case_id(c) for c in CASES])
def test_create_page_refuses_amounts_out_of_bounds(seller, brand, category, tax_category, field, value):
    response = seller.post(
        reverse("seller:product_create"), create_data(brand, category, tax_category, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Product.objects.exists() and not ProductVariant.objects.exists()


@pytest.mark.parametrize("field, value", CASES, ids=[case_id(c) for c in CASES])
def test_variants_table_refuses_amounts_out_of_bounds(seller, merchant, brand, field, value):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False, prices=["10.00"])
    url = reverse("seller:product_edit", args=[product.pk])
    response = seller.post(url, variants_post(product, {0: {field: value}}))
    assert response.status_code == 200
    assert response.context["variants"].forms[0].errors[field]
    variant = product.variants.get()
    assert (variant.price.amount, variant.stock, variant.weight_grams) == (Decimal("10.00"), 50, 500)


def test_the_bounds_are_accepted_on_the_create_page(seller, brand, category, tax_category):
    data = create_data(
        brand, category, tax_category, price="10000000.00", stock="1000000", weight_grams="100000"
    )
    assert seller.post(reverse("seller:product_create"), data).status_code == 302
    variant = ProductVariant.objects.get()
    assert (variant.price.amount, variant.stock, variant.weight_grams) == (
        limits.PRICE_MAX,
        1_000_000,
        100_000,
    )


# --- API -------------------------------------------------------------------------------------------------

URL = "/api/v1/seller/products/"


@pytest.fixture
def api(member):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(member.user)
    return client


def api_payload(**variant):
    spec = {"sku": "API-1", "price": "29.90", "stock": 10, "weight_grams": 150}
    spec.update(variant)
    return {
        "name_en": "Serum",
        "brand": "sakura",
        "category": "skincare",
        "tax_category": "general",
        "origin_country": "JP",
        "shipping_mode": "bonded",
        "variants": [spec],
    }


def as_json_value(field, value):
    """Numbers as JSON numbers where they are numbers (2**31, 10**20), else the string."""
    try:
        return int(value)
    except ValueError:
        return value


API_CASES = CASES + [(field, as_json_value(field, v)) for field, v in CASES if v.lstrip("-").isdigit()]


@pytest.mark.parametrize(
    "field, value", API_CASES, ids=[f"{case_id(c)}:{type(c[1]).__name__}" for c in API_CASES]
)
def test_api_create_answers_400_naming_the_field(api, brand, category, tax_category, field, value):
    response = api.post(URL, api_payload(**{field: value}), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["variants"]["0"]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    "field, value", API_CASES, ids=[f"{case_id(c)}:{type(c[1]).__name__}" for c in API_CASES]
)
def test_api_update_answers_400_naming_the_field(api, merchant, brand, field, value):
    product = ProductFactory(merchant=merchant, brand=brand, publish=False, prices=["10.00"])
    variant = product.variants.get()
    response = api.patch(
        f"{URL}{product.pk}/", {"variants": [{"id": variant.pk, field: value}]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["variants"]["0"]
    variant.refresh_from_db()
    assert (variant.price.amount, variant.stock, variant.weight_grams) == (Decimal("10.00"), 50, 500)


def test_api_documents_the_bounds_in_the_schema(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    variant = schema["components"]["schemas"]["SellerVariant"]["properties"]
    assert variant["stock"]["maximum"] == limits.STOCK_MAX and variant["stock"]["minimum"] == 0
    assert variant["weight_grams"]["maximum"] == limits.WEIGHT_MAX_GRAMS


# --- Bulk import ------------------------------------------------------------------------------------------

PRODUCT = {
    "brand": "sakura",
    "category": "skincare",
    "tax_category": "general",
    "origin_country": "JP",
    "shipping_mode": "direct_mail",
}


@pytest.mark.parametrize("field, value", CASES, ids=[case_id(c) for c in CASES])
def test_import_row_out_of_bounds_is_a_row_error_and_writes_nothing(
    seller, merchant, brand, category, tax_category, field, value, django_capture_on_commit_callbacks
):
    values = {"sku": "IMP-1", "price": "10.00", "stock": "5", "weight_grams": "200", field: value}
    rows = [
        row(product_key="bad", name_en="Bad", publish="yes", **PRODUCT, **values),
        row(product_key="good", name_en="Good", sku="IMP-2", price="3.50", stock="1", **PRODUCT),
    ]
    upload(seller, csv_file(rows), django_capture_on_commit_callbacks)
    errors = errors_by_row(merchant.product_imports.get())
    assert [column for column, _message in errors[2]] == [field]
    assert list(ProductVariant.objects.values_list("sku", flat=True)) == ["IMP-2"]


def test_import_of_a_known_sku_cannot_set_a_negative_price(
    seller, merchant, brand, category, tax_category, django_capture_on_commit_callbacks
):
    product = ProductFactory(merchant=merchant, brand=brand, sku_prefix="KNOWN", prices=["10.00"])
    upload(
        seller, csv_file([row(sku="KNOWN-0", price="-100000", stock="5")]), django_capture_on_commit_callbacks
    )
    errors = errors_by_row(merchant.product_imports.get())
    assert errors[2][0][0] == "price"
    assert product.variants.get().price.amount == Decimal("10.00")
