"""CNY conversion and rounding: the one place where catalogue amounts are rounded.

Rule: a price in the merchant's currency converts to CNY at the exchange rate and is rounded once,
half up, to the fen (0.01). Every CNY figure after that (line totals, sums) is exact Decimal
arithmetic on those rounded unit prices; tax rounds once per line (see `tax_for`).
"""

import functools
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency, get_currency_symbol
from django.conf import settings
from django.utils.translation import get_language
from djmoney.money import Money

from .errors import ExchangeRateMissing

FEN = Decimal("0.01")


def round_cny(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def to_cny(price: Money, rates: dict[str, Decimal]) -> Decimal:
    """CNY for a price in a settlement currency, with `rates` from `selectors.exchange_rates()`."""
    currency = str(price.currency)
    if currency == "CNY":
        return round_cny(price.amount)
    try:
        rate = rates[currency]
    except KeyError as exc:
        raise ExchangeRateMissing(currency) from exc
    return round_cny(price.amount * rate)


def tax_for(amount_cny: Decimal, effective_rate: Decimal) -> Decimal:
    """Cross-border tax on a CNY goods amount (one line), rounded once to the fen."""
    return round_cny(amount_cny * effective_rate)


# The site's languages as CLDR locales (babel): number grouping, decimals and currency symbols come
# from CLDR, never from hand-written symbols.
_BABEL_LOCALES = {"zh-hans": "zh_Hans_CN", "en": "en"}
MONEY_FORMAT_VERSION = "cldr-1"  # part of cached product cards' keys: a change here is a new key


def _babel_locale(language: str | None = None) -> str:
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    return _BABEL_LOCALES.get(language, _BABEL_LOCALES.get(language.split("-")[0], "zh_Hans_CN"))


@functools.cache
def _symbols() -> dict[tuple[str, str], str]:
    """The symbol each currency is written with, per site language.

    The yuan (the currency shoppers pay in) takes CLDR's symbol for the page's language: "¥" in
    Chinese, "CN¥" in English. Another currency takes CLDR's symbol for the page's language unless that
    symbol means a different currency of the site in one of the site's languages (CLDR's English "¥" is
    the yen, and Chinese "¥" is the yuan): then it takes its symbol from a site language where it is
    unambiguous ("JP¥"), or failing that its ISO code.
    """
    locales = list(_BABEL_LOCALES.values())
    cldr = {
        (loc, cur): get_currency_symbol(cur, locale=loc) for loc in locales for cur in settings.CURRENCIES
    }
    owners: dict[str, set[str]] = {}
    for (_loc, cur), symbol in cldr.items():
        owners.setdefault(symbol, set()).add(cur)

    def unambiguous(symbol, currency):
        return owners[symbol] == {currency}

    table = {}
    for (loc, cur), symbol in cldr.items():
        if cur != settings.DEFAULT_CURRENCY and not unambiguous(symbol, cur):
            candidates = [cldr[(other, cur)] for other in locales if unambiguous(cldr[(other, cur)], cur)]
            symbol = candidates[0] if candidates else cur
        table[(loc, cur)] = symbol
    return table


def format_money(amount, currency: str | None = None, language: str | None = None) -> str:
    """Money as the site writes it everywhere (pages, emails, API display strings, messages).

    `amount` is a djmoney Money (its currency is used) or a number in `currency` (CNY by default).
    CLDR decides grouping and decimals for the page's language (yuan to the fen, yen in whole units),
    and the symbol follows `_symbols`: in Chinese 1299 CNY reads "¥1,299.00" and 3580 JPY "JP¥3,580";
    in English "CN¥1,299.00" and "JP¥3,580".
    """
    if amount is None or amount == "":
        return ""
    if isinstance(amount, Money):
        currency = currency or str(amount.currency)
        amount = amount.amount
    currency = (currency or settings.DEFAULT_CURRENCY).upper()
    locale = _babel_locale(language)
    symbol = _symbols().get((locale, currency)) or get_currency_symbol(currency, locale=locale)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    pattern = pattern.replace("\xa4", "'" + symbol.replace("'", "''") + "'")
    return format_currency(Decimal(amount), currency, format=pattern, locale=locale, currency_digits=True)


def format_cny(amount) -> str:
    """A CNY amount (a number or a Money in CNY) in the page's language: `format_money` in yuan."""
    return format_money(amount, "CNY" if not isinstance(amount, Money) else None)


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of a currency (CLDR): 0.01 for most, 1 for the yen and the won."""
    from babel.numbers import get_currency_precision

    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_currency(amount: Decimal, currency: str) -> Decimal:
    """An amount rounded once, half up, to the currency's minor unit (CLDR), kept at two places."""
    return Decimal(amount).quantize(minor_unit(currency), rounding=ROUND_HALF_UP).quantize(FEN)


def from_cny(amount_cny: Decimal, rate: Decimal, currency: str) -> Decimal:
    """A CNY amount in another currency at `rate` (CNY per unit of that currency), rounded once to
    that currency's minor unit: the escrow release and deposit conversions (docs/rules.md, "The escrow
    ledger")."""
    if currency == "CNY":
        return round_cny(amount_cny)
    return round_currency(Decimal(amount_cny) / Decimal(rate), currency)
