from decimal import Decimal

import pytest
from djmoney.money import Money

from marketplace.errors import ExchangeRateMissing
from marketplace.models import TaxCategory
from marketplace.money import format_cny, round_cny, tax_for, to_cny


def test_conversion_rounds_half_up_to_the_fen_once():
    rates = {"USD": Decimal("7.12"), "JPY": Decimal("0.0472")}
    assert to_cny(Money("19.99", "USD"), rates) == Decimal("142.33")  # 142.3288
    assert to_cny(Money("1980", "JPY"), rates) == Decimal("93.46")  # 93.456
    assert to_cny(Money("0.125", "USD"), {"USD": Decimal("1")}) == Decimal("0.13")  # half up, not even
    assert to_cny(Money("88.80", "CNY"), rates) == Decimal("88.80")


def test_conversion_without_a_rate_is_a_clear_domain_error():
    with pytest.raises(ExchangeRateMissing, match="GBP"):
        to_cny(Money("10", "GBP"), {"USD": Decimal("7")})


def test_general_goods_pay_9_1_percent():
    general = TaxCategory(vat_rate=Decimal("0.13"), consumption_tax_rate=Decimal("0"))
    assert general.effective_rate == Decimal("0.091")
    assert tax_for(Decimal("100.00"), general.effective_rate) == Decimal("9.10")
    assert tax_for(Decimal("5000.00"), general.effective_rate) == Decimal("455.00")


def test_goods_with_15_percent_consumption_tax_pay_23_1_percent():
    cosmetics = TaxCategory(vat_rate=Decimal("0.13"), consumption_tax_rate=Decimal("0.15"))
    # (0.15/0.85 + (1 + 0.15/0.85) x 0.13) x 0.7
    assert round(cosmetics.effective_rate, 3) == Decimal("0.231")
    assert tax_for(Decimal("1000.00"), cosmetics.effective_rate) == Decimal("230.59")


def test_prices_read_as_yuan_with_thousands_separator():
    assert format_cny(Decimal("1299")) == "¥1,299.00"
    assert format_cny(Money("42.5", "CNY")) == "¥42.50"
    assert format_cny(None) == ""
    assert round_cny(Decimal("2.675")) == Decimal("2.68")
