"""The shopper's journey through the API: cart, address, identity, checkout, sandbox payment, orders,
cancel. Errors answer 4xx with `{code, detail}` or field messages, never a 500."""

import pytest
from rest_framework.test import APIClient

from orders.models import Order
from payments.models import SandboxOperation
from tests.factories import MerchantFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    user = UserFactory()
    client.force_authenticate(user)
    client.user = user
    return client


CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


def test_the_whole_journey(api, rates):
    a = ProductFactory(merchant=MerchantFactory(), prices=["10.00"]).variants.get()
    b = ProductFactory(merchant=MerchantFactory(settlement_currency="JPY"), prices=["1000"]).variants.get()
    assert api.post("/api/v1/cart/", {"variant": a.pk, "quantity": 2}, format="json").status_code == 201
    cart = api.post("/api/v1/cart/", {"variant": b.pk}, format="json").json()
    assert len(cart["groups"]) == 2 and cart["count"] == 3
    assert cart["groups"][0]["total"] == "180.36"
    assert api.patch(f"/api/v1/cart/items/{b.pk}/", {"quantity": 2}, format="json").json()["count"] == 4

    address = api.post(
        "/api/v1/addresses/",
        {
            "recipient": "王琳",
            "phone": "13800138000",
            "province": "上海市",
            "city": "上海市",
            "district": "浦东新区",
            "street": "世纪大道100号",
        },
        format="json",
    ).json()
    identity = api.post(
        "/api/v1/identities/", {"real_name": "王琳", "id_number": "11010519491231002X"}, format="json"
    ).json()
    assert identity["id_number"] == "110105********002X" and identity["quota_remaining"] == "26000.00"

    payment = api.post(
        "/api/v1/checkout/",
        {"address": address["id"], "identity": identity["id"], "idempotency_key": "co-1"},
        format="json",
    ).json()
    assert len(payment["orders"]) == 2 and payment["status"] == "requires_payment"

    declined = api.post(
        f"/api/v1/payments/{payment['reference']}/confirm/",
        dict(CARD, card_number="4000000000000002", idempotency_key="p-1"),
        format="json",
    )
    assert declined.status_code == 402 and declined.json()["error_code"] == "card_declined"
    ok = api.post(
        f"/api/v1/payments/{payment['reference']}/confirm/", dict(CARD, idempotency_key="p-2"), format="json"
    )
    again = api.post(
        f"/api/v1/payments/{payment['reference']}/confirm/", dict(CARD, idempotency_key="p-2"), format="json"
    )
    assert ok.status_code == 200 and again.status_code == 200
    assert ok.json()["payment"]["status"] == "succeeded"
    assert SandboxOperation.objects.filter(kind="charge", outcome="succeeded").count() == 1

    orders = api.get("/api/v1/orders/").json()["results"]
    assert {o["status"] for o in orders} == {"paid"}
    detail = api.get(f"/api/v1/orders/{orders[0]['number']}/").json()
    assert [e["kind"] for e in detail["events"]] == ["placed", "payment_failed", "paid"]
    assert detail["buyer_id_number"] == "110105********002X"

    cancel = {"idempotency_key": "c-1"}
    first = api.post(f"/api/v1/orders/{orders[0]['number']}/cancel/", cancel, format="json")
    second = api.post(f"/api/v1/orders/{orders[0]['number']}/cancel/", cancel, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["order"]["status"] == "refunded"
    assert SandboxOperation.objects.filter(kind="refund", outcome="succeeded").count() == 1


def test_bad_input_is_4xx_with_a_message(api, rates):
    variant = ProductFactory(stock=1).variants.get()
    response = api.post("/api/v1/cart/", {"variant": variant.pk, "quantity": 5}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "insufficient_stock"
    assert api.post("/api/v1/cart/", {"variant": "x"}, format="json").status_code == 400
    assert api.post("/api/v1/cart/", {"variant": 99999}, format="json").status_code == 404
    bad_id = api.post(
        "/api/v1/identities/", {"real_name": "王琳", "id_number": "110105194912310021"}, format="json"
    )
    assert bad_id.status_code == 400 and "id_number" in bad_id.json()
    empty = api.post(
        "/api/v1/checkout/", {"address": 1, "identity": 1, "idempotency_key": "k"}, format="json"
    )
    assert empty.status_code in (400, 404) and "code" in empty.json()
    assert api.post("/api/v1/orders/nope/cancel/", {"idempotency_key": "k"}, format="json").status_code == 404


def test_card_errors_are_400(api, rates):
    variant = ProductFactory().variants.get()
    api.post("/api/v1/cart/", {"variant": variant.pk}, format="json")
    address = api.post(
        "/api/v1/addresses/",
        {
            "recipient": "王琳",
            "phone": "13800138000",
            "province": "上海",
            "city": "上海",
            "district": "浦东",
            "street": "1号",
        },
        format="json",
    ).json()
    identity = api.post(
        "/api/v1/identities/", {"real_name": "王琳", "id_number": "11010519491231002X"}
    ).json()
    payment = api.post(
        "/api/v1/checkout/", {"address": address["id"], "identity": identity["id"], "idempotency_key": "k"}
    ).json()
    response = api.post(
        f"/api/v1/payments/{payment['reference']}/confirm/",
        dict(CARD, card_number="4242424242424241", idempotency_key="x"),
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_card"
    assert Order.objects.get().status == "pending_payment"


def test_the_api_needs_a_login(rates):
    client = APIClient()
    for url in ["/api/v1/cart/", "/api/v1/orders/", "/api/v1/addresses/", "/api/v1/identities/"]:
        response = client.get(url)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token", url


def test_one_shopper_cannot_read_anothers_orders_or_payments(api, rates):
    test_the_whole_journey(api, rates)
    other = APIClient()
    other.force_authenticate(UserFactory())
    order = Order.objects.first()
    assert other.get(f"/api/v1/orders/{order.number}/").status_code == 404
    assert other.get(f"/api/v1/payments/{order.payment.reference}/").status_code == 404
    assert other.get("/api/v1/orders/").json()["count"] == 0


def test_the_address_book_shows_the_phone_masked_like_the_pages(api, client):
    body = {
        "recipient": "王琳",
        "phone": "138 0013 8000",
        "province": "上海市",
        "city": "上海市",
        "district": "浦东新区",
        "street": "世纪大道 100 号",
    }
    created = api.post("/api/v1/addresses/", body, format="json")
    assert created.status_code == 201 and created.json()["phone"] == "138****8000"
    assert [a["phone"] for a in api.get("/api/v1/addresses/").json()] == ["138****8000"]
    assert "13800138000" not in api.get("/api/v1/addresses/").content.decode()
    address = api.user.addresses.get()
    assert address.phone == "13800138000"  # kept in full for the courier
    client.force_login(api.user)
    assert address.phone_masked in client.get("/account/addresses/").content.decode()  # the same masking
