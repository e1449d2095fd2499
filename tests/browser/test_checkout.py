"""The buying journey in a real browser: add goods from two stores to the cart before logging in, log in
(the cart follows), add an address and a buyer identity, check out, get declined, pay with the sandbox
test card, and see both orders paid with their timeline. Then the merchant sees the paid order."""

import re

import pytest
from django.core.management import call_command

from marketplace import selectors
from marketplace.models import Product
from orders.models import Order
from tests.factories import MerchantMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_products(settings):
    call_command("seed_demo", products=40, seed=11, verbosity=0)
    chosen, merchants = [], set()
    for product in selectors.products_visible().filter(price_cny__lt=800).order_by("-sales_count", "pk"):
        first = product.variants.filter(is_active=True).order_by("position", "id").first()
        if product.merchant_id not in merchants and first and first.stock >= 2:
            chosen.append(product)
            merchants.add(product.merchant_id)
        if len(chosen) == 2:
            return chosen
    pytest.fail("the demo catalogue has no two affordable products from two stores")


def test_shop_from_two_stores_check_out_and_pay(live_server, page, screenshot, two_products):
    first, second = two_products
    UserFactory(username="meimei", email="meimei@example.com")

    # Shop before logging in: the cart lives in the session.
    page.goto(live_server.url + first.get_absolute_url())
    page.fill("input[name=quantity]", "2")
    page.click("[data-add-button]")
    page.wait_for_load_state()
    assert page.locator("[data-cart-count]").inner_text() == "2"
    page.goto(live_server.url + second.get_absolute_url())
    page.click("[data-add-button]")
    page.wait_for_load_state()
    assert page.locator("[data-cart-count]").inner_text() == "3"
    screenshot("20-product-added")

    page.click("[data-cart-link]")
    page.wait_for_url(re.compile(r"/cart/$"))
    assert page.locator(".order-group").count() == 2  # one per store
    assert page.locator(".order-group .sums__total").count() == 2
    screenshot("21-cart")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("21b-cart-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    # Checking out asks to log in; the cart follows into the account.
    page.click("[data-checkout]")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=username]", "meimei")
    page.fill("input[name=password]", "pass12345word")
    page.click("form .btn--primary")
    page.wait_for_url(re.compile(r"/checkout/$"))
    assert page.locator("[data-cart-count]").inner_text() == "3"

    # No address or identity yet: add them from the checkout page.
    page.click("text=添加地址 >> nth=0")
    page.wait_for_url(re.compile(r"/account/addresses/"))
    for name, value in [
        ("recipient", "韩梅梅"),
        ("phone", "13912345678"),
        ("province", "浙江省"),
        ("city", "杭州市"),
        ("district", "西湖区"),
        ("street", "文三路 90 号 3 幢 501 室"),
    ]:
        page.fill(f"input[name={name}]", value)
    page.click("form .btn--primary")
    page.wait_for_url(re.compile(r"/checkout/$"))
    page.click("text=添加购买人身份 >> nth=0")
    page.wait_for_url(re.compile(r"/account/identities/"))
    page.fill("input[name=real_name]", "韩梅梅")
    page.fill("input[name=id_number]", "330106199508150221")  # wrong check digit
    page.click("form .btn--primary")
    assert "校验位" in page.locator(".field__error").inner_text()
    screenshot("22-identity-error")
    page.fill("input[name=id_number]", "330106199508150220")
    page.click("form .btn--primary")
    page.wait_for_url(re.compile(r"/checkout/$"))
    assert "330106********0220" in page.content() and "330106199508150220" not in page.content()
    assert "¥26,000.00" in page.locator("[data-quota]").inner_text()
    screenshot("23-checkout")

    page.click("[data-place-order]")
    page.wait_for_url(re.compile(r"/pay/P\w+/$"))
    assert Order.objects.filter(user__username="meimei", status="pending_payment").count() == 2

    # A declined card first: nothing is charged, the shopper can try again.
    page.fill("input[name=number]", "4000 0000 0000 0002")
    page.fill("input[name=expiry]", "12/30")
    page.fill("input[name=cvc]", "123")
    page.click("[data-pay]")
    page.wait_for_load_state()
    assert "拒绝" in page.locator("[data-pay-error]").inner_text()
    screenshot("24-pay-declined")
    page.fill("input[name=number]", "4242 4242 4242 4242")
    page.fill("input[name=expiry]", "12/30")
    page.fill("input[name=cvc]", "123")
    page.click("[data-pay]")
    page.wait_for_url(re.compile(r"/orders/$"))
    statuses = page.locator(".order-row [data-status]").evaluate_all("els => els.map(e => e.dataset.status)")
    assert statuses == ["paid", "paid"]
    assert set(Order.objects.filter(user__username="meimei").values_list("status", flat=True)) == {"paid"}
    screenshot("25-my-orders")

    page.locator(".order-row").first.click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    timeline = page.locator(".timeline").inner_text()
    assert "已付款" in timeline and "付款未成功" in timeline and "订单已提交" in timeline
    assert "银行卡被拒绝" in timeline
    screenshot("26-order-page")

    # The merchant sees the paid order with its time left to ship.
    order = Order.objects.filter(merchant=first.merchant, user__username="meimei").get()
    member = MerchantMemberFactory(merchant=first.merchant, user__username="seller1")
    page.click(".topbar button.linklike")  # log out
    page.wait_for_load_state()
    page.goto(live_server.url + "/accounts/login/?next=/seller/orders/")
    page.fill("input[name=username]", member.user.username)
    page.fill("input[name=password]", "pass12345word")
    page.click("form .btn--primary")
    page.wait_for_url(re.compile(r"/seller/orders/"))
    row = page.locator(f"tr[data-order='{order.number}']")
    assert "小时" in row.locator("[data-time-left]").inner_text()
    screenshot("27-seller-orders")


def test_product_page_has_an_add_to_cart_button(live_server, page, two_products):
    page.goto(live_server.url + two_products[0].get_absolute_url())
    assert page.locator("[data-add-button]").is_enabled()
    assert Product.objects.count() >= 2
