"""Cached counts, facets and product cards never show a price, name or count older than the data."""

from decimal import Decimal

import pytest

from marketplace import services
from marketplace.models import Product, ProductVariant
from marketplace.money import to_cny
from marketplace.selectors import exchange_rates
from tests.factories import BrandFactory, ProductFactory

pytestmark = pytest.mark.django_db


def facet_counts(response, key="brand_facets"):
    return {row["brand__slug"]: row["product_count"] for row in response.context[key]}


def test_facets_and_totals_count_a_new_product_at_once(client, rates):
    brand = BrandFactory(slug="kao")
    ProductFactory(brand=brand)
    first = client.get("/products/")
    assert first.context["page"].paginator.count == 1
    assert facet_counts(first) == {"kao": 1}

    ProductFactory(brand=brand)
    ProductFactory(brand=BrandFactory(slug="shiseido"))
    second = client.get("/products/")
    assert second.context["page"].paginator.count == 3
    assert facet_counts(second) == {"kao": 2, "shiseido": 1}


def test_a_hidden_product_leaves_the_counts_and_the_brand_wall(client, rates):
    product = ProductFactory(is_featured=True)
    assert [b.pk for b in client.get("/").context["brands"]] == [product.brand_id]
    product.status = Product.Status.DRAFT
    product.save()
    assert client.get("/").context["brands"] == []
    assert client.get("/products/").context["page"].paginator.count == 0


def test_a_card_shows_the_new_price_after_a_rate_change(client, rates):
    ProductFactory(prices=["10.00"], name_en="Rate follower")  # priced in the merchant's currency
    client.get("/products/", HTTP_ACCEPT_LANGUAGE="en")
    product = Product.objects.get()
    old_price = product.price_cny
    services.exchange_rate_set(currency=product.price.currency.code, rate="9.99", source="tests")
    product.refresh_from_db()
    assert product.price_cny != old_price
    html = client.get("/products/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"¥{product.price_cny:,.2f}" in html
    assert f"¥{old_price:,.2f}" not in html


def test_a_card_follows_changes_that_send_no_signal(client, rates):
    product = ProductFactory(name_en="Quiet change")
    client.get("/products/", HTTP_ACCEPT_LANGUAGE="en")
    Product.objects.filter(pk=product.pk).update(sales_count=4321, name_en="Renamed quietly")
    html = client.get("/products/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Renamed quietly" in html and "4321 sold" in html


def test_cards_follow_the_language(client, rates):
    ProductFactory(name_en="English name", name_zh="中文名")
    assert "English name" in client.get("/products/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "中文名" in client.get("/products/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_product_page_shows_stock_and_prices_as_they_are_now(client, rates):
    product = ProductFactory(prices=["10.00"], stock=5)
    url = product.get_absolute_url()
    assert "In stock" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # A checkout changes stock with an UPDATE that sends no signal: the page still follows at once.
    ProductVariant.objects.filter(product=product).update(stock=0)
    assert "Sold out" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    ProductVariant.objects.filter(product=product).update(price=Decimal("20.00"))
    variant = ProductVariant.objects.get(product=product)
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"¥{to_cny(variant.price, exchange_rates()):,.2f}" in html


def test_a_product_taken_off_sale_answers_404_at_once(client, rates):
    product = ProductFactory()
    assert client.get(product.get_absolute_url()).status_code == 200
    product.tax_category.permitted = False
    product.tax_category.save()
    assert client.get(product.get_absolute_url()).status_code == 404


def test_one_scan_gives_the_total_and_both_facets_of_a_listing(client, rates):
    """Unfiltered by brand and country, the total and the two facets come from one grouped query, and
    agree with what the separate counts say."""
    from marketplace import selectors

    kao, shiseido = BrandFactory(slug="kao", country="JP"), BrandFactory(slug="shiseido", country="JP")
    for brand in (kao, kao, shiseido):
        ProductFactory(brand=brand)
    ProductFactory(brand=BrandFactory(slug="a2", country="AU"))
    summary = selectors.listing_summary(selectors.products_visible())
    assert summary.total == 4
    assert [(r["brand__slug"], r["product_count"]) for r in summary.brand_facets] == [
        ("kao", 2),
        ("a2", 1),
        ("shiseido", 1),
    ]
    assert [(r["origin_country"], r["product_count"]) for r in summary.country_facets] == [
        ("JP", 3),
        ("AU", 1),
    ]
    response = client.get("/products/")
    assert response.context["page"].paginator.count == 4
    assert facet_counts(response) == {"kao": 2, "shiseido": 1, "a2": 1}
