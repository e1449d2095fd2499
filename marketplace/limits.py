"""The bounds every catalogue amount obeys, in one place (documented in docs/rules.md, "Amounts and
their bounds").

Forms, API serializers, the bulk import and the services all check these with a message a person
understands; the same bounds are database check constraints (each model's `Meta.constraints`), so a
path that forgets a check still cannot store a negative price or a stock beyond the column's range.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from djmoney.models.validators import MaxMoneyValidator, MinMoneyValidator

# A variant's price, in the merchant's settlement currency: above zero, at most two decimals, at most
# ten million (far above anything one cross-border order may carry in any settlement currency, and
# well inside the MoneyField's 14 digits even after conversion to CNY and times the line quantity).
PRICE_MIN = Decimal("0.01")
PRICE_MAX = Decimal("10000000.00")
# Units in stock: zero or more, at most one million per variant (a PostgreSQL integer ends at 2**31-1).
STOCK_MAX = 1_000_000
# Shipping weight of one unit: at least 1 g, at most 100 kg.
WEIGHT_MIN_GRAMS = 1
WEIGHT_MAX_GRAMS = 100_000
# CNY per unit of a settlement currency: above zero; no currency is near 1,000 CNY.
RATE_MIN = Decimal("0.00000001")
RATE_MAX = Decimal("1000")
# VAT and consumption tax rates are fractions (0.13 for 13%): VAT from 0 to 50%, consumption tax from
# 0 to 90% (China's highest is 56%). A consumption tax of 100% would divide by zero in
# `TaxCategory.effective_rate`; with these bounds the effective rate stays below 10 (OrderLine.tax_rate).
VAT_RATE_MAX = Decimal("0.5")
CONSUMPTION_TAX_RATE_MAX = Decimal("0.9")

price_validators = [
    MinValueValidator(PRICE_MIN, message=_("The price must be more than zero.")),
    MaxValueValidator(PRICE_MAX, message=_("The price may be at most %(limit_value)s.")),
]
# The same bounds for a djmoney MoneyField (its value is a Money, which Django's validators cannot compare).
money_price_validators = [
    MinMoneyValidator(PRICE_MIN, message=_("The price must be more than zero.")),
    MaxMoneyValidator(PRICE_MAX, message=_("The price may be at most %(limit_value)s.")),
]
stock_validators = [
    MinValueValidator(0, message=_("Stock cannot be negative.")),
    MaxValueValidator(STOCK_MAX, message=_("Stock may be at most %(limit_value)s units.")),
]
weight_validators = [
    MinValueValidator(WEIGHT_MIN_GRAMS, message=_("The weight must be more than zero grams.")),
    MaxValueValidator(WEIGHT_MAX_GRAMS, message=_("The weight may be at most %(limit_value)s grams.")),
]
rate_validators = [
    MinValueValidator(RATE_MIN, message=_("An exchange rate must be a positive number.")),
    MaxValueValidator(RATE_MAX, message=_("An exchange rate may be at most %(limit_value)s CNY per unit.")),
]
vat_rate_validators = [
    MinValueValidator(Decimal("0"), message=_("A tax rate cannot be negative.")),
    MaxValueValidator(
        VAT_RATE_MAX, message=_("A VAT rate is a fraction up to %(limit_value)s (0.13 for 13%%).")
    ),
]
consumption_tax_rate_validators = [
    MinValueValidator(Decimal("0"), message=_("A tax rate cannot be negative.")),
    MaxValueValidator(
        CONSUMPTION_TAX_RATE_MAX,
        message=_("A consumption tax rate is a fraction up to %(limit_value)s (0.15 for 15%%)."),
    ),
]
