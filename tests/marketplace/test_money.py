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
    from django.utils import translation

    with translation.override("zh-hans"):  # the site's default language
        assert format_cny(Decimal("1299")) == "¥1,299.00"
        assert format_cny(Money("42.5", "CNY")) == "¥42.50"
    assert format_cny(None) == ""
    assert round_cny(Decimal("2.675")) == Decimal("2.68")


# One money format for the whole site (marketplace.money.format_money, the `money` template filter):
# CLDR's grouping, decimals and symbols for the page's language, and "¥" only ever for the yuan.
@pytest.mark.parametrize(
    ("language", "money", "expected"),
    [
        ("zh-hans", Decimal("1299"), "¥1,299.00"),
        ("zh-hans", Money("3580", "JPY"), "JP¥3,580"),
        ("zh-hans", Money("12.5", "USD"), "US$12.50"),
        ("zh-hans", Money("45900", "KRW"), "₩45,900"),
        ("en", Decimal("1299"), "CN¥1,299.00"),
        ("en", Money("3580", "JPY"), "JP¥3,580"),  # CLDR's English "¥" would read as yuan here
        ("en", Money("12.5", "USD"), "$12.50"),
        ("en", Money("9.9", "GBP"), "£9.90"),
        ("en", Money("1299", "CNY"), "CN¥1,299.00"),
    ],
)
def test_money_reads_the_same_on_every_page_in_each_language(language, money, expected):
    from django.utils import translation

    from marketplace.money import format_money

    with translation.override(language):
        assert format_money(money) == expected


def test_no_two_currencies_share_a_symbol_in_any_language():
    from django.conf import settings

    from marketplace.money import format_money

    for language, _name in settings.LANGUAGES:
        shown = {format_money(Money("1", c), language=language).rstrip("0.,1") for c in settings.CURRENCIES}
        assert len(shown) == len(settings.CURRENCIES), shown
    assert format_money(None) == "" and format_cny(Decimal("5")) == format_money(Decimal("5"), "CNY")


def test_the_templates_and_messages_write_money_only_through_the_filter():
    """No hand-written yuan or yen sign in a template or a translated message: it would bypass the rule
    above (the Chinese catalog once said "¥5,000" in a sentence, read as yen by English readers)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [*(root / "templates").rglob("*.html"), *(root / "static" / "js").rglob("*.js")]
    sources.append(root / "marketplace" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    offenders = [str(path.relative_to(root)) for path in sources if "¥" in path.read_text()]
    assert offenders == []
