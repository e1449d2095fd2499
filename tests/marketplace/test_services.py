from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from djmoney.money import Money

from marketplace import selectors, services
from marketplace.errors import InvalidExchangeRate, ProductNotAllowed, UnknownCurrency
from marketplace.models import Brand, ExchangeRateChange, Product, ProductVariant
from marketplace.tasks import catalog_refresh_listing_prices
from tests.factories import (
    BrandAuthorizationFactory,
    BrandFactory,
    CategoryFactory,
    MerchantFactory,
    ProductFactory,
    StaffFactory,
    TaxCategoryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Error messages are checked in English (the default language is Chinese)."""
    with translation.override("en"):
        yield


def test_listing_price_is_the_cheapest_active_variant_in_cny(rates):
    product = ProductFactory(prices=["29.90", "19.90", "49.00"])
    assert product.price == Money("19.90", "USD")
    assert product.price_cny == Decimal("141.69")  # 19.90 x 7.12 = 141.688

    ProductVariant.objects.filter(product=product, price=Decimal("19.90")).update(is_active=False)
    services.products_refresh_listing_prices(product_ids=[product.pk])
    product.refresh_from_db()
    assert product.price_cny == Decimal("212.89")  # 29.90 x 7.12


def test_rate_change_reprices_that_currencys_listings_and_is_recorded(
    rates, django_capture_on_commit_callbacks
):
    staff = StaffFactory()
    usd = ProductFactory(prices=["10.00"])
    eur = ProductFactory(prices=["10.00"], merchant=MerchantFactory(settlement_currency="EUR", country="DE"))
    assert selectors.exchange_rates()["USD"] == Decimal("7.12")

    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction never commits
        services.exchange_rate_set(currency="USD", rate="7.30", changed_by=staff, source="staff console")

    usd.refresh_from_db()
    eur.refresh_from_db()
    assert usd.price_cny == Decimal("73.00")
    assert eur.price_cny == Decimal("77.50")
    change = ExchangeRateChange.objects.filter(currency="USD").first()
    assert (change.old_rate, change.new_rate, change.changed_by) == (Decimal("7.12"), Decimal("7.30"), staff)
    assert selectors.exchange_rates()["USD"] == Decimal("7.30")  # cache invalidated on commit


def test_setting_the_same_rate_records_nothing(rates):
    before = ExchangeRateChange.objects.count()
    services.exchange_rate_set(currency="USD", rate="7.12")
    assert ExchangeRateChange.objects.count() == before


def test_only_settlement_currencies_have_rates(db):
    with pytest.raises(UnknownCurrency, match="XYZ"):
        services.exchange_rate_set(currency="XYZ", rate="1")
    with pytest.raises(UnknownCurrency):
        services.exchange_rate_set(currency="CNY", rate="1")


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "NaN", "Infinity"])
def test_a_rate_must_be_a_positive_number(db, bad):
    with pytest.raises(InvalidExchangeRate):
        services.exchange_rate_set(currency="USD", rate=bad)


def test_product_needs_an_approved_brand(rates):
    with pytest.raises(ProductNotAllowed, match="brand is not approved"):
        ProductFactory(brand=BrandFactory(status=Brand.Status.PENDING))


def test_product_must_be_on_the_positive_list(rates):
    restricted = TaxCategoryFactory(code="restricted", permitted=False)
    with pytest.raises(ProductNotAllowed, match="positive list"):
        ProductFactory(tax_category=restricted)


def test_a_closed_store_cannot_publish(rates):
    with pytest.raises(ProductNotAllowed, match="store is not open"):
        ProductFactory(merchant=MerchantFactory(status="suspended"))
    draft = ProductFactory(merchant=MerchantFactory(status="suspended"), publish=False)
    assert draft.status == Product.Status.DRAFT


def test_a_store_can_only_list_brands_it_is_authorized_for(rates):
    with pytest.raises(ProductNotAllowed, match="authorization"):
        ProductFactory(authorized=False)
    expired = BrandAuthorizationFactory(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ProductNotAllowed, match="authorization"):
        ProductFactory(merchant=expired.merchant, brand=expired.brand, authorized=False)
    assert not Product.objects.exists()


def test_prices_must_be_in_the_settlement_currency(rates):
    merchant = MerchantFactory(settlement_currency="USD")
    brand = BrandAuthorizationFactory(merchant=merchant).brand
    with pytest.raises(ProductNotAllowed, match="settlement currency"):
        services.product_create(
            merchant=merchant,
            brand=brand,
            category=CategoryFactory(),
            tax_category=TaxCategoryFactory(),
            origin_country="JP",
            shipping_mode="bonded",
            name_en="Green tea",
            variants=[{"sku": "T-1", "price": Money("100", "JPY"), "stock": 1}],
        )
    assert not Product.objects.exists()  # the whole creation rolled back


def test_product_without_name_or_variants_is_refused(rates):
    with pytest.raises(ProductNotAllowed, match="name"):
        ProductFactory(name_zh="", name_en="")
    with pytest.raises(ProductNotAllowed, match="variant"):
        ProductFactory(prices=[])


def test_scheduled_refresh_repairs_a_stale_listing_price(rates):
    product = ProductFactory(prices=["10.00"])
    Product.objects.filter(pk=product.pk).update(price_cny=Decimal("1.00"))
    assert catalog_refresh_listing_prices.delay().get() == 1
    product.refresh_from_db()
    assert product.price_cny == Decimal("71.20")


def test_only_open_stores_approved_brands_and_published_products_are_visible(rates):
    visible = ProductFactory()
    ProductFactory(publish=False)
    suspended = ProductFactory()
    suspended.merchant.status = "suspended"
    suspended.merchant.save()
    rejected = ProductFactory()
    Brand.objects.filter(pk=rejected.brand_id).update(status=Brand.Status.REJECTED)
    assert list(selectors.products_visible()) == [visible]
