"""Cancelling a paid order and blacklisting a store need an explicit yes (marketplace/confirm.py)."""

import pytest
from django.urls import reverse

from merchants.models import Merchant
from payments.models import SandboxOperation
from tests.factories import (
    MerchantFactory,
    ProductFactory,
    StaffFactory,
    checkout,
    pay,
    shopper_with_cart,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(rates):
    user, address, identity = shopper_with_cart((ProductFactory(prices=["10.00"]).variants.get(), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    return payment.orders.get(), user


def test_a_stray_cancel_of_a_paid_order_is_refused_and_asks_first(client, paid):
    order, user = paid
    client.force_login(user)
    detail = client.get(order.get_absolute_url()).content.decode()
    assert "data-confirm=" in detail and 'id="confirm-dialog"' in detail  # the dialog asks in the browser

    stray = client.post(f"/orders/{order.number}/cancel/", {"idempotency_key": "k1"})
    order.refresh_from_db()
    assert stray.status_code == 400 and order.status == "paid"
    assert not SandboxOperation.objects.filter(kind="refund").exists()
    page = stray.content.decode()
    assert 'name="confirm" value="yes"' in page and 'name="idempotency_key" value="k1"' in page
    assert "退回" in page  # the question says the money goes back

    wrong = client.post(f"/orders/{order.number}/cancel/", {"idempotency_key": "k1", "confirm": "1"})
    order.refresh_from_db()
    assert wrong.status_code == 400 and order.status == "paid"

    yes = client.post(f"/orders/{order.number}/cancel/", {"idempotency_key": "k1", "confirm": "yes"})
    order.refresh_from_db()
    assert yes.status_code == 302 and order.status == "refunded"


def test_blacklisting_a_store_is_refused_without_the_confirmation(client, rates):
    merchant = MerchantFactory()
    client.force_login(StaffFactory())
    url = reverse("review:merchant_action", args=[merchant.pk, "blacklist"])
    form = {"reason": "fraud", "note": "Fake orders"}
    assert "data-confirm=" in client.get(reverse("review:merchant", args=[merchant.pk])).content.decode()

    stray = client.post(url, form)
    merchant.refresh_from_db()
    assert stray.status_code == 400 and merchant.status != Merchant.Status.BLACKLISTED
    assert not merchant.blacklist_entries.exists()
    assert 'name="note" value="Fake orders"' in stray.content.decode()

    client.post(url, {**form, "confirm": "yes"})
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.BLACKLISTED and merchant.blacklist_entries.count() == 1
