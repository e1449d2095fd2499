"""The seller's shipping pages: quotes, shipping one order, a batch with one label PDF, the order list
and detail; query counts stay constant as shipments grow."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from logistics.models import Shipment
from orders.models import Order
from tests.factories import MerchantFactory, MerchantMemberFactory, paid_order, shipment_for


@pytest.fixture
def seller(db, client):
    member = MerchantMemberFactory(merchant=MerchantFactory(country="JP"))
    client.force_login(member.user)
    return member.merchant


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_quote_page_shows_every_carrier_serving_the_route(client, seller, rates):
    order = paid_order(merchant=seller)
    page = client.get(f"/seller/shipping/{order.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    for code in ("ems", "china-post", "sf-express", "dhl-express", "tnt"):
        assert f'data-provider="{code}"' in html
    assert 'data-provider="hongkong-post"' not in html  # Hong Kong, Macau and Taiwan only
    assert html.count('type="radio"') == 5 and html.count("checked") == 1
    assert 'data-provider="' in html and "pill--ok" in html


def test_a_bad_weight_on_the_quote_page_is_a_400_with_a_message(client, seller, rates):
    order = paid_order(merchant=seller)
    page = client.get(f"/seller/shipping/{order.number}/?weight_grams=-3")
    assert page.status_code == 400
    assert "1 to 100000" in page.content.decode() or "100000" in page.content.decode()


def test_shipping_from_the_page_then_printing_the_label(client, seller, rates):
    order = paid_order(merchant=seller)
    answer = client.post(f"/seller/shipping/{order.number}/", {"provider": "ems", "weight_grams": "900"})
    assert answer.status_code == 302 and answer["Location"] == f"/seller/orders/{order.number}/"
    shipment = Shipment.objects.get(order=order)
    assert shipment.waybill_number.endswith("JP") and shipment.weight_grams == 900
    detail = client.get(answer["Location"]).content.decode()
    assert shipment.waybill_number in detail and "EMS" in detail
    pdf = client.get(f"/seller/shipping/labels/?waybill={shipment.waybill_number}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1 and shipment.waybill_number in reader.pages[0].extract_text()
    # A second click: the same shipment, no error.
    again = client.post(f"/seller/shipping/{order.number}/", {"provider": "ems", "weight_grams": "900"})
    assert again.status_code == 302 and Shipment.objects.count() == 1
    # Another carrier now: refused with the waybill already issued.
    other = client.post(
        f"/seller/shipping/{order.number}/", {"provider": "sf-express", "weight_grams": "900"}
    )
    assert other.status_code == 409 and shipment.waybill_number in other.content.decode()


def test_shipping_a_cancelled_order_is_refused_on_the_page(client, seller, rates):
    order = paid_order(merchant=seller)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    answer = client.post(f"/seller/shipping/{order.number}/", {"provider": "ems", "weight_grams": "900"})
    assert answer.status_code == 409 and order.number in answer.content.decode()
    assert not Shipment.objects.exists()


def test_a_batch_ships_and_prints_one_pdf(client, seller, rates):
    orders = [paid_order(merchant=seller) for _ in range(3)]
    query = "&".join(f"order={o.number}" for o in orders)
    form = client.get(f"/seller/shipping/batch/?{query}")
    assert form.status_code == 200 and all(o.number in form.content.decode() for o in orders)
    data = {"order": [o.number for o in orders]}
    for o in orders:
        data[f"weight_{o.number}"] = "700"
        data[f"provider_{o.number}"] = "sf-express"
    done = client.post("/seller/shipping/batch/", data)
    assert done.status_code == 200
    shipments = list(Shipment.objects.filter(order__in=orders))
    assert len(shipments) == 3
    query = "&".join(f"waybill={s.waybill_number}" for s in shipments)
    assert all(f"waybill={s.waybill_number}" in done.content.decode() for s in shipments)
    pdf = PdfReader(io.BytesIO(client.get(f"/seller/shipping/labels/?{query}").content))
    assert len(pdf.pages) == 3
    text = "".join(page.extract_text() for page in pdf.pages)
    assert all(s.waybill_number in text for s in shipments)


def test_another_store_sees_nothing(client, seller, rates):
    other_order = paid_order(merchant=MerchantFactory())
    shipment = shipment_for(paid_order(merchant=MerchantFactory()))
    assert client.get(f"/seller/shipping/{other_order.number}/").status_code == 404
    assert client.get(f"/seller/orders/{other_order.number}/").status_code == 404
    assert client.get(f"/seller/shipping/labels/?waybill={shipment.waybill_number}").status_code == 404
    assert (
        client.post(
            f"/seller/shipping/{other_order.number}/", {"provider": "ems", "weight_grams": "900"}
        ).status_code
        == 404
    )
    batch = client.get(f"/seller/shipping/batch/?order={other_order.number}")
    assert batch.status_code == 302  # nothing of theirs to ship: back to the list with a message
    assert not Shipment.objects.filter(order=other_order).exists()


def test_quote_page_queries_do_not_grow_with_shipments(client, seller, rates):
    order = paid_order(merchant=seller)
    shipment_for(paid_order(merchant=seller), provider_code="ems")
    few = count_queries(client, f"/seller/shipping/{order.number}/")
    for code in ("ems", "sf-express", "dhl-express", "tnt", "china-post", "ems"):
        shipment_for(paid_order(merchant=seller), provider_code=code)
        shipment_for(paid_order(merchant=MerchantFactory(country="JP")), provider_code=code)
    assert count_queries(client, f"/seller/shipping/{order.number}/") == few


def test_seller_order_list_and_detail_queries_do_not_grow(client, seller, rates):
    first = shipment_for(paid_order(merchant=seller))
    paid_order(merchant=seller)
    list_few = count_queries(client, "/seller/orders/?status=all")
    detail_few = count_queries(client, f"/seller/orders/{first.order.number}/")
    for _ in range(4):
        shipment_for(paid_order(merchant=seller), provider_code="sf-express")
        paid_order(merchant=seller)
    assert count_queries(client, "/seller/orders/?status=all") == list_few
    assert count_queries(client, f"/seller/orders/{first.order.number}/") == detail_few
    html = client.get("/seller/orders/?status=shipped").content.decode()
    assert first.waybill_number in html
