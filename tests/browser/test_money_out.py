"""Money out in a real browser, end to end: the shopper confirms receipt, the store sees the money on
its balance and its statement and asks for a payout, and finance staff see the release on the finance
page and the payout waiting for the bank batch."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from orders import services as order_services
from orders.models import Order
from payments.models import LedgerAccount, LedgerEntry, Payout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, username, password):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form .btn--primary")
    page.wait_for_load_state()


def test_confirmed_money_reaches_the_store_its_statement_a_payout_and_the_finance_page(
    live_server, page, screenshot, settings, rates
):
    from django.contrib.auth.models import Permission

    from tests.factories import MerchantFactory, MerchantMemberFactory, StaffFactory, UserFactory, paid_order

    settings.PAYOUT_MINIMUM_CNY = 1
    member = MerchantMemberFactory(
        user__username="osaka",
        merchant=MerchantFactory(country="JP", name_en="Osaka Select", settlement_currency="JPY"),
    )
    shopper = UserFactory(username="buyer-mei")
    order = order_services.order_ship(
        order=paid_order(merchant=member.merchant, prices=("3500",), user=shopper)
    )
    finance = StaffFactory(username="finance-clerk")
    finance.user_permissions.add(*Permission.objects.filter(codename__in=["view_finance", "manage_finance"]))

    # The shopper confirms receipt through the dialog.
    _log_in(page, live_server, "buyer-mei", "pass12345word")
    page.goto(live_server.url + order.get_absolute_url())
    page.click("[data-confirm-receipt]")
    with page.expect_navigation():
        page.locator("#confirm-dialog [data-confirm-yes]").click()
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    net = -LedgerEntry.objects.filter(
        account=LedgerAccount.MERCHANT_BALANCE, merchant=order.merchant
    ).aggregate(t=Sum("amount"))["t"]
    assert net > 0

    # The store sees its balance and the release on its statement.
    _log_in(page, live_server, "osaka", "pass12345word")
    page.goto(live_server.url + "/seller/finance/")
    balance = page.locator("[data-figure=balance]").inner_text()
    assert any(ch.isdigit() for ch in balance) and balance.strip() not in ("0", "¥0", "JP¥0")
    page.wait_for_timeout(1500)  # the chart's bars grow in (Chart.js animation)
    screenshot("money-out-seller-finance")
    page.goto(live_server.url + "/seller/finance/statement/")
    release_row = page.locator("tr[data-row=release]").first
    assert release_row.is_visible() and order.number in release_row.inner_text()
    screenshot("money-out-seller-statement")

    # It gives a bank account and asks for its whole balance.
    page.goto(live_server.url + "/seller/finance/payouts/")
    page.fill("input[name=bank_account_name]", "Osaka Select K.K.")
    page.fill("input[name=bank_name]", "MUFG Bank")
    page.fill("input[name=bank_account_number]", "JP0012345678901234")
    with page.expect_navigation():
        page.click("form[action$='account/'] button")
    with page.expect_navigation():
        page.click("form[action$='request/'] button")
    payout = Payout.objects.get(merchant=order.merchant)
    assert payout.amount.amount == Decimal(net).quantize(Decimal("0.01"))
    assert payout.status == Payout.Status.REQUESTED
    screenshot("money-out-seller-payouts")
    page.goto(live_server.url + "/seller/finance/statement/")
    assert page.locator("tr[data-row=payout]").count() == 1
    screenshot("money-out-seller-statement-after-payout")

    # Finance staff see the release on the finance page and the payout waiting for the bank.
    _log_in(page, live_server, "finance-clerk", "pass12345word")
    page.goto(live_server.url + "/staff/finance/")
    assert order.merchant.name in page.content() or order.merchant.name_en in page.content()
    page.wait_for_timeout(1500)
    screenshot("money-out-staff-finance")
    page.goto(live_server.url + "/staff/finance/payouts/")
    assert payout.reference in page.content()
    screenshot("money-out-staff-payouts")
