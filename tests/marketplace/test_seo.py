"""What search engines and link previews read: robots.txt, the sitemap, meta and Open Graph tags,
canonical addresses and schema.org Product data."""

import json
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from marketplace.models import ProductVariant
from tests.factories import BrandFactory, CategoryFactory, MerchantFactory, ProductFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class Head(HTMLParser):
    """The meta and link tags and the JSON-LD blocks of a page."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld, self._in_ld = {}, {}, [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.links["canonical"] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_endtag(self, tag):
        self._in_ld = False if tag == "script" else self._in_ld

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))


def head(client, url, language="zh-hans"):
    client.cookies.load({"django_language": language})
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    disallowed = {line.split(":", 1)[1].strip() for line in lines if line.startswith("Disallow:")}
    assert {
        "/seller/",
        "/staff/",
        "/cart/",
        "/checkout/",
        "/orders/",
        "/account/",
        "/api/",
        "/pay/",
    } <= disallowed
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the storefront itself stays open


def test_the_sitemap_lists_what_shoppers_may_open_and_nothing_else(client, rates):
    merchant = MerchantFactory(slug="kyoto-beauty")
    brand = BrandFactory(slug="sakura")
    category = CategoryFactory(slug="skincare")
    on_sale = ProductFactory(merchant=merchant, brand=brand, category=category)
    draft = ProductFactory(merchant=merchant, brand=brand, category=category, publish=False)

    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert "http://testserver/sitemap-products.xml" in sections and len(sections) == 5
    urls = set()
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
        urls |= {
            loc.text for loc in ElementTree.fromstring(response.content).findall("sm:url/sm:loc", SITEMAP_NS)
        }
    expected = {
        "http://testserver/",
        "http://testserver/products/",
        "http://testserver/brands/",
        f"http://testserver/product/{on_sale.pk}/",
        "http://testserver/category/skincare/",
        "http://testserver/brands/sakura/",
        "http://testserver/stores/kyoto-beauty/",
        f"http://testserver/pavilions/{on_sale.origin_country.code.lower()}/",
    }
    assert expected <= urls
    assert f"http://testserver/product/{draft.pk}/" not in urls
    assert not any(part in url for url in urls for part in ("/seller/", "/cart/", "/api/", "/staff/"))
    for url in urls:  # every listed address opens
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_product_page_has_meta_open_graph_and_schema_org_product_data(client, rates, language):
    product = ProductFactory(
        prices=["10.00", "20.00"], images=1, description_en="Gentle. <b>Daily</b> cream."
    )
    cheap, dear = product.variants.order_by("sku")
    ProductVariant.objects.filter(pk=dear.pk).update(stock=0)
    page = head(client, product.get_absolute_url(), language)
    url = f"http://testserver/product/{product.pk}/"
    assert page.links["canonical"] == url and page.meta["og:url"] == url
    assert page.meta["og:type"] == "product"
    assert page.meta["og:title"] == (product.name_en if language == "en" else product.name_zh)
    assert page.meta["og:image"].startswith("http://testserver/media/products/")
    assert page.meta["description"] and "<" not in page.meta["description"]
    assert page.meta["og:locale"] == ("en_US" if language == "en" else "zh_CN")

    [data] = page.json_ld
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["url"] == url and data["brand"]["name"] == product.brand.name
    offers = {offer["sku"]: offer for offer in data["offers"]}
    assert offers[cheap.sku]["price"] == "71.20" and offers[cheap.sku]["priceCurrency"] == "CNY"
    assert offers[cheap.sku]["availability"] == "https://schema.org/InStock"
    assert offers[dear.sku]["price"] == "142.40"
    assert offers[dear.sku]["availability"] == "https://schema.org/OutOfStock"


def test_json_ld_cannot_close_its_script_element(client, rates):
    product = ProductFactory(name_zh="</script><script>alert(1)</script>")
    html = client.get(product.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert Head(html).json_ld[0]["name"] == "</script><script>alert(1)</script>"


def test_storefront_pages_have_a_description_a_canonical_address_and_open_graph(client, rates):
    product = ProductFactory(merchant=MerchantFactory(slug="kyoto"), brand=BrandFactory(slug="sakura"))
    pages = [
        "/",
        "/products/",
        "/brands/",
        "/brands/sakura/",
        "/pavilions/",
        f"/pavilions/{product.origin_country.code.lower()}/",
        product.category.get_absolute_url(),
        "/stores/kyoto/",
    ]
    descriptions = set()
    for url in pages:
        page = head(client, url)
        assert page.links["canonical"] == "http://testserver" + url, url
        assert page.meta["og:title"] and page.meta["og:site_name"] == "全球购", url
        descriptions.add(page.meta["description"])
    assert len(descriptions) >= 4  # pages about one thing describe that thing
    # Filters and sorting are the same page to a search engine; the page number is not.
    page = head(client, "/products/?sort=price_asc&shipping_mode=bonded&page=2")
    assert page.links["canonical"] == "http://testserver/products/?page=2"
