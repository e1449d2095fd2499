"""Quotes: weight steps, zones, volume tiers at their boundaries, modes, the marks, rate-card changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics import quotes
from logistics.errors import InvalidParcelWeight, ParcelTooHeavy, ProviderNotOffered
from logistics.models import LogisticsProvider, ProviderZone, RateCard, Shipment, VolumeTier, ZoneRate
from marketplace.models import Product
from tests.factories import MerchantFactory, paid_order, shipment_for

DIRECT = Product.ShippingMode.DIRECT_MAIL
BONDED = Product.ShippingMode.BONDED


def make_provider(code, *, zones, first=500, step=500, direct=True, bonded=False, max_weight=30000, tiers=()):
    """`zones`: {code: (countries, first price, step price, days min, days max)}."""
    provider = LogisticsProvider.objects.create(
        code=code,
        name_zh=code,
        name_en=code.upper(),
        waybill_format="sf",
        serves_direct_mail=direct,
        serves_bonded=bonded,
        max_weight_grams=max_weight,
        callback_secret="s" * 32,
    )
    card = RateCard.objects.create(
        provider=provider,
        valid_from=timezone.now() - timedelta(days=30),
        first_weight_grams=first,
        step_grams=step,
    )
    for zone_code, (countries, first_price, step_price, dmin, dmax) in zones.items():
        zone = ProviderZone.objects.create(
            provider=provider, code=zone_code, name=zone_code, countries=countries
        )
        ZoneRate.objects.create(
            rate_card=card,
            zone=zone,
            first_weight_price=Decimal(first_price),
            step_price=Decimal(step_price),
            transit_days_min=dmin,
            transit_days_max=dmax,
        )
    for min_shipments, percent in tiers:
        VolumeTier.objects.create(
            rate_card=card, min_shipments=min_shipments, discount_percent=Decimal(percent)
        )
    return provider


@pytest.fixture
def carriers(db):
    """Only the test's own providers are enabled."""
    LogisticsProvider.objects.update(is_enabled=False)
    fast = make_provider(
        "fast",
        zones={"A": (["US", "CA"], "100", "30", 2, 4), "C": (["CN"], "15", "5", 1, 2)},
        bonded=True,
        tiers=[(3, "10"), (5, "20")],
    )
    cheap = make_provider("cheap", zones={"A": (["US"], "50", "10", 10, 20)}, max_weight=2000)
    asia = make_provider("asia", zones={"J": (["JP", "KR"], "40", "8", 3, 6)})
    return {"fast": fast, "cheap": cheap, "asia": asia}


def codes(result):
    return [q.provider.code for q in result]


@pytest.mark.parametrize(
    ("weight", "steps"),
    [(1, 0), (499, 0), (500, 0), (501, 1), (999, 1), (1000, 1), (1001, 2), (2000, 3)],
)
def test_weight_steps_just_under_at_and_over(carriers, weight, steps):
    merchant = MerchantFactory(country="US")
    quote = quotes.shipment_quote(
        merchant=merchant, shipping_mode=DIRECT, weight_grams=weight, provider_code="fast"
    )
    assert quote.additional_steps == steps
    assert quote.list_price == Decimal("100") + steps * Decimal("30")
    assert quote.price == quote.list_price


def test_zone_decides_the_price_and_who_is_offered(carriers):
    us = quotes.shipment_quotes(
        merchant=MerchantFactory(country="US"), shipping_mode=DIRECT, weight_grams=800
    )
    jp = quotes.shipment_quotes(
        merchant=MerchantFactory(country="JP"), shipping_mode=DIRECT, weight_grams=800
    )
    ca = quotes.shipment_quotes(
        merchant=MerchantFactory(country="CA"), shipping_mode=DIRECT, weight_grams=800
    )
    assert sorted(codes(us)) == ["cheap", "fast"]
    assert codes(jp) == ["asia"]
    assert codes(ca) == ["fast"]  # "cheap" has no zone holding Canada
    assert jp[0].list_price == Decimal("48")


