"""Keyword search, filters and sorting, through the storefront and the API (one filter set)."""

import pytest

from marketplace.models import Product
from tests.factories import BrandFactory, CategoryFactory, MerchantFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rendered_every_time(settings):
    """These tests read the view's context, which only a rendered page has (a page-cache hit has none);
    tests/marketplace/test_page_cache.py covers the cache."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def catalog(rates):
    beauty = CategoryFactory(slug="beauty", name_zh="美妆护肤", name_en="Beauty")
    serum = CategoryFactory(slug="serum", name_zh="精华", name_en="Serums", parent=beauty)
    food = CategoryFactory(slug="food", name_zh="食品", name_en="Food")
    shiseido = BrandFactory(slug="shiseido", name="Shiseido", name_zh="资生堂", country="JP")
    a2 = BrandFactory(slug="a2", name="a2 Milk", name_zh="a2牛奶", country="AU")
    jp_store = MerchantFactory(slug="jp-store", country="JP", settlement_currency="JPY")
    au_store = MerchantFactory(slug="au-store", country="AU", settlement_currency="AUD")
    return {
        "serum": ProductFactory(
            merchant=jp_store,
            brand=shiseido,
            category=serum,
            name_zh="资生堂 红腰子精华 50ml",
            name_en="Shiseido Ultimune Concentrate 50ml",
            prices=["9800"],
            shipping_mode="bonded",
        ),
        "cream": ProductFactory(
            merchant=jp_store,
            brand=shiseido,
            category=beauty,
            name_zh="资生堂 悦薇面霜",
            name_en="Shiseido Benefiance Cream",
            prices=["12000"],
        ),
        "milk": ProductFactory(
            merchant=au_store,
            brand=a2,
            category=food,
            name_zh="a2 白金版婴儿奶粉 900g",
            name_en="a2 Platinum Infant Formula 900g",
            prices=["39.90"],
            shipping_mode="bonded",
        ),
    }


def names(response):
    return {p.name_en for p in response.context["products"]}


def api_names(response):
    assert response.status_code == 200, response.content
    return {p["name_en"] for p in response.json()["results"]}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("红腰子", {"Shiseido Ultimune Concentrate 50ml"}),  # Chinese product name
        ("资生堂", {"Shiseido Ultimune Concentrate 50ml", "Shiseido Benefiance Cream"}),  # Chinese brand
        ("shiseido", {"Shiseido Ultimune Concentrate 50ml", "Shiseido Benefiance Cream"}),  # any case
        ("奶粉", {"a2 Platinum Infant Formula 900g"}),
        ("shiseido cream", {"Shiseido Benefiance Cream"}),  # every term must match
        ("不存在的东西", set()),
    ],
)
def test_keyword_search(client, catalog, query, expected):
    assert names(client.get("/search/", {"q": query})) == expected
    assert api_names(client.get("/api/v1/products/", {"q": query})) == expected


def test_a_name_match_ranks_above_a_brand_match(client, catalog, rates):
    ProductFactory(
        brand=BrandFactory(name="Serum Lab", name_zh="精华实验室"), name_en="Face mist", name_zh="喷雾"
    )
    results = [p.name_en for p in client.get("/search/", {"q": "精华"}).context["products"]]
    assert results == ["Shiseido Ultimune Concentrate 50ml", "Face mist"]


def test_category_filter_includes_sub_categories(client, catalog):
    assert names(client.get("/category/beauty/")) == {
        "Shiseido Ultimune Concentrate 50ml",
        "Shiseido Benefiance Cream",
    }
    assert names(client.get("/category/serum/")) == {"Shiseido Ultimune Concentrate 50ml"}
    assert api_names(client.get("/api/v1/products/", {"category": "beauty"})) == names(
        client.get("/category/beauty/")
    )
    assert client.get("/category/nope/").status_code == 404


def test_brand_country_shipping_and_price_filters(client, catalog):
    assert names(client.get("/products/", {"brand": "a2"})) == {"a2 Platinum Infant Formula 900g"}
    assert names(client.get("/products/", {"country": "JP"})) == {
        "Shiseido Ultimune Concentrate 50ml",
        "Shiseido Benefiance Cream",
    }
    assert names(client.get("/products/", {"shipping_mode": "bonded"})) == {
        "Shiseido Ultimune Concentrate 50ml",
        "a2 Platinum Infant Formula 900g",
    }
    # CNY: serum 9800 JPY = 462.56, cream 12000 JPY = 566.40, milk 39.90 AUD = 185.54
    assert names(client.get("/products/", {"price_min": "200", "price_max": "500"})) == {
        "Shiseido Ultimune Concentrate 50ml"
    }
    assert api_names(client.get("/api/v1/products/", {"price_max": "200"})) == {
        "a2 Platinum Infant Formula 900g"
    }
    assert names(client.get("/products/", {"brand": ["a2", "shiseido"], "country": "AU"})) == {
        "a2 Platinum Infant Formula 900g"
    }


def test_sorting(client, catalog):
    def order(sort):
        return [p.name_en for p in client.get("/products/", {"sort": sort}).context["products"]]

    assert order("price_asc") == [
        "a2 Platinum Infant Formula 900g",
        "Shiseido Ultimune Concentrate 50ml",
        "Shiseido Benefiance Cream",
    ]
    assert order("price_desc") == list(reversed(order("price_asc")))
    Product.objects.filter(pk=catalog["milk"].pk).update(sales_count=500)
    assert order("sales")[0] == "a2 Platinum Infant Formula 900g"
    assert order("newest")[0] == "a2 Platinum Infant Formula 900g"


def test_bad_filter_values_are_ignored_on_pages_and_refused_by_the_api(client, catalog):
    client.cookies["django_language"] = "en"
    response = client.get("/products/", {"price_min": "cheap", "sort": "random", "brand": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters were not understood" in html
    assert "Min price: Enter a number." in html
    assert response.context["current_sort"] == "sales"  # the bad sort is not carried into the links
    assert 'value="random"' not in html
    assert len(response.context["products"]) == 3  # the bad values are ignored, the rest still applies
    api = client.get("/api/v1/products/", {"price_min": "cheap"})
    assert api.status_code == 400
    assert "price_min" in api.json()


def test_paging(client, rates):
    for _ in range(30):
        ProductFactory()
    first = client.get("/products/")
    assert len(first.context["products"]) == 24
    second = client.get("/products/", {"page": 2})
    assert len(second.context["products"]) == 6
    assert not {p.pk for p in first.context["products"]} & {p.pk for p in second.context["products"]}
    assert len(client.get("/products/", {"per_page": 48}).context["products"]) == 30
    assert client.get("/products/", {"page": 99}).status_code == 200  # last page, not an error
    api = client.get("/api/v1/products/", {"page_size": 10, "page": 3}).json()
    assert (api["count"], len(api["results"])) == (30, 10)


def test_facets_keep_other_choices_and_count_with_the_other_filters(client, catalog):
    response = client.get("/products/", {"brand": "a2"})
    brand_slugs = {row["brand__slug"] for row in response.context["brand_facets"]}
    assert brand_slugs == {"a2", "shiseido"}  # a second brand can still be ticked
    countries = {row["origin_country"]: row["product_count"] for row in response.context["country_facets"]}
    assert countries == {"AU": 1}  # countries among a2's products
    response = client.get("/products/", {"country": "jp", "price_min": "oops"})
    assert names(response) == {"Shiseido Ultimune Concentrate 50ml", "Shiseido Benefiance Cream"}
    assert {row["brand__slug"]: row["product_count"] for row in response.context["brand_facets"]} == {
        "shiseido": 2
    }
    assert response.context["selected_countries"] == ["JP"]


def test_goods_taken_off_the_positive_list_disappear(client, catalog):
    from marketplace.models import TaxCategory

    TaxCategory.objects.update(permitted=False)
    assert names(client.get("/products/")) == set()
    assert client.get(catalog["milk"].get_absolute_url()).status_code == 404
    assert client.get("/api/v1/products/").json()["count"] == 0
