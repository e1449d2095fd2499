"""Waybill numbers: published examples of each check-digit rule, round trips, refusals, canonical input."""

import random

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.waybills import (
    InvalidWaybill,
    WaybillFormat,
    dhl_check_digit,
    s10_check_digit,
    tnt_check_digit,
    waybill_canonical,
    waybill_check,
    waybill_new,
)
from marketplace.errors import DomainError


@pytest.fixture(autouse=True)
def _english():
    """The messages are matched in English; the site's default language is Chinese."""
    with translation.override("en"):
        yield


# Published S10 numbers, each with its source. Together they reach every branch of the rule:
# C = 11 - S mod 11 plain, C = 11 -> 5, and (through TNT, which uses the same rule) C = 10 -> 0.
S10_PUBLISHED = [
    # Wikipedia, "S10 (UPU standard)", worked example: 47312482, S = 200, C = 9.
    ("RR473124829GB", "47312482", 9),
    # Wikipedia, "S10 (UPU standard)", caption of the illustrated label: RR 28704377 5 IN
    # (S = 231, 231 mod 11 = 0, C = 11 -> 5).
    ("RR287043775IN", "28704377", 5),
    # npm package "s10" 1.0.0 README (catcher-in-the-try/s10): EB000717618HK, check digit 8.
    ("EB000717618HK", "00071761", 8),
    # jkeen/tracking_number_data, couriers/s10.json, valid test numbers.
    ("RB123456785GB", "12345678", 5),
    ("RB123456785US", "12345678", 5),
]

# jkeen/tracking_number_data, couriers/dhl.json: DHL Express test numbers ("mod7" checksum).
DHL_PUBLISHED_VALID = ["3318810025", "8487135506", "1099255990", "3821724944", "3318810036", "3318810014"]
DHL_PUBLISHED_INVALID = ["3318810010", "3318810034", "3318810011"]

# PyPI "modulus11" 0.1 (TNT consignment check digit), doctests: 18392825 -> 2, 48025347 -> 0.
TNT_PUBLISHED = [("183928252", "18392825", 2), ("480253470", "48025347", 0)]


@pytest.mark.parametrize(("number", "serial", "check"), S10_PUBLISHED)
def test_s10_check_digit_matches_published_numbers(number, serial, check):
    assert s10_check_digit(serial) == check
    assert waybill_check(number) == WaybillFormat.S10
    assert waybill_check(number, WaybillFormat.S10) == WaybillFormat.S10


def test_s10_rule_maps_ten_to_zero_and_eleven_to_five():
    # 48025347: S = 199, 199 mod 11 = 1, C = 10 -> 0 (the TNT doctest's serial, same rule).
    assert s10_check_digit("48025347") == 0
    # 28704377: S = 231, 231 mod 11 = 0, C = 11 -> 5.
    assert s10_check_digit("28704377") == 5
    assert waybill_check("EE480253470CN") == WaybillFormat.S10


@pytest.mark.parametrize("number", DHL_PUBLISHED_VALID)
def test_dhl_published_numbers_validate(number):
    assert dhl_check_digit(number[:9]) == int(number[9])
    assert waybill_check(number) == WaybillFormat.DHL


@pytest.mark.parametrize("number", DHL_PUBLISHED_INVALID)
def test_dhl_published_invalid_numbers_are_refused(number):
    with pytest.raises(InvalidWaybill, match="check digit"):
        waybill_check(number, WaybillFormat.DHL)


@pytest.mark.parametrize(("number", "serial", "check"), TNT_PUBLISHED)
def test_tnt_check_digit_matches_published_examples(number, serial, check):
    assert tnt_check_digit(serial) == check
    assert waybill_check(number) == WaybillFormat.TNT


def test_sf_has_no_check_digit_any_thirteen_digits_pass():
    assert waybill_check("SF1234567890123") == WaybillFormat.SF
    assert waybill_check("SF0000000000000") == WaybillFormat.SF


@pytest.mark.parametrize(
    "number",
    [
        "RR473124828GB",  # S10, check digit off by one
        "RB123456786US",  # tracking_number_data's invalid S10 test number
        "EB900717618HK",  # s10 README's invalid example
        "3318810026",  # DHL
        "183928253",  # TNT
    ],
)
def test_a_wrong_check_digit_is_refused_with_a_human_message(number):
    with pytest.raises(InvalidWaybill) as caught:
        waybill_check(number)
    assert "check digit" in str(caught.value)
    assert caught.value.code == "invalid_waybill"
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, DomainError)


