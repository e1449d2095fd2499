"""Hostile input answers 4xx with a clear message and writes nothing (issue 10): characters the database
cannot store, deep JSON, ids outside what a route matches, an applicant listing products, and a response
the schema did not allow. Runs on SQLite and PostgreSQL (where NUL used to be a 500)."""

import base64
import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from marketplace.models import Product, User
from marketplace.parsers import json_depth_exceeds
from merchants import services as merchant_services
from merchants.models import Merchant, Violation
from orders.models import Address
from tests.factories import (
    BrandAuthorizationFactory,
    BrandFactory,
    CategoryFactory,
    MerchantMemberFactory,
    StaffFactory,
    TaxCategoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient": "王琳",
    "phone": "13800138000",
    "province": "上海市",
    "city": "上海市",
    "district": "浦东新区",
    "street": "世纪大道100号",
}


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=True)


@pytest.fixture
def shopper(client):
    user = UserFactory()
    client.force_login(user)
    return user


def assert_refused(response, status=400, code="unstorable_character"):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["code"] == code and body["detail"], body
    return body


# --- 1. One guard for characters the database cannot store --------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/brands/a%00b/",
        "/api/v1/categories/%00/",
        "/api/v1/orders/A%00/",
        "/api/v1/payments/P%00/",
        "/api/v1/products/?q=a%00b",
        "/api/v1/brands/?country=J%00",
        "/api/v1/products/?a%00=1",
    ],
)
def test_nul_in_the_path_or_query_of_the_api_is_a_json_400(client, url):
    body = assert_refused(client.get(url))
    assert "cannot be stored" in body["detail"]


@pytest.mark.parametrize("url", ["/products/?q=a%00b", "/category/a%00/", "/stores/x%00/", "/orders/AB%00/"])
def test_nul_on_a_page_is_the_shops_error_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "cannot be stored" in response.content.decode()


def test_nul_in_basic_credentials_is_refused_before_authentication(client):
    for credentials in (b"us\x00er:password", b"user:pa\x00ss"):
        header = "Basic " + base64.b64encode(credentials).decode()
        body = assert_refused(client.get("/api/v1/products/", HTTP_AUTHORIZATION=header))
        assert "Authorization" in body["detail"]


def test_nul_in_a_header_or_cookie_is_refused(client):
    assert_refused(client.get("/api/v1/products/", HTTP_X_CUSTOM="a\x00b"))
    client.cookies["sessionid"] = "abc\x00def"
    assert_refused(client.get("/api/v1/products/"))


@pytest.mark.parametrize(
    "body",
    [
        {"recipient": "王\x00琳"},  # a value
        {"recipient\x00": "x"},  # a key
        {"deep": [{"deeper": {"deepest": ["ok", "no\x00"]}}]},  # at any depth
    ],
)
def test_nul_anywhere_in_a_json_body_writes_nothing(client, shopper, body):
    assert_refused(client.post("/api/v1/addresses/", {**ADDRESS, **body}, content_type="application/json"))
    assert not Address.objects.exists()


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ud800x", "\\ud800\\u0041", "\\uDC00\\uD800"])
def test_a_lone_surrogate_in_json_is_refused(client, shopper, escape):
    text = json.dumps(ADDRESS)[:-1] + f', "street": "a{escape}b"}}'
    assert_refused(client.post("/api/v1/addresses/", text, content_type="application/json"))
    assert not Address.objects.exists()


def test_a_surrogate_pair_and_an_escaped_backslash_are_fine(client, shopper):
    # "😀" as a pair of escapes, and the six characters \u0000 (an escaped backslash, not a NUL).
    text = json.dumps(ADDRESS)[:-1] + ', "street": "100\\ud83d\\ude00 \\\\u0000"}'
    response = client.post("/api/v1/addresses/", text, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Address.objects.get().street == "100😀 \\u0000"


def test_nul_in_form_fields_and_file_names_is_refused(client, shopper):
    response = client.post("/account/addresses/", {**ADDRESS, "street": "a\x00b"})
    assert response.status_code == 400 and "cannot be stored" in response.content.decode()
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(shopper)
    assert_refused(api.post("/api/v1/addresses/", {**ADDRESS, "city": "上海\x00"}, format="multipart"))
    # PUT and PATCH forms are parsed by the guard too (Django parses POST only).
    patched = api.patch("/api/v1/seller/application/", {"legal_name": "a\x00"}, format="multipart")
    assert_refused(patched)
    assert not Address.objects.exists()


def test_nul_in_the_login_form_is_refused(client):
    response = client.post("/accounts/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400


def test_an_oversized_body_is_a_clear_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"street": "x" * 2000})
    assert_refused(
        client.post("/api/v1/addresses/", body, content_type="application/json"), code="malformed_request"
    )


# --- 2. One limit on request structure ---------------------------------------------------------------


def test_json_nested_100000_levels_is_400_not_recursion_error(client, shopper):
    body = "[" * 100_000 + "]" * 100_000
    assert_refused(
        client.post("/api/v1/addresses/", body, content_type="application/json"), code="request_too_deep"
    )
    nested = '{"a":' * 50_000 + "1" + "}" * 50_000
    assert_refused(
        client.post("/api/v1/addresses/", nested, content_type="application/json"), code="request_too_deep"
    )
    assert not Address.objects.exists()


