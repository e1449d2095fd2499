"""CNY conversion and rounding: the one place where catalogue amounts are rounded.

Rule: a price in the merchant's currency converts to CNY at the exchange rate and is rounded once,
half up, to the fen (0.01). Every CNY figure after that (line totals, sums) is exact Decimal
arithmetic on those rounded unit prices; tax rounds once per line (see `tax_for`).
"""

from decimal import ROUND_HALF_UP, Decimal

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


def format_cny(amount) -> str:
    """¥1,299.00, the way prices read on the storefront in both languages."""
    if amount is None:
        return ""
    if isinstance(amount, Money):
        amount = amount.amount
    return f"¥{Decimal(amount):,.2f}"