@pytest.mark.parametrize(
    ("number", "fmt", "fragment"),
    [
        ("RB123456785XX", None, "XX"),  # not a country code (tracking_number_data's invalid test)
        ("RB12345678GB", None, "none of the formats"),
        ("HELLO-WORLD-1", None, "none of the formats"),
        ("SF123456789012", WaybillFormat.SF, "SF followed by 13 digits"),
        ("3318810025", WaybillFormat.S10, "two letters, eight digits"),
        ("RR473124829GB", WaybillFormat.DHL, "10 digits"),
        ("3318810025", WaybillFormat.TNT, "9 digits"),
        ("", None, "6 to 40"),
        ("EE12345678５CN\u0663", None, "digit"),  # an Arabic-Indic digit is refused, by name
    ],
)
def test_malformed_numbers_are_refused(number, fmt, fragment):
    with pytest.raises(InvalidWaybill, match=fragment):
        waybill_check(number, fmt)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("rr473124829gb", "RR473124829GB"),
        ("RR 4731 2482 9 GB", "RR473124829GB"),
        ("ＲＲ４７３１２４８２９ＧＢ", "RR473124829GB"),  # full-width, as a Chinese input method types it
        ("ee-480-253-470-cn", "EE480253470CN"),
        ("sf 1234 5678 90123", "SF1234567890123"),
        ("３３１８８１００２５", "3318810025"),
        ("183\u200b928\u00a0252", "183928252"),  # zero-width space and no-break space
    ],
)
def test_input_is_canonicalised(typed, canonical):
    assert waybill_canonical(typed) == canonical
    waybill_check(typed)


def test_the_message_is_in_the_shoppers_language():
    with translation.override("zh-hans"), pytest.raises(InvalidWaybill) as caught:
        waybill_check("RR473124828GB")
    assert "校验位" in str(caught.value)


@pytest.mark.parametrize("fmt", list(WaybillFormat))
def test_every_format_round_trips(fmt):
    number = waybill_new(fmt, origin_country="JP")
    assert waybill_check(number) == fmt
    assert waybill_check(number, fmt) == fmt
    assert waybill_canonical(number) == number


def test_s10_numbers_carry_the_service_indicator_and_origin_country():
    assert waybill_new(WaybillFormat.S10, origin_country="hk", service_indicator="cp").startswith("CP")
    number = waybill_new("s10", origin_country="hk", service_indicator="cp")
    assert number[:2] == "CP" and number[-2:] == "HK" and len(number) == 13
    default = waybill_new(WaybillFormat.S10, origin_country="KR")
    assert default[:2] == "EE" and default.endswith("KR")


def test_generation_is_reproducible_with_an_rng_and_random_without():
    first = waybill_new(WaybillFormat.DHL, origin_country="DE", rng=random.Random(7))
    second = waybill_new(WaybillFormat.DHL, origin_country="DE", rng=random.Random(7))
    assert first == second
    numbers = {waybill_new(WaybillFormat.S10, origin_country="CN") for _ in range(50)}
    assert len(numbers) == 50


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"fmt": WaybillFormat.S10, "origin_country": "ZZ"}, InvalidWaybill),
        ({"fmt": WaybillFormat.S10, "origin_country": "JP", "service_indicator": "E1"}, InvalidWaybill),
        ({"fmt": WaybillFormat.S10, "origin_country": "JP", "service_indicator": "EEE"}, InvalidWaybill),
        ({"fmt": WaybillFormat.DHL, "origin_country": "DE", "service_indicator": "EE"}, ValueError),
        ({"fmt": "ups", "origin_country": "US"}, ValueError),
    ],
)
def test_bad_generation_arguments_are_refused(kwargs, error):
    fmt = kwargs.pop("fmt")
    with pytest.raises(error):
        waybill_new(fmt, **kwargs)


@pytest.mark.parametrize(
    ("function", "serial"), [(s10_check_digit, "1234567"), (dhl_check_digit, "12345678a")]
)
def test_check_digit_functions_refuse_a_serial_of_the_wrong_shape(function, serial):
    with pytest.raises(InvalidWaybill):
        function(serial)


@settings(max_examples=300, deadline=None)
@given(
    fmt=st.sampled_from(list(WaybillFormat)),
    country=st.sampled_from(["CN", "HK", "JP", "KR", "US", "DE", "AU", "GB"]),
    service=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    rng=st.randoms(use_true_random=False),
)
def test_every_generated_number_validates(fmt, country, service, rng):
    number = waybill_new(
        fmt, origin_country=country, service_indicator=service if fmt == WaybillFormat.S10 else "", rng=rng
    )
    assert waybill_check(number) == fmt
    assert waybill_canonical(number.lower()) == number


@settings(max_examples=200, deadline=None)
@given(serial=st.text(alphabet="0123456789", min_size=8, max_size=8), wrong=st.integers(1, 9))
def test_changing_the_check_digit_is_always_caught(serial, wrong):
    check = s10_check_digit(serial)
    bad = f"EE{serial}{(check + wrong) % 10}CN"
    with pytest.raises(InvalidWaybill):
        waybill_check(bad)
