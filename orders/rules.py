"""The cross-border retail rules this app enforces, in one place (documented in docs/rules.md)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace import identifiers
from marketplace.errors import InvalidIdentifier
from marketplace.models import Product

from .errors import InvalidIdentityNumber

# Goods value (CNY, before tax and shipping) one order may carry, and one buyer ID per calendar year.
ORDER_GOODS_LIMIT = Decimal("5000.00")
ANNUAL_LIMIT = Decimal("26000.00")

# The platform's default shipping fee per order (one merchant, one shipping mode), free from a goods
# value: what a store without a shipping template for the mode charges (docs/rules.md, "Shipping
# templates"; stores' own templates are `logistics.shipping_fees`).
SHIPPING_FEES = {
    Product.ShippingMode.DIRECT_MAIL: Decimal("25.00"),
    Product.ShippingMode.BONDED: Decimal("10.00"),
}
FREE_SHIPPING_FROM = Decimal("299.00")

# Hours a merchant has to ship after payment.
SHIP_WITHIN_HOURS = {Product.ShippingMode.DIRECT_MAIL: 120, Product.ShippingMode.BONDED: 72}

MAX_QUANTITY_PER_LINE = 99


def unit_over_order_limit(unit_price_cny: Decimal) -> bool:
    """One unit alone is worth more than one order may carry: it can never be checked out (the customs
    exception for a single indivisible item is not implemented). The product page, the cart, checkout
    and adding to the cart all ask here."""
    return unit_price_cny > ORDER_GOODS_LIMIT


def shipping_fee(shipping_mode: str, goods: Decimal) -> Decimal:
    return Decimal("0.00") if goods >= FREE_SHIPPING_FROM else SHIPPING_FEES[shipping_mode]


def payment_timeout_minutes() -> int:
    return settings.ORDER_PAYMENT_TIMEOUT_MINUTES


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CODES = "10X98765432"


def id_number_check_code(first17: str) -> str:
    """GB 11643-1999 / ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return ID_CHECK_CODES[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def resident_id_validate(number: str, *, today: date | None = None) -> str:
    """The ID number in its canonical ASCII form (`marketplace.identifiers.resident_id_number`:
    full-width digits accepted, spaces and invisible characters removed, upper-case X, digits of other
    scripts refused), or `InvalidIdentityNumber` saying why."""
    try:
        number = identifiers.resident_id_number(number)
    except InvalidIdentifier as exc:
        raise InvalidIdentityNumber(exc.reason) from exc
    if number[0] == "0":
        raise InvalidIdentityNumber(_("the region code is not valid"))
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdentityNumber(_("the birth date in it is not a real date")) from exc
    if birth.year < 1900 or birth > (today or date.today()):
        raise InvalidIdentityNumber(_("the birth date in it is not possible"))
    if id_number_check_code(number[:17]) != number[17]:
        raise InvalidIdentityNumber(_("the check digit does not match; please check the number"))
    return number
