"""Storefront pages as a shopper sees them, in Chinese (the default) and English."""

import pytest
from django.utils import translation

from marketplace.models import ProductImage
from tests.factories import BrandFactory, CategoryFactory, MerchantFactory, ProductFactory, TaxCategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(rates):
    merchant = MerchantFactory(
        slug="kao-japan",
        name_zh="花王日本海外旗舰店",
        name_en="Kao Japan Overseas Store",
        country="JP",
        settlement_currency="JPY",
    )
    beauty = CategoryFactory(slug="beauty", name_zh="美妆护肤", name_en="Beauty")
    return ProductFactory(
        merchant=merchant,
        brand=BrandFactory(slug="biore", name="Biore", name_zh="碧柔", country="JP"),
        category=CategoryFactory(slug="sunscreen", name_zh="防晒", name_en="Sunscreen", parent=beauty),
        tax_category=TaxCategoryFactory(code="cosmetics-high-end", consumption_tax_rate="0.15"),
        name_zh="碧柔 水活防晒乳 SPF50+",
        name_en="Biore UV Aqua Rich SPF50+",
        description_zh="清爽不油腻。",
        description_en="Light and non-greasy.",
        prices=["1580", "2980"],
        shipping_mode="bonded",
        images=2,
        is_featured=True,
    )


def page(client, url, lang=None, **params):
    if lang:
        client.cookies["django_language"] = lang
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_shows_featured_categories_brands_and_pavilions(client, product):
    html = page(client, "/")
    assert "碧柔 水活防晒乳 SPF50+" in html  # featured
    assert "美妆护肤" in html and "防晒" in html  # category tree
    assert "碧柔 Biore" in html  # brand wall
    assert "/pavilions/jp/" in html and "日本" in html  # Japan pavilion, in Chinese
    assert "精选" in html or "Featured" not in html  # interface strings are Chinese by default


def test_product_page_shows_cny_price_tax_variants_and_who_ships_from_where(client, product):
    html = page(client, product.get_absolute_url())
    # 1580 JPY x 0.0472 = 74.576 -> ¥74.58; tax 23.1% of 74.58 = 17.20
    assert "¥74.58" in html and "¥140.66" in html  # both variants (2980 x 0.0472 = 140.656)
    assert "¥17.20" in html
    assert "23.1%" in html
    assert "1210" in html  # bonded: customs mode 1210
    assert 'href="/stores/kao-japan/"' in html and "花王日本海外旗舰店" in html
    assert html.count("/media/products/test-") >= 2  # gallery


def test_product_page_in_english_with_fallback_to_chinese(client, product):
    html = page(client, product.get_absolute_url(), lang="en")
    assert "Biore UV Aqua Rich SPF50+" in html
    assert "Est. import tax" in html
    no_english = ProductFactory(name_en="", name_zh="只有中文名的商品", merchant=product.merchant)
    assert "只有中文名的商品" in page(client, no_english.get_absolute_url(), lang="en")


def test_language_switch_sets_the_language_and_returns_to_the_page(client, product):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/products/"})
    assert response.status_code == 302 and response["Location"] == "/products/"
    assert "All products" in client.get("/products/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "全部商品" in client.get("/products/").content.decode()


def test_brand_pavilion_category_and_store_pages_list_their_products(client, product, rates):
    other = ProductFactory(brand=BrandFactory(country="KR"), name_zh="韩国面膜")
    for url in ["/brands/biore/", "/pavilions/jp/", "/category/beauty/", "/stores/kao-japan/"]:
        html = page(client, url)
        assert "碧柔 水活防晒乳 SPF50+" in html, url
        assert "韩国面膜" not in html, url
    assert "韩国面膜" in page(client, "/pavilions/kr/")
    assert "Biore" in page(client, "/brands/")
    assert "/pavilions/kr/" in page(client, "/pavilions/")
    assert other.pk


@pytest.mark.parametrize("url", ["/brands/nope/", "/pavilions/xx/", "/stores/nope/", "/product/999999/"])
def test_unknown_pages_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_hidden_products_and_closed_stores_are_not_shown(client, product):
    product.status = "hidden"
    product.save()
    assert client.get(product.get_absolute_url()).status_code == 404
    assert "水活防晒乳" not in page(client, "/products/")
    product.merchant.status = "suspended"
    product.merchant.save()
    assert client.get("/stores/kao-japan/").status_code == 404


def test_price_format_is_yuan_in_both_languages(client, rates):
    ProductFactory(prices=["182.44"], name_zh="高价商品")  # 182.44 x 7.12 = 1298.97
    assert "¥1,298.97" in page(client, "/products/")
    assert "¥1,298.97" in page(client, "/products/", lang="en")


def test_every_interface_string_on_the_pages_is_translated(client, product):
    with translation.override("zh-hans"):
        html = page(client, "/")
    for english in ["Featured", "Brand wall", "Country pavilions", "Log in", "Sign up", "Search"]:
        assert f">{english}<" not in html, english


def test_cover_image_falls_back_to_a_placeholder(client, rates):
    product = ProductFactory(images=0)
    assert ProductImage.objects.filter(product=product).count() == 0
    assert "img-placeholder" in page(client, "/products/")


def test_a_renamed_or_new_category_shows_in_the_menu_at_once(
    client, product, django_capture_on_commit_callbacks
):
    assert "防晒" in page(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        sunscreen = product.category
        sunscreen.name_zh = "防晒霜"
        sunscreen.save()
        CategoryFactory(slug="pets", name_zh="宠物用品", name_en="Pets")
    html = page(client, "/")
    assert "防晒霜" in html and "宠物用品" in html