def test_the_depth_limit_counts_brackets_outside_strings_only(settings):
    limit = settings.API_JSON_MAX_DEPTH
    assert not json_depth_exceeds("[" * limit + "]" * limit, limit)
    assert json_depth_exceeds("[" * (limit + 1) + "]" * (limit + 1), limit)
    assert not json_depth_exceeds(json.dumps({"name": "[" * 1000}), limit)
    assert not json_depth_exceeds('{"a": "\\"[[[[[["}', 2)
    assert json_depth_exceeds('"unterminated' + "[" * 10, 2) is False  # invalid JSON: the parser's 400


# --- 3. Path converters that only match valid ids -----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/review/merchants/abc/",
        "/api/v1/review/merchants/99999999999999999999/",
        "/api/v1/review/merchants/9223372036854775808/",
        "/api/v1/review/merchants/0/",
        "/api/v1/review/applications/abc/",
        "/api/v1/products/99999999999999999999/",
        "/api/v1/seller/products/1e3/",
        "/api/v1/cart/items/99999999999999999999/",
        "/api/v1/addresses/-1/",
    ],
)
def test_non_numeric_or_out_of_range_ids_in_api_paths_are_json_404(client, url):
    client.force_login(StaffFactory())
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/staff/review/merchants/abc/",
        "/staff/review/merchants/99999999999999999999/",
        "/staff/review/applications/9223372036854775808/",
        "/product/99999999999999999999/",
        "/seller/products/abc/",
    ],
)
def test_non_numeric_or_out_of_range_ids_on_pages_are_404(client, url):
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 404


def test_the_largest_id_still_matches_its_route(client):
    client.force_login(StaffFactory())
    response = client.get("/api/v1/review/merchants/9223372036854775807/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_nul_in_a_json_lookup_is_refused_and_nothing_is_recorded(client):
    staff = StaffFactory()
    merchant = MerchantMemberFactory().merchant
    client.force_login(staff)
    body = json.dumps({"kind": "late\x00", "note": "n"})
    assert_refused(
        client.post(
            f"/api/v1/review/merchants/{merchant.pk}/violations/", body, content_type="application/json"
        )
    )
    assert not Violation.objects.exists()


# --- 4. An applicant's store lists no products ------------------------------------------------------


def test_a_valid_product_from_an_applicant_is_a_clear_403(rates):
    applicant = UserFactory(role=User.Role.CONSUMER)
    application = merchant_services.merchant_application_start(user=applicant)
    applicant.refresh_from_db()
    merchant = application.merchant
    assert merchant.status == Merchant.Status.PENDING and not merchant.settlement_currency
    brand = BrandFactory(slug="sakura")
    BrandAuthorizationFactory(merchant=merchant, brand=brand)
    CategoryFactory(slug="skincare")
    TaxCategoryFactory()
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(applicant)
    product = {
        "name_en": "Serum",
        "brand": "sakura",
        "category": "skincare",
        "tax_category": "general",
        "origin_country": "JP",
        "shipping_mode": "bonded",
        "variants": [{"sku": "APP-1", "price": "29.90", "stock": 10}],
    }
    response = api.post("/api/v1/seller/products/", product, format="json")
    body = assert_refused(response, status=403, code="store_not_approved")
    assert "not been approved" in body["detail"]
    priced = {
        **product,
        "variants": [{"sku": "APP-1", "price": "29.90", "price_currency": "JPY", "stock": 1}],
    }
    assert_refused(api.post("/api/v1/seller/products/", priced, format="json"), 403, "store_not_approved")
    assert not Product.objects.exists()


def test_an_unknown_price_currency_is_a_400_not_a_500(rates):
    member = MerchantMemberFactory()
    BrandAuthorizationFactory(merchant=member.merchant, brand=BrandFactory(slug="sakura"))
    CategoryFactory(slug="skincare")
    TaxCategoryFactory()
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(member.user)
    for currency in ("ZZZ", ""):
        product = {
            "name_en": "Serum",
            "brand": "sakura",
            "category": "skincare",
            "tax_category": "general",
            "origin_country": "JP",
            "shipping_mode": "bonded",
            "variants": [{"sku": "C-1", "price": "1.00", "price_currency": currency, "stock": 1}],
        }
        response = api.post("/api/v1/seller/products/", product, format="json")
        assert response.status_code == 400, response.content
    assert not Product.objects.exists()


# --- 5. Responses match the schema -------------------------------------------------------------------


def test_a_draft_application_without_currency_matches_the_schema(client):
    from django.test import Client as Browser

    applicant = UserFactory()
    merchant_services.merchant_application_start(user=applicant)
    client.force_login(StaffFactory())
    listed = client.get("/api/v1/review/applications/").json()["results"]
    assert listed[0]["settlement_currency"] == ""
    schema = Browser().get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json").json()
    field = schema["components"]["schemas"]["ReviewApplication"]["properties"]["settlement_currency"]
    allowed = set()
    for option in field["oneOf"]:
        name = option["$ref"].rsplit("/", 1)[1]
        allowed |= set(schema["components"]["schemas"][name]["enum"])
    assert "" in allowed and "JPY" in allowed


def test_every_operation_documents_its_errors_with_a_body():
    from django.test import Client as Browser

    schema = Browser().get("/api/v1/schema/?format=json", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status.startswith("4") and status != "402":
                    assert response["content"]["application/json"]["schema"], (method, path, status)
