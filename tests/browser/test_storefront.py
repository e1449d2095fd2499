"""A shopper's first visit, in a real browser: home, search, filter, product page, language switch."""

import re

import pytest
from django.core.management import call_command

from marketplace.models import Product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_catalog(settings, tmp_path):
    call_command("seed_demo", products=120, seed=7, verbosity=0)
    return Product.objects.filter(status="published")


def test_shopper_browses_searches_filters_and_opens_a_product(live_server, page, screenshot, demo_catalog):
    page.goto(live_server.url + "/")
    assert page.locator(".product-card").count() >= 6
    assert page.locator(".brand-tile").count() >= 6
    assert page.locator(".pavilion").count() >= 4
    screenshot("01-home")

    # Search for a brand by its Chinese name, typed into the header search box.
    product = demo_catalog.select_related("brand").exclude(brand__name_zh="").first()
    page.fill("input[name=q]", product.brand.name_zh)
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    results = page.locator(".product-card")
    assert results.count() >= 1
    assert product.brand.name_zh in page.locator(".results").inner_text()
    screenshot("02-search")

    # Filter: bonded warehouse only (the radio button submits the form), then sort by price.
    page.goto(live_server.url + "/products/")
    total = int(re.search(r"\d+", page.locator(".results__count").inner_text()).group())
    page.check("input[name=shipping_mode][value=bonded]")
    page.wait_for_url(re.compile(r"shipping_mode=bonded"))
    bonded = int(re.search(r"\d+", page.locator(".results__count").inner_text()).group())
    assert 0 < bonded < total
    assert page.locator(".badge--direct_mail").count() == 0
    page.click("a.sorts__item[href*='sort=price_asc']")
    page.wait_for_url(re.compile(r"sort=price_asc"))
    prices = [
        float(t.replace("¥", "").replace(",", ""))
        for t in page.locator(".product-card .price").all_inner_texts()
    ]
    assert prices == sorted(prices) and prices
    screenshot("03-filtered")

    # Open the first product: price in yuan, tax estimate, ships-from, merchant link.
    page.locator(".product-card a").first.click()
    page.wait_for_url(re.compile(r"/product/\d+/"))
    assert re.match(r"¥[\d,]+\.\d\d", page.locator("[data-show-price]").inner_text())
    assert "¥" in page.locator("[data-show-tax]").inner_text()
    assert page.locator(".facts").inner_text().count("\n") >= 4
    screenshot("04-product")
    merchant_link = page.locator("[data-merchant-link]")
    merchant_name = merchant_link.inner_text()
    merchant_link.click()
    page.wait_for_url(re.compile(r"/stores/"))
    assert merchant_name in page.locator("h1").inner_text()

    # A product with several options: choosing one shows its own price and tax.
    multi = next(p for p in demo_catalog.prefetch_related("variants") if len(p.variants.all()) > 2)
    page.goto(live_server.url + multi.get_absolute_url())
    options = page.locator("input[name=variant]")
    last = options.nth(options.count() - 1)
    page.locator(".variant span").nth(options.count() - 1).click()
    assert page.locator("[data-show-price]").inner_text() == last.get_attribute("data-price")
    assert page.locator("[data-show-tax]").inner_text() == last.get_attribute("data-tax")
    screenshot("04b-product-options")

    # Switch to English and back.
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "Est. import tax" in page.content() and "Global Mall" in page.content()
    screenshot("05-product-english")
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_load_state()
    assert "全部商品" in page.content()


def test_pages_fit_a_phone(live_server, browser, demo_catalog):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    for name, path in [("06-phone-home", "/"), ("07-phone-listing", "/products/")]:
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        from tests.browser.conftest import SCREENSHOTS

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
    context.close()
