"""The anonymous page cache: a page is rendered once, served from the cache after, and never shows a
price, stock, name or visibility older than the data, whichever way the data changed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import page_cache, services
from marketplace.models import Brand, Product, ProductVariant
from merchants.models import Merchant
from tests.factories import ProductFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the page cache runs on PostgreSQL's triggers only"
    ),
]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def rendered(response) -> bool:
    """A response rendered by the view (a cache hit renders no template)."""
    return bool(response.templates)


def test_every_table_storefront_pages_show_has_the_trigger(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers"
            " WHERE action_statement LIKE '%marketplace_catalog_changed%'"
        )
        watched = {row[0] for row in cursor.fetchall()}
    assert watched == {
        "marketplace_category",
        "marketplace_brand",
        "marketplace_taxcategory",
        "marketplace_exchangerate",
        "marketplace_product",
        "marketplace_productvariant",
        "marketplace_productimage",
        "marketplace_searchsynonym",
        "merchants_merchant",
        "logistics_shippingtemplate",  # the product page shows the shipping fee
        "logistics_shippingtemplateregion",
        "orders_productreview",  # the product page shows reviews, their photos and the store's reply
        "orders_reviewphoto",
    }


@pytest.mark.parametrize("path", ["/", "/products/", "/search/?q=Cached", "/brands/", "/api/v1/products/"])
def test_a_page_is_rendered_once_then_served_with_one_query(client, rates, path):
    ProductFactory(name_en="Cached thing", is_featured=True)
    first = client.get(path, **EN)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = client.get(path, **EN)
    assert second.status_code == 200
    assert second.content == first.content or "csrfmiddlewaretoken" in first.content.decode()
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]


SOLD_OUT = "disabled data-add-button"  # the add-to-cart button of a sold-out product


def test_the_product_page_follows_its_own_stock_without_emptying_the_catalogue(client, rates):
    product = ProductFactory(prices=["10.00"], stock=3, name_en="Last units")
    other = ProductFactory(name_en="Someone else")
    page = f"/product/{product.pk}/"
    assert SOLD_OUT not in client.get(page, **EN).content.decode()
    client.get(f"/product/{other.pk}/", **EN)
    client.get("/products/", **EN)

    # What a checkout does: a conditional decrement that sends no signal.
    ProductVariant.objects.filter(product=product).update(stock=0)

    again = client.get(page, **EN)
    assert rendered(again)
    assert SOLD_OUT in again.content.decode()
    # A stock change leaves the other product's page and the listing in the cache.
    assert not rendered(client.get(f"/product/{other.pk}/", **EN))
    assert not rendered(client.get("/products/", **EN))


def test_a_price_change_reaches_the_listing_the_product_page_and_the_api(client, rates):
    product = ProductFactory(prices=["10.00"], name_en="Rate follower")
    pages = ["/products/", f"/product/{product.pk}/", "/api/v1/products/", f"/api/v1/products/{product.pk}/"]
    for path in pages:
        client.get(path, **EN)
    old = Product.objects.get(pk=product.pk).price_cny
    services.exchange_rate_set(currency=product.price.currency.code, rate="9.99", source="tests")
    new = Product.objects.get(pk=product.pk).price_cny
    assert new != old
    for path in pages:
        body = client.get(path, **EN).content.decode()
        assert f"{new:,.2f}".replace(",", "") in body.replace(",", ""), path
        assert f"{old:,.2f}".replace(",", "") not in body.replace(",", ""), path


@pytest.mark.parametrize(
    "hide",
    [
        lambda p: Product.objects.filter(pk=p.pk).update(status=Product.Status.DRAFT),
        lambda p: Merchant.objects.filter(pk=p.merchant_id).update(status=Merchant.Status.SUSPENDED),
        lambda p: Brand.objects.filter(pk=p.brand_id).update(status=Brand.Status.REJECTED),
        lambda p: connection.cursor().execute(
            "UPDATE marketplace_taxcategory SET permitted = false WHERE id = %s", [p.tax_category_id]
        ),
    ],
    ids=["unpublished", "store suspended", "brand rejected", "raw SQL: goods off the positive list"],
)
def test_a_product_hidden_by_any_write_leaves_every_cached_page(client, rates, hide):
    product = ProductFactory(name_en="Soon hidden", is_featured=True)
    pages = ["/", "/products/", "/search/?q=Soon", "/api/v1/products/"]
    for path in pages:
        assert "Soon hidden" in client.get(path, **EN).content.decode(), path
    hide(product)
    for path in pages:
        assert "Soon hidden" not in client.get(path, **EN).content.decode(), path
    assert client.get(f"/product/{product.pk}/", **EN).status_code == 404


def test_a_change_rolled_back_keeps_the_cache(client, rates):
    from django.db import transaction

    ProductFactory(name_en="Steady")
    client.get("/products/", **EN)
    with pytest.raises(RuntimeError), transaction.atomic():
        Product.objects.update(name_en="Never committed")
        raise RuntimeError
    response = client.get("/products/", **EN)
    assert not rendered(response)
    assert "Steady" in response.content.decode()


def test_each_language_and_each_query_string_is_its_own_page(client, rates):
    ProductFactory(name_en="Green tea", name_zh="绿茶")
    assert "Green tea" in client.get("/products/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "绿茶" in client.get("/products/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert rendered(client.get("/products/?sort=price_asc", **EN))


def test_visitors_never_share_a_csrf_token_and_the_cached_form_works(rates):
    from django.test import Client

    product = ProductFactory(prices=["10.00"], stock=5)
    page = f"/product/{product.pk}/"
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(page, **EN)
        body = response.content.decode()
        assert page_cache.CSRF_PLACEHOLDER not in body
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        tokens.append((visitor.cookies["csrftoken"].value, token))
        added = visitor.post(
            "/cart/add/",
            {"variant": product.variants.get().pk, "quantity": 1, "csrfmiddlewaretoken": token, "next": page},
        )
        assert added.status_code == 302  # to the page, with "Added to your cart."
    assert tokens[0][0] != tokens[1][0]
    assert tokens[0][1] != tokens[1][1]


def test_signed_in_shoppers_and_sessions_are_never_served_from_the_cache(client, rates):
    ProductFactory(name_en="Personal")
    client.get("/products/", **EN)  # cached for anonymous visitors
    client.force_login(UserFactory(username="lin"))
    response = client.get("/products/", **EN)
    assert rendered(response)
    assert "lin" in response.content.decode()


def test_answers_other_than_200_are_not_stored(client, rates):
    from django.core.cache import cache

    ProductFactory()
    assert client.get("/category/nowhere/", **EN).status_code == 404
    assert not [key for key in cache._cache if ":page:" in key]  # the tests' local-memory cache
    client.get("/products/", **EN)
    assert [key for key in cache._cache if ":page:" in key]


def test_off_when_the_setting_is_zero(client, rates, settings):
    settings.PAGE_CACHE_SECONDS = 0
    ProductFactory()
    client.get("/products/", **EN)
    assert rendered(client.get("/products/", **EN))


def test_counts_facets_and_the_menu_follow_a_write_that_sends_no_signal(client, rates):
    """The caches inside a page (totals, facets, page ids, the category menu) use the same counter."""
    from marketplace.models import Category

    product = ProductFactory(name_en="Quiet", category__name_en="Teas", category__name_zh="茶")
    assert "Teas" in client.get("/products/", **EN).content.decode()
    Category.objects.filter(pk=product.category_id).update(name_en="Herbal teas")
    Product.objects.filter(pk=product.pk).update(status=Product.Status.DRAFT)
    response = client.get("/products/", **EN)
    assert "Herbal teas" in response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert response.context["brand_facets"] == []


@pytest.mark.parametrize(
    "path",
    ["/api/v1/products/%C2%B2/", "/api/v1/products/99999999999999999999/", "/product/99999999999999999999/"],
)
def test_ids_that_are_no_database_number_answer_404(client, rates, path):
    ProductFactory()
    assert client.get(path, **EN).status_code == 404


def test_unknown_query_parameters_and_accept_headers_are_served_but_not_stored(client, rates):
    from django.core.cache import cache

    ProductFactory()
    assert client.get("/products/?utm_source=mail&x=1", **EN).status_code == 200
    assert client.get("/api/v1/products/", HTTP_ACCEPT="application/xml;q=1", **EN).status_code in (200, 406)
    assert not [key for key in cache._cache if ":page:" in key]


def test_a_hit_varies_on_cookie_like_the_rendered_page(client, rates):
    ProductFactory()
    miss = client.get("/api/v1/products/", **EN)
    hit = client.get("/api/v1/products/", **EN)
    assert not rendered(hit)

    def vary(response):
        return {name.strip() for name in response["Vary"].split(",")}

    assert "Cookie" in vary(hit) and vary(miss) == vary(hit)


def test_a_rate_change_rolled_back_never_reaches_a_page(client, rates):
    from django.db import transaction

    product = ProductFactory(prices=["10.00"])
    page = f"/product/{product.pk}/"
    before = without_tokens(client.get(page, **EN))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.exchange_rate_set(currency=product.price.currency.code, rate="99.99", source="tests")
        raise RuntimeError
    page_cache.process_pages.clear()
    from django.core.cache import cache

    cache.delete_many([key.split(":", 2)[-1] for key in list(cache._cache) if ":page:" in key])
    assert without_tokens(client.get(page, **EN)) == before  # rendered again, at the committed rate
