"""Identifiers in their one canonical ASCII form: resident ID numbers, mainland mobile numbers,
contact phones, company registration numbers, SKUs and waybill numbers.

Everything that is compared, counted or unique by an identifier (the 26,000 CNY annual quota by ID
number, one identity per number and user, one store per company, one variant per SKU) goes through
here first, in forms, serializers, services, the bulk import and the models' `save()`, so a
look-alike typed another way cannot become a second identity.

The steps, the same for every kind (docs/rules.md, "Identifiers"):
1. Unicode NFKC: full-width letters and digits (what a Chinese input method types in full-width
   mode, "１１０１…") become ASCII and are accepted as the same number; the ideographic space and the
   no-break space become spaces.
2. Whitespace of every kind (spaces, tabs, line breaks, NBSP, ideographic space) and invisible format
   characters (Unicode category Cf: zero-width space and joiners, word joiner, BOM, soft hyphen,
   direction marks) are removed, or for free-form kinds squeezed to one space.
3. Dashes of every script become "-"; letters are upper-cased where case carries no meaning.
4. Whatever is left must be ASCII of the kind's shape. Digits of other scripts (Arabic-Indic "٣",
   Devanagari "३", ...) pass Python's `str.isdigit()` and `int()` but are refused with a message
   naming the character: a person must type the number with the digits 0-9.

Each function returns the canonical form or raises `InvalidIdentifier` (a DomainError: pages and
the API answer 400 with its message). The `*_key` functions give the form used for comparison where
it differs from the stored one.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from .errors import InvalidIdentifier

__all__ = [
    "InvalidIdentifier",
    "contact_phone",
    "country_code",
    "mainland_mobile",
    "registration_number",
    "registration_number_key",
    "repair_digits",
    "repaired",
    "resident_id_number",
    "sku",
    "waybill_number",
]

RESIDENT_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
MAINLAND_MOBILE_RE = re.compile(r"1[0-9]{10}")
CONTACT_PHONE_RE = re.compile(r"\+?[0-9(][0-9 ()./-]*[0-9]")
REGISTRATION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./-]*")
SKU_RE = re.compile(r"[A-Z0-9][A-Z0-9._/-]*")
WAYBILL_RE = re.compile(r"[A-Z0-9]{6,40}")

# Patterns for database CheckConstraints (`__regex` works on SQLite and PostgreSQL).
RESIDENT_ID_DB_REGEX = r"^[0-9]{17}[0-9X]$"
MAINLAND_MOBILE_DB_REGEX = r"^1[0-9]{10}$"
SKU_DB_REGEX = r"^[A-Z0-9][A-Z0-9._/-]*$"

SKU_MAX_LENGTH = 64
REGISTRATION_MAX_LENGTH = 64
CONTACT_PHONE_MAX_LENGTH = 40


def _is_blank(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _is_invisible(ch: str) -> bool:
    # Cf: U+200B..U+200F, U+2060..U+2064, U+FEFF, U+00AD, U+180E, bidi controls...
    return unicodedata.category(ch) == "Cf"


def _prepare(value, *, spaces: bool = False, dashes: bool = False) -> str:
    """NFKC, invisible characters dropped, whitespace dropped (or squeezed to single spaces when
    `spaces`), dashes of any script to "-" (or dropped unless `dashes`)."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    out = []
    for ch in text:
        if _is_invisible(ch):
            continue
        if _is_blank(ch):
            if spaces:
                out.append(" ")
            continue
        if ch == "\u2212" or unicodedata.category(ch) == "Pd":  # minus sign, hyphens, en/em dashes
            if dashes:
                out.append("-")
            continue
        out.append(ch)
    result = "".join(out)
    return " ".join(result.split()) if spaces else result


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "").title() or f"U+{ord(ch):04X}"
    return f"“{ch}” ({name})" if ch.isprintable() else name


def _refuse_foreign(kind, text: str, allowed=None) -> None:
    """Refuse the first character outside ASCII (or outside `allowed`, when given), naming it. Without
    `allowed` the kind's shape check explains what is wrong with ASCII input."""
    for ch in text:
        if not ch.isascii():
            if ch.isdigit():
                reason = _(
                    "it contains the digit %(char)s of another script; please type it with the digits 0-9"
                )
            else:
                reason = _("it contains the character %(char)s, which is not allowed here")
            raise InvalidIdentifier(kind, reason % {"char": _describe(ch)})
        if allowed is not None and ch not in allowed:
            raise InvalidIdentifier(
                kind,
                _("it contains the character %(char)s, which is not allowed here") % {"char": _describe(ch)},
            )


_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def resident_id_number(value) -> str:
    """A mainland resident ID number: 17 digits and a digit or X (upper-cased). The checksum and the
    birth date are checked by `orders.rules.resident_id_validate`, which starts here."""
    kind = _("resident ID number")
    text = _prepare(value).upper()
    _refuse_foreign(kind, text)
    if not RESIDENT_ID_RE.fullmatch(text):
        raise InvalidIdentifier(kind, _("it must be 18 characters: 17 digits and a final digit or X"))
    return text


def mainland_mobile(value) -> str:
    """An 11-digit mainland mobile number ("138 0013 8000", "+86 138-0013-8000" -> "13800138000")."""
    kind = _("mobile number")
    text = _prepare(value)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    _refuse_foreign(kind, text)
    if not MAINLAND_MOBILE_RE.fullmatch(text):
        raise InvalidIdentifier(kind, _("please enter an 11-digit mainland mobile number"))
    return text


