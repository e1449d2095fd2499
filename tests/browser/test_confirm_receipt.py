"""The shopper confirms receipt in a real browser: the dialog says the money goes to the store and
cannot be taken back; after yes, the order shows completed with a message."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from payments.models import LedgerTransaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_confirming_receipt_through_the_dialog_completes_the_order(live_server, page, screenshot):
    call_command("seed_demo", products=30, seed=7, verbosity=0)
    order = Order.objects.filter(user__username="shopper", status="paid").first()
    order = order_services.order_ship(order=order)
    with transaction.atomic():
        order_services.order_deliver(order=order, delivered_at=timezone.now() - timedelta(days=2))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "shopper")
    page.fill("input[name=password]", "shopper12345")
    page.click("form .btn--primary")
    page.wait_for_load_state()
    page.goto(live_server.url + "/orders/")
    assert page.locator(f"[data-order-actions='{order.number}'] [data-confirm-receipt]").is_visible()
    screenshot("order-list-confirm-receipt")
    page.goto(live_server.url + order.get_absolute_url())

    assert page.locator("[data-auto-release]").is_visible()  # the countdown to the automatic release
    dialog = page.locator("#confirm-dialog")
    page.click("[data-confirm-receipt]")
    assert dialog.is_visible()
    assert "无法撤回" in dialog.inner_text()  # "cannot take it back": the page is in Chinese
    screenshot("confirm-receipt-dialog")
    dialog.locator("button[value=no]").click()
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED  # "no" sent nothing

    page.click("[data-confirm-receipt]")
    with page.expect_navigation():
        dialog.locator("[data-confirm-yes]").click()
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert LedgerTransaction.objects.filter(kind="release", order=order).count() == 1
    assert page.locator(".message--success").count() == 1
    assert page.locator(".order-head [data-status]").get_attribute("data-status") == "completed"
    assert page.locator("[data-confirm-receipt]").count() == 0
    screenshot("confirm-receipt-done")


def test_finance_staff_hold_a_payment_and_lift_it(live_server, page, screenshot, rates):
    from django.contrib.auth.models import Permission

    from tests.factories import StaffFactory, paid_order

    order = order_services.order_ship(order=paid_order())
    staff = StaffFactory(username="finance-clerk")
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_finance", "manage_finance"]))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "finance-clerk")
    page.fill("input[name=password]", "pass12345word")
    page.click("form .btn--primary")
    page.wait_for_load_state()
    page.goto(live_server.url + "/staff/finance/holds/")
    page.fill("input[name=number]", order.number)
    page.fill("textarea[name=reason]", "The card's issuer opened a dispute")
    with page.expect_navigation():
        page.click("[data-place-hold] .btn--primary")
    row = page.locator(f"tr[data-hold='{order.number}']")
    assert row.is_visible() and "opened a dispute" in row.inner_text()
    assert page.locator(".message--success").count() == 1
    screenshot("staff-payment-holds")
    with page.expect_navigation():
        row.locator("button").click()
    assert page.locator(f"tr[data-hold='{order.number}']").count() == 0
    assert not order.release_holds.filter(lifted_at__isnull=True).exists()
