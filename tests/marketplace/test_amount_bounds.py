"""Every catalogue amount is bounded: the services refuse an amount outside `marketplace.limits` with a
clear domain error, and the database refuses it too (named check constraints), so a path that forgets
the check (a queryset update, raw SQL, a future service) still cannot store a negative price."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import translation
from djmoney.money import Money
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace import limits, services
from marketplace.errors import InvalidExchangeRate, InvalidVariant
from marketplace.models import ExchangeRate, ExchangeRateChange, Product, ProductVariant, TaxCategory
from tests.factories import ProductFactory, TaxCategoryFactory

pytestmark = pytest.mark.django_db

HOSTILE_PRICES = ["-100000", "-0.01", "0", "0.00", "10000000.01", str(10**20), "abc", "NaN", "Infinity", ""]
HOSTILE_STOCKS = [-1, limits.STOCK_MAX + 1, 2**31, 10**12, 10**20, "abc", "1.5", "NaN"]
HOSTILE_WEIGHTS = [0, -1, limits.WEIGHT_MAX_GRAMS + 1, 2**31, 10**20, "abc", "0.5"]


def make_product(**kwargs):
    return ProductFactory(prices=["10.00"], publish=False, **kwargs)


def create_with(product, **variant):
    """product_create for `product`'s merchant, brand and categories with one variant."""
    spec = {"sku": "NEW-1", "price": Money("10.00", product.merchant.settlement_currency), "stock": 1}
    spec.update(variant)
    return services.product_create(
        merchant=product.merchant,
        brand=product.brand,
        category=product.category,
        tax_category=product.tax_category,
        origin_country="JP",
        shipping_mode=Product.ShippingMode.DIRECT_MAIL,
        name_en="New",
        variants=[spec],
    )


# --- Services ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("price", HOSTILE_PRICES)
def test_product_create_refuses_a_price_out_of_bounds(rates, price):
    product = make_product()
    before = Product.objects.count()
    with pytest.raises(InvalidVariant):
        create_with(product, price=price)
    assert Product.objects.count() == before and not ProductVariant.objects.filter(sku="NEW-1").exists()


def test_product_create_refused_the_negative_price_of_the_report(rates):
    """The reported hole: a variant priced -100,000 JPY was created through product_create."""
    product = ProductFactory(merchant__settlement_currency="JPY", prices=["1000"], publish=False)
    with translation.override("en"), pytest.raises(InvalidVariant, match="more than zero"):
        create_with(product, price=Money("-100000", "JPY"))


@pytest.mark.parametrize("stock", HOSTILE_STOCKS)
def test_product_create_refuses_a_stock_out_of_bounds(rates, stock):
    product = make_product()
    with pytest.raises(InvalidVariant):
        create_with(product, stock=stock)
    assert not ProductVariant.objects.filter(sku="NEW-1").exists()


@pytest.mark.parametrize("weight", HOSTILE_WEIGHTS)
def test_product_create_refuses_a_weight_out_of_bounds(rates, weight):
    product = make_product()
    with pytest.raises(InvalidVariant):
        create_with(product, weight_grams=weight)


@pytest.mark.parametrize(
    "field, value",
    [("price", p) for p in HOSTILE_PRICES]
    + [("stock", s) for s in HOSTILE_STOCKS]
    + [("weight_grams", w) for w in HOSTILE_WEIGHTS],
)
def test_variant_save_refuses_amounts_out_of_bounds_and_changes_nothing(rates, field, value):
    product = make_product()
    variant = product.variants.get()
    with pytest.raises(InvalidVariant):
        services.variant_save(
            product=product,
            actor_merchant=product.merchant,
            variant=variant,
            sku=variant.sku,
            **{field: value},
        )
    variant.refresh_from_db()
    assert (variant.price.amount, variant.stock, variant.weight_grams) == (Decimal("10.00"), 50, 500)


def test_the_bounds_themselves_are_accepted(rates):
    product = make_product()
    variant = services.variant_save(
        product=product,
        actor_merchant=product.merchant,
        sku="EDGE-1",
        price=limits.PRICE_MAX,
        stock=limits.STOCK_MAX,
        weight_grams=limits.WEIGHT_MAX_GRAMS,
    )
    variant.refresh_from_db()
    assert variant.price.amount == limits.PRICE_MAX and variant.stock == limits.STOCK_MAX
    low = services.variant_save(
        product=product, actor_merchant=product.merchant, sku="EDGE-2", price="0.01", stock=0, weight_grams=1
    )
    assert low.price.amount == Decimal("0.01")


@pytest.mark.parametrize(
    "rate", ["0", "-7.12", "NaN", "Infinity", "1000.00000001", str(10**20), "0.000000001"]
)
def test_exchange_rate_set_refuses_rates_out_of_bounds(db, rate):
    with pytest.raises(InvalidExchangeRate):
        services.exchange_rate_set(currency="USD", rate=rate)
    assert not ExchangeRate.objects.exists() and not ExchangeRateChange.objects.exists()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.decimals(allow_nan=True, allow_infinity=True, places=None)
    | st.decimals(min_value=Decimal("-1E8"), max_value=Decimal("1E8"), places=2)
)
def test_price_check_accepts_exactly_the_bounded_two_decimal_prices(amount):
    """Property: the services' price check accepts a price iff it is finite, within the bounds and has
    at most two decimals; every accepted price fits the column (14 digits, 2 decimals)."""
    merchant = type("M", (), {"settlement_currency": "USD"})()
    expected = (
        amount.is_finite()
        and limits.PRICE_MIN <= amount <= limits.PRICE_MAX
        and amount == amount.quantize(Decimal("0.01"))
    )
    try:
        accepted = services._variant_price(amount, merchant)
    except InvalidVariant:
        assert not expected
    else:
        assert expected and accepted == amount
        assert len(accepted.quantize(Decimal("0.01")).as_tuple().digits) <= 14