def contact_phone(value) -> str:
    """An international contact phone as people write it ("+81 3-5555-0199"): ASCII digits with an
    optional leading +, and spaces, dashes, dots, slashes or brackets between them. Empty stays empty."""
    kind = _("phone number")
    text = _prepare(value, spaces=True, dashes=True)
    if not text:
        return ""
    _refuse_foreign(kind, text, _DIGITS | set("+ ()./-"))
    digits = sum(ch.isdigit() for ch in text)
    if not CONTACT_PHONE_RE.fullmatch(text) or not 5 <= digits <= 17:
        raise InvalidIdentifier(
            kind, _("please enter a phone number with its country code, e.g. +81 3 5555 0199")
        )
    if len(text) > CONTACT_PHONE_MAX_LENGTH:
        raise InvalidIdentifier(
            kind, _("it is longer than %(max)s characters") % {"max": CONTACT_PHONE_MAX_LENGTH}
        )
    return text


def registration_number(value) -> str:
    """A company registration number as printed on the certificate, in ASCII ("FN 123456a",
    "0110-01-998877"): spaces squeezed, dashes unified, case kept. Empty stays empty. Companies are
    compared by `registration_number_key`."""
    kind = _("registration number")
    text = _prepare(value, spaces=True, dashes=True)
    if not text:
        return ""
    _refuse_foreign(kind, text, _DIGITS | _LETTERS | set(" ./-"))
    if not REGISTRATION_RE.fullmatch(text):
        raise InvalidIdentifier(kind, _("it must start with a letter or a digit"))
    if len(text) > REGISTRATION_MAX_LENGTH:
        raise InvalidIdentifier(
            kind, _("it is longer than %(max)s characters") % {"max": REGISTRATION_MAX_LENGTH}
        )
    return text


def registration_number_key(value) -> str:
    """The form companies are compared, blacklisted and made unique by: ASCII letters and digits
    only, upper-case ("12-345 ab" == "12345AB"). Empty stays empty."""
    return "".join(ch for ch in registration_number(value) if ch.isalnum()).upper()


def sku(value) -> str:
    """A stock keeping unit: upper-case ASCII letters and digits with . _ / - between them, no
    spaces ("serum 30ml" -> "SERUM30ML"). SKUs are unique on the platform in this form."""
    kind = _("SKU")
    text = _prepare(value, dashes=True).upper()
    if not text:
        raise InvalidIdentifier(kind, _("it is empty"))
    _refuse_foreign(kind, text, _DIGITS | _LETTERS | set("._/-"))
    if not SKU_RE.fullmatch(text):
        raise InvalidIdentifier(kind, _("it must start with a letter or a digit"))
    if len(text) > SKU_MAX_LENGTH:
        raise InvalidIdentifier(kind, _("it is longer than %(max)s characters") % {"max": SKU_MAX_LENGTH})
    return text


def waybill_number(value) -> str:
    """A carrier's waybill (tracking) number: 6 to 40 upper-case ASCII letters and digits, with the
    spaces and dashes people type between groups removed ("sf 1234-5678-901" -> "SF12345678901")."""
    kind = _("waybill number")
    text = _prepare(value).upper()
    _refuse_foreign(kind, text)
    if not WAYBILL_RE.fullmatch(text):
        raise InvalidIdentifier(kind, _("it must be 6 to 40 letters and digits"))
    return text


def repair_digits(value: str) -> str:
    """For data migrations only: every decimal digit of any script turned into its ASCII digit, so
    a look-alike saved before this module existed collapses onto the real number. Input is refused
    instead (see the module's docstring)."""
    return "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None else ch
        for ch in unicodedata.normalize("NFKC", value or "")
    )


def country_code(value, *, allow_blank: bool = False) -> str:
    """An ISO 3166-1 alpha-2 country or region code the platform knows ("jp" -> "JP"). Unknown,
    over-long or non-ASCII codes are refused with a clear message (never a database error)."""
    kind = _("country code")
    text = _prepare(value).upper()
    if not text:
        if allow_blank:
            return ""
        raise InvalidIdentifier(kind, _("it is empty"))
    from django_countries import countries

    if not (len(text) == 2 and text.isascii() and text.isalpha() and text in dict(countries)):
        raise InvalidIdentifier(
            kind,
            _("%(code)s is not a two-letter ISO country or region code we know (e.g. JP, KR, US)")
            % {"code": text[:8] + ("…" if len(text) > 8 else "")},
        )
    return text


COUNTRY_DB_REGEX = r"^[A-Z]{2}$"
COUNTRY_OR_BLANK_DB_REGEX = r"^([A-Z]{2})?$"


def country_check(pattern: str):
    """A CheckConstraint condition for a CountryField. A plain `country__regex` would not do: the
    field turns the pattern into a country code before it reaches the database; cast, it stays text."""
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from django.db.models.lookups import Regex

    return Regex(Cast("country", output_field=CharField()), pattern)


def repaired(kind, value, **options):
    """For data migrations: `kind(value)` after `repair_digits`, or None when even that fails."""
    try:
        return kind(repair_digits(value), **options)
    except InvalidIdentifier:
        return None
