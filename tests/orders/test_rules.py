"""Cross-border rules: resident ID numbers (GB 11643 MOD 11-2), tax per line, masking."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from marketplace.models import TaxCategory
from marketplace.money import tax_for
from orders.errors import InvalidIdentityNumber
from orders.models import mask_id_number
from orders.pricing import price_lines
from orders.rules import id_number_check_code, resident_id_validate, shipping_fee
from tests.factories import make_id_number


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "11010519491231002x", make_id_number(region="440524", birth="19800101")],
)
def test_valid_id_numbers_pass(number):
    assert resident_id_validate(number) == number.strip().upper()


def test_published_example_check_digit():
    assert id_number_check_code("11010519491231002") == "X"


@pytest.mark.parametrize(
    "number, reason",
    [
        ("110105194912310021", "check digit"),  # the X example with a wrong final character
        (make_id_number()[:17] + ("1" if make_id_number()[17] != "1" else "2"), "check digit"),
        ("11010519491231002", "18 characters"),
        ("1101051949123100212", "18 characters"),
        ("11010519491231A02X", "18 characters"),
        ("", "18 characters"),
        (make_id_number(birth="19900230"), "not a real date"),  # 30 February
        (make_id_number(birth="19901301"), "not a real date"),  # month 13
        (make_id_number(birth="18891231"), "not possible"),
        (make_id_number(birth="20991231"), "not possible"),  # born in the future
        (make_id_number(region="010105"), "region code"),
    ],
)
def test_invalid_id_numbers_say_why(number, reason):
    with pytest.raises(InvalidIdentityNumber) as caught:
        resident_id_validate(number, today=date(2026, 11, 22))
    with translation.override("en"):
        assert reason in str(caught.value)
    assert caught.value.code == "invalid_id_number"


def test_ids_are_masked_without_the_birth_date():
    assert mask_id_number("11010519491231002X") == "110105********002X"


def test_tax_general_goods_is_9_1_percent():
    general = TaxCategory(vat_rate=Decimal("0.13"), consumption_tax_rate=Decimal("0"))
    assert general.effective_rate == Decimal("0.091")
    assert tax_for(Decimal("100.00"), general.effective_rate) == Decimal("9.10")
    assert tax_for(Decimal("1299.00"), general.effective_rate) == Decimal("118.21")  # 118.209 half up


def test_tax_goods_with_15_percent_consumption_tax_is_23_1_percent():
    cosmetics = TaxCategory(vat_rate=Decimal("0.13"), consumption_tax_rate=Decimal("0.15"))
    assert (cosmetics.effective_rate * 100).quantize(Decimal("0.1")) == Decimal("23.1")
    # (0.15/0.85 + (1 + 0.15/0.85) x 0.13) x 0.7 = 0.2305882...; rounded once per line, half up.
    assert tax_for(Decimal("100.00"), cosmetics.effective_rate) == Decimal("23.06")
    assert tax_for(Decimal("1000.00"), cosmetics.effective_rate) == Decimal("230.59")


def test_shipping_fee_is_flat_per_order_and_free_from_299():
    assert shipping_fee("direct_mail", Decimal("298.99")) == Decimal("25.00")
    assert shipping_fee("bonded", Decimal("100")) == Decimal("10.00")
    assert shipping_fee("direct_mail", Decimal("299.00")) == Decimal("0.00")


@pytest.mark.django_db
def test_tax_is_rounded_per_line_on_the_line_total(rates):
    from tests.factories import ProductFactory, TaxCategoryFactory

    cosmetics = TaxCategoryFactory(code="cosmetics-15", consumption_tax_rate=Decimal("0.15"))
    product = ProductFactory(prices=["3.33"], tax_category=cosmetics)  # USD 3.33 = CNY 23.71 (7.12)
    variant = product.variants.get()
    variant.product = product
    priced = price_lines([(variant, 3, None)], {"USD": Decimal("7.12")})
    line = priced.lines[0]
    assert line.unit_price_cny == Decimal("23.71")
    assert line.goods == Decimal("71.13")
    assert line.tax == Decimal("16.40")  # 71.13 x 0.230588 = 16.4018, once for the line
    assert priced.groups[0].total == Decimal("71.13") + Decimal("25.00") + Decimal("16.40")