def test_mode_bonded_ships_from_china_with_bonded_providers_only(carriers):
    result = quotes.shipment_quotes(
        merchant=MerchantFactory(country="JP"), shipping_mode=BONDED, weight_grams=800
    )
    assert codes(result) == ["fast"]
    assert result[0].zone.code == "C" and result[0].list_price == Decimal("20")
    with pytest.raises(ProviderNotOffered):
        quotes.shipment_quote(
            merchant=MerchantFactory(country="US"),
            shipping_mode=BONDED,
            weight_grams=800,
            provider_code="cheap",
        )


def test_disabled_provider_and_weight_limits(carriers):
    merchant = MerchantFactory(country="US")
    assert "cheap" not in codes(
        quotes.shipment_quotes(merchant=merchant, shipping_mode=DIRECT, weight_grams=2001)
    )
    assert "cheap" in codes(
        quotes.shipment_quotes(merchant=merchant, shipping_mode=DIRECT, weight_grams=2000)
    )
    with pytest.raises(ParcelTooHeavy):
        quotes.shipment_quote(
            merchant=merchant, shipping_mode=DIRECT, weight_grams=2001, provider_code="cheap"
        )
    carriers["cheap"].is_enabled = False
    carriers["cheap"].save()
    assert codes(quotes.shipment_quotes(merchant=merchant, shipping_mode=DIRECT, weight_grams=800)) == [
        "fast"
    ]
    with pytest.raises(ProviderNotOffered):
        quotes.shipment_quote(
            merchant=merchant, shipping_mode=DIRECT, weight_grams=800, provider_code="cheap"
        )


@pytest.mark.parametrize("weight", [0, -1, "", "abc", None, 100_001, 10**30])
def test_bad_weights_are_refused(carriers, weight):
    with pytest.raises(InvalidParcelWeight):
        quotes.shipment_quotes(
            merchant=MerchantFactory(country="US"), shipping_mode=DIRECT, weight_grams=weight
        )


@pytest.mark.parametrize(
    ("earlier", "percent"), [(0, "0"), (2, "0"), (3, "10"), (4, "10"), (5, "20"), (9, "20")]
)
def test_volume_tiers_at_their_boundaries(carriers, rates, earlier, percent):
    merchant = MerchantFactory(country="US")
    for _ in range(earlier):
        shipment_for(paid_order(merchant=merchant), provider_code="fast")
    quote = quotes.shipment_quote(
        merchant=merchant, shipping_mode=DIRECT, weight_grams=800, provider_code="fast"
    )
    assert quote.shipments_this_month == earlier
    assert quote.discount_percent == Decimal(percent)
    assert quote.price == (Decimal("130") * (100 - Decimal(percent)) / 100).quantize(Decimal("0.01"))


def test_last_months_shipments_do_not_count_for_the_tier(carriers, rates):
    merchant = MerchantFactory(country="US")
    for _ in range(3):
        shipment_for(paid_order(merchant=merchant), provider_code="fast")
    now = timezone.now()
    Shipment.objects.update(created_at=quotes.month_start(now) - timedelta(seconds=1))
    quote = quotes.shipment_quote(
        merchant=merchant, shipping_mode=DIRECT, weight_grams=800, provider_code="fast"
    )
    assert quote.shipments_this_month == 0 and quote.discount_percent == 0


def test_marks_and_sorting(carriers):
    merchant = MerchantFactory(country="US")
    result = quotes.shipment_quotes(merchant=merchant, shipping_mode=DIRECT, weight_grams=800)
    by_code = {q.provider.code: q for q in result}
    assert by_code["cheap"].is_cheapest and not by_code["fast"].is_cheapest
    assert by_code["fast"].is_fastest
    # fast: 130 + 10 x 4 days = 170; cheap: 60 + 10 x 20 days = 260.
    assert by_code["fast"].is_recommended
    assert codes(
        quotes.shipment_quotes(merchant=merchant, shipping_mode=DIRECT, weight_grams=800, sort="price")
    ) == [
        "cheap",
        "fast",
    ]
    assert codes(
        quotes.shipment_quotes(merchant=merchant, shipping_mode=DIRECT, weight_grams=800, sort="speed")
    ) == [
        "fast",
        "cheap",
    ]
    assert result[0].expected_from == timezone.localdate() + timedelta(days=2)
    assert result[0].expected_by == timezone.localdate() + timedelta(days=4)


