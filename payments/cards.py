"""Card input checks shared by the pay page and the API (before anything reaches a gateway)."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from .errors import InvalidCard
from .gateways import Card


def luhn_ok(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def card_from_input(*, number, exp_month, exp_year, cvc, holder="", today: date | None = None) -> Card:
    """A `Card` from what a person typed, or `InvalidCard` saying what to fix."""
    number = "".join(str(number or "").split()).replace("-", "")
    if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_ok(number):
        raise InvalidCard(_("the card number is not valid"))
    try:
        month, year = int(exp_month), int(exp_year)
    except (TypeError, ValueError) as exc:
        raise InvalidCard(_("the expiry date is not valid")) from exc
    if year < 100:
        year += 2000
    today = today or date.today()
    if not 1 <= month <= 12 or (year, month) < (today.year, today.month) or year > today.year + 20:
        raise InvalidCard(_("the card has expired or the expiry date is not valid"))
    cvc = str(cvc or "").strip()
    if not cvc.isdigit() or len(cvc) not in (3, 4):
        raise InvalidCard(_("the security code (CVC) must be 3 or 4 digits"))
    return Card(number=number, exp_month=month, exp_year=year, cvc=cvc, holder=str(holder or "")[:100])
