"""The payout pages and API: the store requests a payout and saves its bank account; finance staff
batch, export and mark paid; staff refund an order after release; query counts stay flat."""

import csv
import io
from decimal import Decimal

import pytest

from orders.models import Order, OrderEvent
from payments import services
from payments.models import Payout, PayoutBatch
from tests.factories import MerchantFactory, paid_order

from .payout_helpers import (
    FAKE_GATEWAY,
    FakeConnectGateway,
    bank_details,
    connect,
    finance_staff,
    member,
    release,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rates")]


def _store_with_balance(prices=("100.00",)):
    merchant = MerchantFactory(settlement_currency="USD")
    order = release(paid_order(merchant=merchant, prices=prices))
    return merchant, order


def test_the_store_requests_a_payout_on_its_page(client):
    merchant, _order = _store_with_balance()
    user = member(merchant)
    client.force_login(user)
    page = client.get("/seller/finance/payouts/")
    assert page.status_code == 200
    available = services.merchant_available_balance(merchant).amount
    assert f'data-available="{available}"' in page.content.decode()
    assert "Connect Stripe" not in page.content.decode()  # the sandbox cannot transfer

    refused = client.post("/seller/finance/payouts/request/", {"amount": str(available)})
    assert refused.status_code == 409  # no bank account yet: said on the form
    response = client.post(
        "/seller/finance/payouts/account/",
        {
            "bank_account_name": "Store Ltd",
            "bank_name": "Example Bank",
            "bank_account_number": "de89 3704 0044",
        },
    )
    assert response.status_code == 302
    assert merchant.payout_account.bank_account_number == "DE8937040044"
    too_much = client.post("/seller/finance/payouts/request/", {"amount": str(available + 1)})
    assert too_much.status_code == 409 and not Payout.objects.exists()
    assert client.post("/seller/finance/payouts/request/", {"amount": "0.50"}).status_code == 400
    assert client.post("/seller/finance/payouts/request/", {"amount": str(available)}).status_code == 302
    payout = Payout.objects.get()
    assert payout.merchant == merchant and payout.requested_by == user
    assert payout.reference in client.get("/seller/finance/payouts/").content.decode()


def test_connect_link_only_when_the_gateway_transfers(client, settings):
    from django.urls import reverse

    merchant, _order = _store_with_balance()
    client.force_login(member(merchant))
    link = f'href="{reverse("seller_stripe:connect")}"'
    assert link not in client.get("/seller/finance/payouts/").content.decode()  # the sandbox
    FakeConnectGateway.reset()
    settings.PAYMENT_GATEWAY_CLASS = FAKE_GATEWAY
    assert link in client.get("/seller/finance/payouts/").content.decode()
    connect(merchant)
    page = client.get("/seller/finance/payouts/").content.decode()
    assert link not in page  # connected: said instead


def test_seller_page_and_api_query_counts_do_not_grow_with_payouts(client, django_assert_max_num_queries):
    merchant, _order = _store_with_balance(prices=("100.00", "90.00"))
    bank_details(merchant)
    user = member(merchant)
    client.force_login(user)
    services.payout_request(merchant=merchant, actor=user, amount=Decimal("15.00"))
    with django_assert_max_num_queries(30) as few:
        client.get("/seller/finance/payouts/")
    for _ in range(5):
        services.payout_request(merchant=merchant, actor=user, amount=Decimal("15.00"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/seller/finance/payouts/")
    with django_assert_max_num_queries(12):
        listed = client.get("/api/v1/seller/payouts/").json()["results"]
    assert len(listed) == 6


def test_seller_api_lists_and_requests(client):
    merchant, _order = _store_with_balance()
    bank_details(merchant)
    client.force_login(member(merchant))
    available = services.merchant_available_balance(merchant).amount
    bad = client.post("/api/v1/seller/payouts/", {"amount": "1.00"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "payout_below_minimum"
    over = client.post(
        "/api/v1/seller/payouts/", {"amount": str(available + 1)}, content_type="application/json"
    )
    assert over.status_code == 409 and over.json()["code"] == "payout_exceeds_balance"
    made = client.post("/api/v1/seller/payouts/", {"amount": str(available)}, content_type="application/json")
    assert made.status_code == 201 and made.json()["method"] == "bank_batch"
    other = MerchantFactory()
    client.force_login(member(other))
    assert client.get("/api/v1/seller/payouts/").json()["results"] == []  # only one's own


def test_staff_batch_pages_end_to_end(client, django_assert_max_num_queries):
    staff = finance_staff()
    for _ in range(2):
        merchant, _order = _store_with_balance()
        bank_details(merchant)
        services.payout_request(
            merchant=merchant,
            actor=member(merchant),
            amount=services.merchant_available_balance(merchant).amount,
        )
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        page = client.get("/staff/finance/payouts/")
    assert page.status_code == 200
    for payout in Payout.objects.all():
        assert payout.reference in page.content.decode()
    response = client.post("/staff/finance/payouts/batches/new/")
    batch = PayoutBatch.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/staff/finance/payouts/batches/{batch.pk}/"
    )
    with django_assert_max_num_queries(14):
        assert client.get(f"/staff/finance/payouts/batches/{batch.pk}/").status_code == 200
    exported = client.get(f"/staff/finance/payouts/batches/{batch.pk}/export.csv")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert len(rows) == 3
    failed = Payout.objects.order_by("pk").first()
    client.post(f"/staff/finance/payouts/{failed.pk}/failed/", {"reason": "Account closed"})
    client.post(f"/staff/finance/payouts/batches/{batch.pk}/paid/", {"bank_reference": "BANK-77"})
    statuses = dict(Payout.objects.values_list("pk", "status"))
    assert statuses[failed.pk] == "failed" and sorted(statuses.values()) == ["failed", "paid"]
    batch.refresh_from_db()
    assert batch.bank_reference == "BANK-77" and batch.paid_by == staff


def test_staff_batch_api(client):
    merchant, _order = _store_with_balance()
    bank_details(merchant)
    payout = services.payout_request(
        merchant=merchant, actor=member(merchant), amount=services.merchant_available_balance(merchant).amount
    )
    client.force_login(finance_staff())
    made = client.post("/api/v1/staff/payout-batches/", {}, content_type="application/json")
    assert made.status_code == 201 and made.json()["payouts"][0]["reference"] == payout.reference
    batch_id = made.json()["id"]
    again = client.post("/api/v1/staff/payout-batches/", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_batch"
    exported = client.get(f"/api/v1/staff/payout-batches/{batch_id}/export/")
    assert exported.status_code == 200 and payout.reference in exported.content.decode()
    paid = client.post(
        f"/api/v1/staff/payout-batches/{batch_id}/mark-paid/",
        {"bank_reference": "B-9"},
        content_type="application/json",
    )
    assert paid.status_code == 200 and paid.json()["payouts"][0]["status"] == "paid"
    listed = client.get("/api/v1/staff/payout-batches/").json()["results"]
    assert [row["bank_reference"] for row in listed] == ["B-9"]


def test_staff_refund_page_after_release_shows_on_the_order(client):
    merchant, order = _store_with_balance()
    client.force_login(finance_staff())
    form = client.get("/staff/finance/refunds/")
    assert form.status_code == 200
    unconfirmed = client.post(
        "/staff/finance/refunds/", {"order_number": order.number, "idempotency_key": "k1"}
    )
    assert unconfirmed.status_code == 400
    done = client.post(
        "/staff/finance/refunds/", {"order_number": order.number, "idempotency_key": "k1", "confirm": "on"}
    )
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.events.filter(kind=OrderEvent.Kind.REFUNDED_AFTER).exists()
    again = client.post(
        "/staff/finance/refunds/", {"order_number": order.number, "idempotency_key": "k2", "confirm": "on"}
    )
    assert again.status_code == 409  # already refunded
    client.force_login(order.user)
    page = client.get(f"/orders/{order.number}/")
    assert page.status_code == 200
    assert (
        str(OrderEvent.Kind.REFUNDED_AFTER.label) in page.content.decode() or "退款" in page.content.decode()
    )


def test_staff_refund_api_before_release(client):
    order = paid_order(prices=("20.00",))
    client.force_login(finance_staff())
    body = {"order_number": order.number, "idempotency_key": "api-r1"}
    first = client.post("/api/v1/staff/refunds/", body, content_type="application/json")
    second = client.post("/api/v1/staff/refunds/", body, content_type="application/json")
    assert first.status_code == 200 and first.json() == second.json()
    assert first.json()["reason"] == "order"
    missing = client.post(
        "/api/v1/staff/refunds/",
        {"order_number": "0", "idempotency_key": "x"},
        content_type="application/json",
    )
    assert missing.status_code == 404
