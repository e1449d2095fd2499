"""An item over the 5,000 CNY per-order limit in a real browser: choosing that option on the product page
shows the notice and disables "Add to cart"; a cart line that went over (the rate rose) is flagged in
the cart, and on the checkout page "Place order" is disabled before anything is submitted."""

import re

import pytest

from marketplace import services as catalog_services
from tests.factories import MerchantFactory, ProductFactory, UserFactory, shopper_with_cart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hkd(rates):
    catalog_services.exchange_rate_set(currency="HKD", rate="1", source="tests")
    return MerchantFactory(settlement_currency="HKD")


def test_over_limit_option_cart_line_and_checkout(live_server, page, screenshot, hkd):
    product = ProductFactory(merchant=hkd, prices=["100.00", "6000.00"])
    page.goto(live_server.url + product.get_absolute_url())
    notice, button = page.locator("[data-over-limit-notice]"), page.locator("[data-add-button]")
    assert notice.is_hidden() and button.is_enabled()
    page.locator("input[name=variant]").nth(1).check()
    assert notice.is_visible() and button.is_disabled()
    assert "¥5,000.00" in notice.inner_text()
    screenshot("50-product-over-limit")
    page.locator("input[name=variant]").nth(0).check()
    assert notice.is_hidden() and button.is_enabled()

    # A line that was within the limit when added, then a rate rise put one unit at ¥6,000.
    ok = ProductFactory(merchant=hkd, prices=["10.00"])
    went_over = ProductFactory(merchant=MerchantFactory(settlement_currency="HKD"), prices=["4000.00"])
    user = UserFactory(username="over")
    shopper_with_cart((ok.variants.get(), 1), (went_over.variants.get(), 1), user=user)
    catalog_services.exchange_rate_set(currency="HKD", rate="1.5", source="tests")

    page.goto(live_server.url + "/accounts/login/?next=/cart/")
    page.fill("input[name=username]", "over")
    page.fill("input[name=password]", "pass12345word")
    page.press("input[name=password]", "Enter")  # submits the login form itself
    page.wait_for_url(re.compile(r"/cart/$"))
    assert page.locator("tr[data-over-limit]").count() == 1
    assert "¥5,000.00" in page.locator("tr[data-over-limit]").inner_text()
    assert page.locator("[data-checkout]").count() == 0
    screenshot("51-cart-over-limit")

    page.goto(live_server.url + "/checkout/")
    assert page.locator("[data-line-problem]").count() == 1
    assert page.locator("[data-checkout-blocked]").is_visible()
    assert page.locator("[data-place-order]").is_disabled()
    screenshot("52-checkout-over-limit")
