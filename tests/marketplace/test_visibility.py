"""The visibility rule has two forms, a query filter (`products_visible`) and a check of one loaded
product (`product_is_visible`, used by the cart): they must agree on every case."""

import pytest

from marketplace import selectors
from marketplace.models import Brand, Product, TaxCategory
from merchants.models import Merchant
from tests.factories import ProductFactory, TaxCategoryFactory

pytestmark = pytest.mark.django_db


def test_the_query_and_the_check_agree(rates):
    ProductFactory(name_en="on sale")
    ProductFactory(name_en="draft", publish=False)
    Product.objects.filter(pk=ProductFactory(name_en="no price").pk).update(price_cny=None)
    hidden_store = ProductFactory(name_en="suspended store")
    Merchant.objects.filter(pk=hidden_store.merchant_id).update(status=Merchant.Status.SUSPENDED)
    hidden_brand = ProductFactory(name_en="rejected brand")
    Brand.objects.filter(pk=hidden_brand.brand_id).update(status=Brand.Status.REJECTED)
    off_list = ProductFactory(
        name_en="off the positive list", tax_category=TaxCategoryFactory(code="weapons")
    )
    TaxCategory.objects.filter(pk=off_list.tax_category_id).update(permitted=False)

    by_query = set(selectors.products_visible().values_list("name_en", flat=True))
    by_check = {
        p.name_en
        for p in Product.objects.select_related("merchant", "brand", "tax_category")
        if selectors.product_is_visible(p)
    }
    assert by_query == by_check == {"on sale"}
