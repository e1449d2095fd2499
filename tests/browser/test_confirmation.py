"""The confirmation dialog before cancelling a paid order, in a real browser (no CDN script: site.js)."""

import pytest
from django.core.management import call_command

from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cancelling_a_paid_order_asks_in_a_dialog_first(live_server, page, screenshot):
    call_command("seed_demo", products=30, seed=7, verbosity=0)
    order = Order.objects.filter(user__username="shopper", status="paid").first()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "shopper")
    page.fill("input[name=password]", "shopper12345")
    page.click("form .btn--primary")
    page.wait_for_load_state()
    page.goto(live_server.url + order.get_absolute_url())

    dialog = page.locator("#confirm-dialog")
    assert not dialog.is_visible()
    page.click("[data-cancel]")
    assert dialog.is_visible()
    assert "无法撤销" in dialog.inner_text()
    screenshot("confirm-dialog")
    dialog.locator("button[value=no]").click()
    assert not dialog.is_visible()
    order.refresh_from_db()
    assert order.status == "paid"  # "no" sent nothing

    page.click("[data-cancel]")
    with page.expect_navigation():
        dialog.locator("[data-confirm-yes]").click()
    order.refresh_from_db()
    assert order.status == "refunded"
    assert page.locator(".message--success").count() == 1
