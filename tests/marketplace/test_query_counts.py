"""Pages and the API cost a fixed number of SQL queries, whatever the number of items shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import ProductImage, ProductVariant
from tests.factories import BrandFactory, MerchantFactory, ProductFactory

pytestmark = pytest.mark.django_db

# The budgets the benchmark issue holds us to (catalog listing at most 12).
LISTING_BUDGET = 12
PRODUCT_PAGE_BUDGET = 4
API_BUDGET = 4


def queries(client, url, **params):
    """Queries of a request in the steady state: a first request fills the caches (rates, menu)."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def sixty_products(rates):
    merchants = [MerchantFactory() for _ in range(4)]
    brands = [BrandFactory(country=c) for c in ["JP", "KR", "US", "FR", "DE", "AU"]]
    return [
        ProductFactory(merchant=merchants[i % 4], brand=brands[i % 6], images=2, prices=["10", "20"])
        for i in range(60)
    ]


@pytest.mark.parametrize(
    "url, params",
    [
        ("/products/", {}),
        ("/search/", {"q": "Imported"}),
        ("/products/", {"brand": "brand-0", "country": "JP", "sort": "price_asc"}),
    ],
)
def test_listing_query_count_does_not_grow_with_page_size(client, sixty_products, url, params):
    small = queries(client, url, per_page=24, page=3, **params)  # the last page: 12 items
    large = queries(client, url, per_page=60, **params)  # 60 items
    assert small == large
    assert large <= LISTING_BUDGET


def test_brand_page_shows_ten_or_fifty_items_in_the_same_queries(client, sixty_products):
    ten, fifty = BrandFactory(slug="ten"), BrandFactory(slug="fifty")
    for index, product in enumerate(sixty_products):
        product.brand = ten if index < 10 else fifty
        product.save()
    assert queries(client, "/brands/ten/", per_page=60) == queries(client, "/brands/fifty/", per_page=60)


def test_home_page_query_count_is_fixed(client, sixty_products):
    ProductFactory(is_featured=True, images=1)
    few = queries(client, "/")
    for product in sixty_products[:20]:
        ProductFactory(merchant=product.merchant, brand=product.brand, is_featured=True, images=1)
    assert queries(client, "/") == few


def test_product_page_query_count_does_not_grow_with_variants_or_images(client, rates):
    one = ProductFactory(prices=["10"], images=1)
    many = ProductFactory(prices=[str(10 + i) for i in range(10)], images=6)
    assert ProductVariant.objects.filter(product=many).count() == 10
    assert ProductImage.objects.filter(product=many).count() == 6
    assert queries(client, one.get_absolute_url()) == queries(client, many.get_absolute_url())
    assert queries(client, many.get_absolute_url()) <= PRODUCT_PAGE_BUDGET


def test_product_api_query_count_is_fixed(client, sixty_products):
    small = queries(client, "/api/v1/products/", page_size=10)
    large = queries(client, "/api/v1/products/", page_size=60)
    assert small == large <= API_BUDGET
    detail_one = queries(client, f"/api/v1/products/{sixty_products[0].pk}/")
    many = ProductFactory(prices=[str(10 + i) for i in range(8)], images=5)
    assert queries(client, f"/api/v1/products/{many.pk}/") == detail_one
