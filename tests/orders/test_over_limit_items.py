"""An item whose one unit is over the 5,000 CNY per-order limit can never be checked out: the product
page says so and offers no add-to-cart, adding it is refused (page and API), and an item already in the
cart (a rate rose after it was added) is flagged in the cart and on the checkout page before submitting.
All of it asks `orders.rules.unit_over_order_limit`."""

import pytest
from rest_framework.test import APIClient

from marketplace import services as catalog_services
from orders import services
from orders.models import CartItem
from tests.factories import MerchantFactory, ProductFactory, UserFactory, shopper_with_cart

pytestmark = pytest.mark.django_db

NOTICE = "the most one cross-border order may carry"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def hkd(rates):
    """HKD at exactly 1 CNY, so prices in HKD are prices in CNY."""
    catalog_services.exchange_rate_set(currency="HKD", rate="1", source="tests")
    return MerchantFactory(settlement_currency="HKD")


def add_button(html):
    start = html.index("data-add-button")
    return html[html.rindex("<button", 0, start) : start]


def test_product_page_says_an_over_limit_item_cannot_be_bought_and_disables_add_to_cart(client, hkd):
    over = ProductFactory(merchant=hkd, prices=["5000.01"])
    html = client.get(over.get_absolute_url()).content.decode()
    start = html.rindex("<p", 0, html.index("data-over-limit-notice"))
    tag, text = html[start:].split(">", 1)
    text = text[: text.index("</p>")]
    assert "hidden" not in tag and NOTICE in text and "¥5,000.00" in text
    assert "disabled" in add_button(html)


def test_product_page_of_an_item_at_the_limit_is_buyable(client, hkd):
    at = ProductFactory(merchant=hkd, prices=["5000.00"])
    html = client.get(at.get_absolute_url()).content.decode()
    assert "disabled" not in add_button(html)
    assert "data-over-limit-notice hidden" in html


def test_product_page_marks_only_the_over_limit_option(client, hkd):
    product = ProductFactory(merchant=hkd, prices=["100.00", "6000.00"])
    html = client.get(product.get_absolute_url()).content.decode()
    assert html.count('data-over-limit="1"') == 1
    assert "disabled" not in add_button(html)  # the first option (¥100) is chosen


def test_adding_it_on_the_site_is_refused_with_the_reason(client, hkd):
    over = ProductFactory(merchant=hkd, prices=["5000.01"])
    response = client.post("/cart/add/", {"variant": over.variants.get().pk, "next": "/cart/"}, follow=True)
    assert response.status_code == 200
    message = str(list(response.context["messages"])[0])
    assert "¥5,000.01" in message and "¥5,000.00" in message and "cannot be bought" in message
    assert CartItem.objects.count() == 0


def test_adding_it_through_the_api_is_a_400_with_a_code(hkd):
    api = APIClient()
    api.force_authenticate(UserFactory())
    over = ProductFactory(merchant=hkd, prices=["5000.01"])
    response = api.post("/api/v1/cart/", {"variant": over.variants.get().pk}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "item_over_order_limit"
    detail = api.get(f"/api/v1/products/{over.pk}/").json()
    assert detail["variants"][0]["over_order_limit"] is True


def _cart_with_an_item_that_went_over(hkd):
    """The item was ¥4,000 when added; the rate then rose so one unit is ¥6,000."""
    ok = ProductFactory(merchant=hkd, prices=["10.00"])
    over = ProductFactory(merchant=MerchantFactory(settlement_currency="HKD"), prices=["4000.00"])
    user, _address, _identity = shopper_with_cart((ok.variants.get(), 1), (over.variants.get(), 1))
    catalog_services.exchange_rate_set(currency="HKD", rate="1.5", source="tests")
    return user, over


def test_cart_flags_the_line_and_offers_no_checkout(client, hkd):
    user, over = _cart_with_an_item_that_went_over(hkd)
    client.force_login(user)
    html = client.get("/cart/").content.decode()
    row = html[html.index(f'data-line="{over.variants.get().pk}"') :]
    row = row[: row.index("</tr>")]
    assert "data-over-limit" in row and "cannot be checked out" in row
    assert "data-checkout" not in html
    api = APIClient()
    api.force_authenticate(user)
    lines = [line for group in api.get("/api/v1/cart/").json()["groups"] for line in group["lines"]]
    assert sorted(line["over_order_limit"] for line in lines) == [False, True]


def test_checkout_page_flags_the_line_and_disables_place_order_before_submitting(client, hkd):
    user, _over = _cart_with_an_item_that_went_over(hkd)
    client.force_login(user)
    html = client.get("/checkout/").content.decode()
    assert "data-line-problem" in html and "cannot be checked out" in html
    assert "data-checkout-blocked" in html
    at = html.index("data-place-order")
    button = html[html.rindex("<button", 0, at) : at + 40]
    assert "disabled" in button


@pytest.mark.parametrize("page", ["/cart/", "/checkout/"])
def test_one_item_over_the_limit_is_said_once_not_also_as_a_store_over_the_limit(client, hkd, page):
    over = ProductFactory(merchant=hkd, prices=["4000.00"])
    user, _address, _identity = shopper_with_cart((over.variants.get(), 1))
    catalog_services.exchange_rate_set(currency="HKD", rate="1.5", source="tests")  # one unit: ¥6,000
    client.force_login(user)
    html = client.get(page).content.decode()
    assert "this item cannot be checked out" in html
    assert "data-store-over-limit" not in html  # removing other items would not help: not asked


@pytest.mark.parametrize("page", ["/cart/", "/checkout/"])
def test_a_store_over_the_limit_with_buyable_items_is_asked_to_remove_some(client, hkd, page):
    a, b = ProductFactory(merchant=hkd, prices=["3000.00"]), ProductFactory(merchant=hkd, prices=["2500.00"])
    user, _address, _identity = shopper_with_cart((a.variants.get(), 1), (b.variants.get(), 1))
    client.force_login(user)
    html = client.get(page).content.decode()
    assert "data-store-over-limit" in html and "this item cannot be checked out" not in html


def test_checkout_page_without_problems_keeps_place_order_enabled(client, hkd):
    ok = ProductFactory(merchant=hkd, prices=["10.00"])
    user, _address, _identity = shopper_with_cart((ok.variants.get(), 1))
    client.force_login(user)
    html = client.get("/checkout/").content.decode()
    assert "data-checkout-blocked" not in html
    tag = html[html.index("data-place-order") : html.index(">", html.index("data-place-order"))]
    assert "disabled" not in tag


def test_cart_service_and_pricing_share_the_one_rule(hkd, monkeypatch):
    """Lower the limit in orders.rules alone: the cart refuses and flags from that one number."""
    from decimal import Decimal

    from orders import rules
    from orders.errors import ItemOverOrderLimit

    monkeypatch.setattr(rules, "ORDER_GOODS_LIMIT", Decimal("50.00"))
    product = ProductFactory(merchant=hkd, prices=["60.00"])
    cart = services.cart_get_or_create(user=UserFactory())
    with pytest.raises(ItemOverOrderLimit):
        services.cart_add(cart=cart, variant_id=product.variants.get().pk)
