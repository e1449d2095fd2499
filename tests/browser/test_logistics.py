"""Logistics in a real browser: the merchant compares quotes and ships two orders in one batch, prints the
label PDF; the carrier simulator delivers; the shopper sees the timeline; the public tracking page shows
no personal data."""

import io

import pytest
from pypdf import PdfReader

from logistics.models import Shipment
from orders.models import Order
from tests.factories import MerchantFactory, MerchantMemberFactory, paid_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username, next_url):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass12345word")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server.url + next_url)


def test_merchant_compares_quotes_and_ships_a_batch(live_server, page, screenshot, rates):
    from django.apps import apps

    from logistics.seed import seed_providers

    seed_providers(apps)  # a transactional test flushes the data migration's carriers
    member = MerchantMemberFactory(
        user__username="osaka", merchant=MerchantFactory(country="JP", name_en="Osaka Select")
    )
    orders = [paid_order(merchant=member.merchant, prices=("35.00", "12.00")) for _ in range(3)]
    log_in(page, live_server, "osaka", f"/seller/shipping/{orders[0].number}/")

    # The quotes side by side: every carrier serving Japan for direct mail, one recommended.
    rows = page.locator("[data-quotes] tbody tr")
    assert rows.count() == 5
    assert page.locator("tr.is-recommended").count() == 1
    screenshot("70-seller-quotes")
    page.click("a.sorts__item:nth-child(2)")  # by price
    prices = [
        float(p) for p in page.locator("[data-price]").evaluate_all("els => els.map(e => e.dataset.price)")
    ]
    assert prices == sorted(prices)

    # Ship two orders from the list in one batch.
    page.goto(f"{live_server.url}/seller/orders/")
    for order in orders[:2]:
        page.check(f"tr[data-order='{order.number}'] input[type=checkbox]")
    page.click("[data-ship-selected]")
    page.wait_for_selector("[data-batch-form]")
    for order in orders[:2]:
        page.select_option(f"select[name=provider_{order.number}]", "sf-express")
    screenshot("71-seller-batch")
    page.click("[data-batch-form] .btn--primary")
    page.wait_for_selector("[data-batch-labels]")
    assert page.locator("[data-result=shipped]").count() == 2
    screenshot("72-seller-batch-done")

    shipments = list(Shipment.objects.filter(order__in=orders[:2]))
    assert len(shipments) == 2 and all(s.provider.code == "sf-express" for s in shipments)
    assert Order.objects.get(pk=orders[2].pk).status == Order.Status.PAID

    # The label PDF opens and holds both waybills.
    href = page.get_attribute("[data-batch-labels]", "href")
    pdf = page.request.get(live_server.url + href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == 2 and all(s.waybill_number in text for s in shipments)

    # The carriers move the parcels (the simulator posts signed scans; customs matches the documents).
    from datetime import timedelta

    from django.utils import timezone

    from logistics import simulator

    Shipment.objects.filter(pk__in=[s.pk for s in shipments]).update(
        created_at=timezone.now() - timedelta(days=20)
    )
    assert simulator.simulate() > 0
    delivered = Shipment.objects.get(pk=shipments[0].pk)
    assert delivered.status == Shipment.Status.DELIVERED
    order = delivered.order
    assert order.status == Order.Status.DELIVERED and order.delivered_at

    # The shopper sees the carrier, the waybill with a copy button and the timeline.
    context = page.context
    context.clear_cookies()
    order.user.set_password("pass12345word")
    order.user.save()
    log_in(page, live_server, order.user.username, f"/orders/{order.number}/")
    assert delivered.waybill_number in page.inner_text("body")
    assert page.locator("[data-tracking-timeline] li").count() >= 6
    assert page.locator("[data-tracking-timeline] li").first.get_attribute("data-event-kind") == "delivered"
    screenshot("73-shopper-order-tracking")

    # The public tracking page: the parcel's trip, nothing personal.
    context.clear_cookies()
    page.goto(f"{live_server.url}/track/")
    page.fill("input[name=waybill]", delivered.waybill_number.lower())
    page.press("input[name=waybill]", "Enter")
    page.wait_for_url(f"**/track/{delivered.waybill_number}/")
    body = page.inner_text("body")
    assert delivered.waybill_number in body
    for secret in (
        order.recipient,
        order.buyer_name,
        order.phone,
        order.phone_masked,
        order.number,
        order.address,
    ):
        assert secret not in body, secret
    screenshot("74-public-tracking")
