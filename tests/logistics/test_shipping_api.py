"""The shipping API: quotes, ship (one or a batch), labels; refusals are 4xx with {code, detail}."""

import io

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from logistics.models import Shipment
from orders.models import Order
from tests.factories import MerchantFactory, MerchantMemberFactory, paid_order


@pytest.fixture
def api(db):
    member = MerchantMemberFactory(merchant=MerchantFactory(country="US"))
    client = APIClient()
    client.force_authenticate(member.user)
    client.merchant = member.merchant
    return client


def test_quotes_then_ship_then_label(api, rates):
    order = paid_order(merchant=api.merchant)
    answer = api.get(f"/api/v1/seller/orders/{order.number}/quotes/?weight_grams=800&sort=price")
    assert answer.status_code == 200
    codes = [q["provider_code"] for q in answer.json()]
    assert codes[0] == "china-post" and "cheapest" in answer.json()[0]["marks"]
    assert sum("recommended" in q["marks"] for q in answer.json()) == 1
    made = api.post(
        f"/api/v1/seller/orders/{order.number}/ship/",
        {"provider_code": "dhl-express", "weight_grams": 800},
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["provider_code"] == "dhl-express" and body["price"] == "388.00" and body["currency"] == "CNY"
    again = api.post(
        f"/api/v1/seller/orders/{order.number}/ship/",
        {"provider_code": "dhl-express", "weight_grams": 800},
        format="json",
    )
    assert again.status_code == 200 and again.json()["waybill_number"] == body["waybill_number"]
    other = api.post(
        f"/api/v1/seller/orders/{order.number}/ship/",
        {"provider_code": "ems", "weight_grams": 800},
        format="json",
    )
    assert other.status_code == 409 and other.json()["code"] == "order_already_shipped"
    pdf = api.get(body["label_url"])
    assert (
        pdf.status_code == 200
        and body["waybill_number"] in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPED


@pytest.mark.parametrize("weight", [0, -1, 100_001, "x"])
def test_bad_weights_are_400(api, rates, weight):
    order = paid_order(merchant=api.merchant)
    answer = api.post(
        f"/api/v1/seller/orders/{order.number}/ship/",
        {"provider_code": "ems", "weight_grams": weight},
        format="json",
    )
    assert answer.status_code == 400 and "weight_grams" in answer.json()
    assert api.get(f"/api/v1/seller/orders/{order.number}/quotes/?weight_grams={weight}").status_code == 400
    assert not Shipment.objects.exists()


def test_over_the_carriers_limit_is_refused(api, rates):
    order = paid_order(merchant=api.merchant)
    answer = api.post(
        f"/api/v1/seller/orders/{order.number}/ship/",
        {"provider_code": "china-post", "weight_grams": 25_000},
        format="json",
    )
    assert answer.status_code == 400 and answer.json()["code"] == "too_heavy"


def test_batch_reports_each_order(api, rates):
    good = paid_order(merchant=api.merchant)
    cancelled = paid_order(merchant=api.merchant)
    Order.objects.filter(pk=cancelled.pk).update(status=Order.Status.CANCELLED)
    answer = api.post(
        "/api/v1/seller/shipping/batch/",
        {
            "parcels": [
                {"order_number": good.number, "provider_code": "ems", "weight_grams": 600},
                {"order_number": cancelled.number, "provider_code": "ems", "weight_grams": 600},
                {"order_number": "nope", "provider_code": "ems", "weight_grams": 600},
            ]
        },
        format="json",
    )
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert results[0]["shipment"]["order_number"] == good.number and results[0]["error"] is None
    assert results[1]["error"]["code"] == "order_not_shippable"
    assert results[2]["error"]["code"] == "not_found"
    assert answer.json()["labels_url"].endswith(results[0]["shipment"]["waybill_number"])
    too_many = [{"order_number": str(n), "provider_code": "ems", "weight_grams": 1} for n in range(51)]
    assert api.post("/api/v1/seller/shipping/batch/", {"parcels": too_many}, format="json").status_code == 400


def test_other_stores_orders_and_labels_are_404(api, rates):
    order = paid_order(merchant=MerchantFactory())
    assert api.get(f"/api/v1/seller/orders/{order.number}/quotes/").status_code == 404
    assert (
        api.post(
            f"/api/v1/seller/orders/{order.number}/ship/",
            {"provider_code": "ems", "weight_grams": 5},
            format="json",
        ).status_code
        == 404
    )
    assert api.get("/api/v1/seller/shipping/labels/?waybill=EA123456785US").status_code == 404
    assert not Shipment.objects.exists()
