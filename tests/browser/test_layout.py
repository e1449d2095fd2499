"""Layout checks in a real browser: no page scrolls sideways on a 390 px phone, and buttons are legible."""

import pytest
from django.core.management import call_command

from marketplace.models import Product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOPPER_PAGES = ["/", "/products/", "/brands/", "/pavilions/", "/cart/", "/orders/", "/account/addresses/"]
SELLER_PAGES = ["/seller/", "/seller/products/", "/seller/products/new/", "/seller/orders/"]


@pytest.fixture
def demo(settings):
    call_command("seed_demo", products=60, seed=7, verbosity=0)
    return Product.objects.filter(status="published").order_by("pk").first()


def log_in(page, live_server, username, password):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form .btn--primary")
    page.wait_for_load_state()


def overflow(page):
    """How far the document is wider than the viewport (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def widest(page):
    """The elements that stick out past the right edge (outside any scrolling strip), to say which."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.parentElement.closest('.catnav__inner, .table-wrap'))
            .slice(-5)
            .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_page_is_wider_than_a_390px_phone(live_server, browser, screenshot, demo, language):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        too_wide = {}
        for url in [*SHOPPER_PAGES[:4], demo.get_absolute_url()]:
            page.goto(live_server.url + url)
            if overflow(page) > 0:
                too_wide[url] = widest(page)
        page.screenshot(path=str(_shot(f"phone-product-{language}")), full_page=True)
        log_in(page, live_server, "shopper", "shopper12345")
        for url in SHOPPER_PAGES:
            page.goto(live_server.url + url)
            if overflow(page) > 0:
                too_wide[url] = widest(page)
            if url == "/":
                page.screenshot(path=str(_shot(f"phone-home-{language}")), full_page=True)
        page.context.clear_cookies()
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        log_in(page, live_server, "merchant", "merchant12345")
        for url in SELLER_PAGES:
            page.goto(live_server.url + url)
            if overflow(page) > 0:
                too_wide[url] = widest(page)
        page.goto(live_server.url + "/seller/products/")
        page.screenshot(path=str(_shot(f"phone-seller-products-{language}")), full_page=True)
        assert too_wide == {}
    finally:
        context.close()


def _shot(name):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


CONTRAST = """(el) => {
  // WCAG 2 contrast ratio of the element's text colour against its own (or nearest) background.
  const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let node = el, bg = null;
  while (node && !bg) {
    const c = getComputedStyle(node).backgroundColor;
    const parts = rgb(c);
    if (parts.length === 3 || parts[3] > 0) bg = parts.slice(0, 3);
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color).slice(0, 3);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_seller_buttons_are_legible(live_server, page, demo):
    """ "+ New product" was red text on a red button; every button on the seller's pages must reach the
    WCAG AA contrast for its text (4.5:1)."""
    log_in(page, live_server, "merchant", "merchant12345")
    low = {}
    for url in SELLER_PAGES:
        page.goto(live_server.url + url)
        for button in page.locator(".btn:visible").all():
            ratio = button.evaluate(CONTRAST)
            if ratio < 4.5:
                low[f"{url} {button.inner_text().strip()}"] = round(ratio, 2)
    page.goto(live_server.url + "/seller/products/")
    new_product = page.locator("a.btn", has_text="New product").or_(
        page.locator("a.btn", has_text="新建商品")
    )
    assert new_product.first.evaluate(CONTRAST) >= 4.5
    assert low == {}