def test_a_provider_with_a_poor_record_is_not_recommended(carriers, rates):
    merchant = MerchantFactory(country="US")
    late = timezone.localdate() - timedelta(days=1)
    for _ in range(quotes.ON_TIME_MIN_BASIS):
        shipment = shipment_for(paid_order(merchant=MerchantFactory(country="US")), provider_code="fast")
        Shipment.objects.filter(pk=shipment.pk).update(expected_from=late, expected_by=late)
    result = {
        q.provider.code: q
        for q in quotes.shipment_quotes(merchant=merchant, shipping_mode=DIRECT, weight_grams=800)
    }
    assert result["fast"].on_time_rate == 0 and result["fast"].on_time_basis == quotes.ON_TIME_MIN_BASIS
    assert result["cheap"].is_recommended and not result["fast"].is_recommended


def test_on_time_rate_counts_delivered_and_overdue_parcels(carriers, rates):
    now = timezone.now()
    on_time = shipment_for(paid_order(merchant=MerchantFactory(country="US")), provider_code="fast")
    Shipment.objects.filter(pk=on_time.pk).update(delivered_at=now, status="delivered")
    late = shipment_for(paid_order(merchant=MerchantFactory(country="US")), provider_code="fast")
    Shipment.objects.filter(pk=late.pk).update(delivered_at=now + timedelta(days=10), status="delivered")
    overdue = shipment_for(paid_order(merchant=MerchantFactory(country="US")), provider_code="fast")
    yesterday = timezone.localdate() - timedelta(days=1)
    Shipment.objects.filter(pk=overdue.pk).update(expected_from=yesterday, expected_by=yesterday)
    shipment_for(paid_order(merchant=MerchantFactory(country="US")), provider_code="fast")  # still on its way
    rate, basis = quotes.providers_on_time([carriers["fast"].pk])[carriers["fast"].pk]
    assert basis == 3 and rate == Decimal("0.3333")


def test_a_new_rate_card_leaves_existing_shipments_alone_and_applies_from_its_start(carriers, rates):
    merchant = MerchantFactory(country="US")
    shipment = shipment_for(paid_order(merchant=merchant), provider_code="fast")
    price_before = shipment.price
    card = RateCard.objects.create(
        provider=carriers["fast"],
        valid_from=timezone.now() + timedelta(hours=1),
        first_weight_grams=500,
        step_grams=500,
    )
    ZoneRate.objects.create(
        rate_card=card,
        zone=carriers["fast"].zones.get(code="A"),
        first_weight_price=Decimal("999"),
        step_price=Decimal("1"),
        transit_days_min=2,
        transit_days_max=4,
    )
    now_quote = quotes.shipment_quote(
        merchant=merchant, shipping_mode=DIRECT, weight_grams=800, provider_code="fast"
    )
    later = quotes.shipment_quote(
        merchant=merchant,
        shipping_mode=DIRECT,
        weight_grams=800,
        provider_code="fast",
        now=timezone.now() + timedelta(hours=2),
    )
    assert now_quote.list_price == Decimal("130")
    assert later.list_price == Decimal("1000") and later.rate_card == card
    shipment.refresh_from_db()
    assert shipment.price == price_before and shipment.rate_card != card


def test_the_seeded_carriers_quote_a_us_parcel(db):
    result = quotes.shipment_quotes(
        merchant=MerchantFactory(country="US"), shipping_mode=DIRECT, weight_grams=800
    )
    assert sorted(codes(result)) == ["china-post", "dhl-express", "ems", "sf-express", "tnt"]
    assert "hongkong-post" not in codes(result)  # Hong Kong and Macau only
    hk = quotes.shipment_quotes(
        merchant=MerchantFactory(country="HK"), shipping_mode=DIRECT, weight_grams=800
    )
    assert "hongkong-post" in codes(hk)
    bonded = quotes.shipment_quotes(
        merchant=MerchantFactory(country="US"), shipping_mode=BONDED, weight_grams=800
    )
    assert sorted(codes(bonded)) == ["china-post", "ems", "sf-express"]