@settings(max_examples=200, deadline=None)
@given(stock=st.integers(min_value=-(2**70), max_value=2**70))
def test_stock_check_accepts_exactly_zero_to_the_ceiling(stock):
    merchant = type("M", (), {"settlement_currency": "USD"})()
    try:
        checked = services._variant_numbers_checked({"stock": stock}, merchant)
    except InvalidVariant:
        assert not 0 <= stock <= limits.STOCK_MAX
    else:
        assert 0 <= checked["stock"] <= limits.STOCK_MAX


# --- The database refuses what a forgotten check would let through ----------------------------------------


def refused_by_database(queryset, **values):
    """True when the database refuses the update (a check constraint, or a value beyond the column)."""
    try:
        with transaction.atomic():
            queryset.update(**values)
    except (IntegrityError, DataError):
        return True
    return False


@pytest.mark.parametrize(
    "values",
    [
        {"price": Decimal("-100000")},
        {"price": Decimal("0")},
        {"price": limits.PRICE_MAX + Decimal("0.01")},
        {"stock": -1},
        {"stock": limits.STOCK_MAX + 1},
        {"stock": 2**31},
        {"weight_grams": 0},
        {"weight_grams": limits.WEIGHT_MAX_GRAMS + 1},
    ],
    ids=lambda v: ",".join(f"{k}={v[k]}" for k in v),
)
def test_a_variant_forced_past_validation_fails_at_the_database(rates, values):
    product = make_product()
    variants = ProductVariant.objects.filter(product=product)
    assert refused_by_database(variants, **values)
    variant = variants.get()
    assert (variant.price.amount, variant.stock, variant.weight_grams) == (Decimal("10.00"), 50, 500)


def test_a_negative_variant_price_is_an_integrity_error(rates):
    product = make_product()
    with pytest.raises(IntegrityError, match="variant_price_positive_bounded"), transaction.atomic():
        ProductVariant.objects.filter(product=product).update(price=Decimal("-100000"))


@pytest.mark.parametrize(
    "values", [{"price": Decimal("-1")}, {"price": Decimal("0")}, {"price_cny": Decimal("-1")}]
)
def test_a_listing_price_cannot_be_negative(rates, values):
    product = make_product()
    assert refused_by_database(Product.objects.filter(pk=product.pk), **values)


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("-7.12"), Decimal("1000.00000001")])
def test_an_exchange_rate_forced_out_of_bounds_fails_at_the_database(rates, rate):
    assert refused_by_database(ExchangeRate.objects.filter(currency="USD"), rate=rate)
    if rate <= 0:  # the change record keeps any past rate, but never one of zero or less
        with pytest.raises(IntegrityError), transaction.atomic():
            ExchangeRateChange.objects.create(currency="USD", old_rate=Decimal("7"), new_rate=rate)


@pytest.mark.parametrize(
    "values",
    [
        {"vat_rate": Decimal("-0.01")},
        {"vat_rate": Decimal("0.51")},
        {"consumption_tax_rate": Decimal("-0.01")},
        {"consumption_tax_rate": Decimal("1")},
    ],
    ids=lambda v: ",".join(f"{k}={v[k]}" for k in v),
)
def test_a_tax_rate_out_of_bounds_fails_at_the_database_and_in_the_staff_console_form(db, values):
    category = TaxCategoryFactory()
    assert refused_by_database(TaxCategory.objects.filter(pk=category.pk), **values)
    for name, value in values.items():
        setattr(category, name, value)
    with pytest.raises(ValidationError) as caught:
        category.full_clean()
    assert set(caught.value.message_dict) >= set(values)


def test_model_validation_names_each_field_out_of_bounds(rates):
    """The staff console's forms run model validation: each bound is a field error there."""
    product = make_product()
    variant = product.variants.get()
    variant.price = Money("-1", "USD")
    variant.stock = 2**31
    variant.weight_grams = 0
    with pytest.raises(ValidationError) as caught:
        variant.full_clean()
    assert {"price", "stock", "weight_grams"} <= set(caught.value.message_dict)


# --- The staff console ------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(is_superuser=True))
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("rate", ["0", "-7", "1000.5", str(10**20), "abc"])
def test_staff_console_refuses_an_exchange_rate_out_of_bounds(staff_client, rates, rate):
    usd = ExchangeRate.objects.get(currency="USD")
    response = staff_client.post(
        f"/staff/marketplace/exchangerate/{usd.pk}/change/", {"currency": "USD", "rate": rate}
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["rate"]
    usd.refresh_from_db()
    assert usd.rate == Decimal("7.12")


@pytest.mark.parametrize(
    "vat, ct, field",
    [("0.6", "0", "vat_rate"), ("-0.1", "0", "vat_rate"), ("0.13", "1", "consumption_tax_rate")],
)
def test_staff_console_refuses_a_tax_rate_out_of_bounds(staff_client, db, vat, ct, field):
    response = staff_client.post(
        "/staff/marketplace/taxcategory/add/",
        {"code": "odd", "name_zh": "奇", "name_en": "Odd", "vat_rate": vat, "consumption_tax_rate": ct},
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors[field]
    assert not TaxCategory.objects.filter(code="odd").exists()
