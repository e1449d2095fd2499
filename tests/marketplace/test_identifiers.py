"""marketplace.identifiers: every identifier in one canonical ASCII form, look-alikes collapse onto
it or are refused, and canonicalisation is idempotent (a property test)."""

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace import identifiers
from marketplace.errors import InvalidIdentifier
from tests.identifier_lookalikes import OTHER_SCRIPTS, accepted_lookalikes, refused_lookalikes


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


KINDS = {
    "resident ID number": (identifiers.resident_id_number, "11010519491231002X"),
    "mainland mobile": (identifiers.mainland_mobile, "13800138000"),
    "contact phone": (identifiers.contact_phone, "+81 3-1234-5678"),
    "registration number": (identifiers.registration_number_key, "010001123456"),
    "SKU": (identifiers.sku, "SERUM-30ML"),
    "waybill number": (identifiers.waybill_number, "SF1234567890"),
}
CASES = [
    (kind, name, text)
    for kind, (_function, value) in KINDS.items()
    for name, text in accepted_lookalikes(value).items()
    # A space inside a contact phone is how people write it; it stays a (single) space there.
    if not (kind == "contact phone" and "inside" in name and name.split(" inside")[0] in ("space", "tab"))
]


@pytest.mark.parametrize("kind, name, text", CASES, ids=[f"{k}: {n}" for k, n, _t in CASES])
def test_accepted_lookalikes_are_the_same_identifier(kind, name, text):
    function, value = KINDS[kind]
    canonical = function(text)
    if kind == "contact phone":
        canonical = canonical.replace(" ", "")
        value = value.replace(" ", "")
    assert canonical == value


REFUSED = [
    (kind, name, text)
    for kind, (_f, value) in KINDS.items()
    for name, text in refused_lookalikes(value).items()
]


@pytest.mark.parametrize("kind, name, text", REFUSED, ids=[f"{k}: {n}" for k, n, _t in REFUSED])
def test_digits_of_other_scripts_are_refused_with_a_message_naming_them(kind, name, text):
    function, _value = KINDS[kind]
    assert any(ch.isdigit() and not ch.isascii() for ch in text)  # what fooled str.isdigit()
    with pytest.raises(InvalidIdentifier) as caught:
        function(text)
    assert "0-9" in str(caught.value) or "not allowed" in str(caught.value)


def test_the_bypass_number_is_refused_not_a_second_identity():
    real = "11010519491231002X"
    lookalike = real[:5] + "\u0665" + real[6:]  # Arabic-Indic five: int() reads it as 5
    assert lookalike.isalnum() and lookalike[:17].isdigit() and int(lookalike[5]) == 5
    with pytest.raises(InvalidIdentifier, match="Arabic-Indic Digit Five"):
        identifiers.resident_id_number(lookalike)


@pytest.mark.parametrize(
    "function, text, expected",
    [
        (identifiers.mainland_mobile, "+86 138-0013-8000", "13800138000"),
        (identifiers.mainland_mobile, "0086 13800138000", "13800138000"),
        (identifiers.mainland_mobile, "138\u20140013\u20138000", "13800138000"),  # em and en dashes
        (identifiers.contact_phone, "  +1 (604)\u00a0555\u20130142 ", "+1 (604) 555-0142"),
        (identifiers.contact_phone, "", ""),
        (identifiers.registration_number, " FN  123456a ", "FN 123456a"),
        (identifiers.registration_number, "０１００－０１－１２３４５６", "0100-01-123456"),
        (identifiers.registration_number_key, "0100‐01 123456", "010001123456"),
        (identifiers.registration_number, "", ""),
        (identifiers.sku, " serum 30ml ", "SERUM30ML"),
        (identifiers.sku, "ｓｅｒｕｍ－３０", "SERUM-30"),
        (identifiers.waybill_number, "sf 1234-5678-901", "SF12345678901"),
        (identifiers.country_code, " jp ", "JP"),
        (identifiers.country_code, "ＫＲ", "KR"),
    ],
)
def test_canonical_forms(function, text, expected):
    assert function(text) == expected


@pytest.mark.parametrize(
    "function, text, message",
    [
        (identifiers.resident_id_number, "1101051949123100", "18 characters"),
        (identifiers.resident_id_number, "11010519491231002Y", "18 characters"),
        (identifiers.mainland_mobile, "2380013800", "11-digit"),
        (identifiers.mainland_mobile, "", "11-digit"),
        (identifiers.contact_phone, "call me", "not allowed"),
        (identifiers.contact_phone, "+", "country code"),
        (identifiers.registration_number, "株式会社123", "not allowed"),
        (identifiers.registration_number, "A" * 65, "64"),
        (identifiers.sku, "", "empty"),
        (identifiers.sku, "-ABC", "start with"),
        (identifiers.sku, "AB#1", "not allowed"),
        (identifiers.sku, "A" * 65, "64"),
        (identifiers.waybill_number, "SF1", "6 to 40"),
        (identifiers.country_code, "ZZ", "ZZ is not"),
        (identifiers.country_code, "JPN", "JPN is not"),
        (identifiers.country_code, "J" * 5000, "JJJJJJJJ… is not"),
        (identifiers.country_code, "", "empty"),
    ],
)
def test_refusals_say_why(function, text, message):
    with pytest.raises(InvalidIdentifier) as caught:
        function(text)
    assert message in str(caught.value)


def test_repair_digits_is_for_migrations_only():
    assert identifiers.repair_digits("11010\u0665") == "110105"
    assert (
        identifiers.repaired(identifiers.resident_id_number, "11010\u066519491231002x")
        == "11010519491231002X"
    )
    assert identifiers.repaired(identifiers.resident_id_number, "not a number") is None


# --- properties ------------------------------------------------------------------------------------

FUNCTIONS = [
    identifiers.resident_id_number,
    identifiers.mainland_mobile,
    identifiers.contact_phone,
    identifiers.registration_number,
    identifiers.registration_number_key,
    identifiers.sku,
    identifiers.waybill_number,
    identifiers.country_code,
]
# Text that often is an identifier: ASCII and full-width digits, other scripts' digits, letters,
# separators, spaces and invisible characters, plus anything at all.
LIKELY = st.text(
    alphabet=st.sampled_from(
        list("0123456789Xx+-./ ()AB")
        + [chr(0xFF10 + d) for d in range(10)]
        + [chr(zero + d) for zero in OTHER_SCRIPTS.values() for d in (0, 5, 9)]
        + ["\u00a0", "\u3000", "\u200b", "\ufeff", "\t", "\u2013", "Ｘ"]
    ),
    max_size=24,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(function=st.sampled_from(FUNCTIONS), text=st.one_of(LIKELY, st.text(max_size=30)))
def test_canonical_forms_are_ascii_and_idempotent(function, text):
    try:
        canonical = function(text)
    except InvalidIdentifier:
        return
    assert canonical.isascii()
    assert canonical == canonical.strip()
    assert function(canonical) == canonical


@settings(max_examples=200, deadline=None)
@given(
    digits=st.lists(st.integers(0, 9), min_size=17, max_size=17), script=st.sampled_from(list(OTHER_SCRIPTS))
)
def test_no_spelling_of_an_id_number_gives_another_canonical_number(digits, script):
    """Whatever script the digits are typed in, the result is the ASCII number or a refusal."""
    ascii_number = "".join(map(str, digits)) + "X"
    zero = OTHER_SCRIPTS[script]
    for spelling in (ascii_number, "".join(chr(zero + d) for d in digits) + "X"):
        try:
            assert identifiers.resident_id_number(spelling) == ascii_number
        except InvalidIdentifier:
            assert spelling != ascii_number
