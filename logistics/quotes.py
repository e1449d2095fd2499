"""Quotes: what each enabled provider charges to carry one parcel, side by side (reads only).

Price = the zone's first-weight price + one step price per started step above the first weight, on the
provider's rate card in force; a volume discount by the merchant's shipments with that provider this
calendar month applies on top and is the one rounding point (half up, to the fen). The expected
delivery window is the ship date plus the zone's transit days (calendar days). The on-time rate is
measured on the platform's own records. docs/rules.md, "Quotes", says how the recommended quote is chosen.

A page of quotes costs a constant number of queries, whatever the number of providers or shipments.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from marketplace.models import Product

from .errors import InvalidParcelWeight, ParcelTooHeavy, ProviderNotOffered
from .models import LogisticsProvider, RateCard, Shipment, ZoneRate

CENT = Decimal("0.01")
# The recommended quote: lowest price plus this much per day of the slowest expected transit, among
# providers whose measured on-time rate is at least ON_TIME_FLOOR (or that have fewer than
# ON_TIME_MIN_BASIS parcels measured, so no record yet).
RECOMMEND_CNY_PER_DAY = Decimal("10")
ON_TIME_FLOOR = Decimal("0.80")
ON_TIME_MIN_BASIS = 20
SORTS = ("recommended", "price", "speed", "on_time")
PARCEL_WEIGHT_MAX_GRAMS = 100_000


@dataclass
class ShipmentQuote:
    provider: LogisticsProvider
    rate_card: RateCard
    zone_rate: ZoneRate
    weight_grams: int
    additional_steps: int
    list_price: Decimal
    discount_percent: Decimal
    price: Decimal
    shipments_this_month: int
    expected_from: date
    expected_by: date
    on_time_rate: Decimal | None = None
    on_time_basis: int = 0
    marks: set = field(default_factory=set)

    @property
    def zone(self):
        return self.zone_rate.zone

    @property
    def transit_days_min(self) -> int:
        return self.zone_rate.transit_days_min

    @property
    def transit_days_max(self) -> int:
        return self.zone_rate.transit_days_max

    @property
    def on_time_percent(self) -> Decimal | None:
        return None if self.on_time_rate is None else (self.on_time_rate * 100).quantize(Decimal("1"))

    @property
    def proven(self) -> bool:
        return self.on_time_basis >= ON_TIME_MIN_BASIS

    @property
    def score(self) -> Decimal:
        return self.price + RECOMMEND_CNY_PER_DAY * self.transit_days_max

    @property
    def is_cheapest(self) -> bool:
        return "cheapest" in self.marks

    @property
    def is_fastest(self) -> bool:
        return "fastest" in self.marks

    @property
    def is_recommended(self) -> bool:
        return "recommended" in self.marks


def origin_country(*, merchant, shipping_mode: str) -> str:
    """Where the parcel leaves from: a bonded warehouse in China ("CN"), else the store's country."""
    return "CN" if shipping_mode == Product.ShippingMode.BONDED else merchant.country


def check_weight(weight_grams) -> int:
    try:
        weight = int(weight_grams)
    except (TypeError, ValueError) as exc:
        raise InvalidParcelWeight(PARCEL_WEIGHT_MAX_GRAMS) from exc
    if not 1 <= weight <= PARCEL_WEIGHT_MAX_GRAMS:
        raise InvalidParcelWeight(PARCEL_WEIGHT_MAX_GRAMS)
    return weight


def parcel_list_price(rate_card: RateCard, zone_rate: ZoneRate, weight_grams: int) -> tuple[Decimal, int]:
    """(list price, additional steps): the first weight covers up to `first_weight_grams`; each
    started step above it costs one step price (1 g over a step boundary starts a new step)."""
    over = max(0, weight_grams - rate_card.first_weight_grams)
    steps = -(-over // rate_card.step_grams)
    return zone_rate.first_weight_price.amount + steps * zone_rate.step_price.amount, steps


def volume_discount(rate_card: RateCard, shipments_this_month: int) -> Decimal:
    """The discount of the highest tier the merchant has reached (tiers prefetched, ascending)."""
    percent = Decimal("0")
    for tier in rate_card.volume_tiers.all():
        if shipments_this_month >= tier.min_shipments:
            percent = tier.discount_percent
    return percent


def discounted(list_price: Decimal, percent: Decimal) -> Decimal:
    return (list_price * (100 - percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def rate_cards_in_force(provider_ids, now: datetime) -> dict[int, RateCard]:
    """Each provider's card with the latest start not after `now`, zone rates and tiers loaded."""
    cards = (
        RateCard.objects.filter(provider_id__in=provider_ids, valid_from__lte=now)
        .order_by("provider_id", "-valid_from")
        .prefetch_related(
            Prefetch("zone_rates", queryset=ZoneRate.objects.select_related("zone")), "volume_tiers"
        )
    )
    chosen: dict[int, RateCard] = {}
    for card in cards:
        chosen.setdefault(card.provider_id, card)
    return chosen


def providers_on_time(provider_ids, *, today: date | None = None) -> dict[int, tuple[Decimal | None, int]]:
    """provider id -> (on-time rate, parcels measured). A parcel counts once it is delivered or its
    expected window has passed; it is on time when delivered by the last day of its window."""
    today = today or timezone.localdate()
    rows = (
        Shipment.objects.filter(provider_id__in=provider_ids, kind=Shipment.Kind.OUTBOUND)
        .filter(Q(delivered_at__isnull=False) | Q(expected_by__lt=today))
        .values("provider_id")
        .annotate(
            basis=Count("id"),
            on_time=Count(
                "id", filter=Q(delivered_at__isnull=False, delivered_at__date__lte=F("expected_by"))
            ),
        )
    )
    result = {}
    for row in rows:
        rate = (Decimal(row["on_time"]) / row["basis"]).quantize(Decimal("0.0001")) if row["basis"] else None
        result[row["provider_id"]] = (rate, row["basis"])
    return result


def merchant_month_counts(merchant, provider_ids, now: datetime) -> dict[int, int]:
    rows = (
        Shipment.objects.filter(
            merchant=merchant,
            provider_id__in=provider_ids,
            kind=Shipment.Kind.OUTBOUND,
            created_at__gte=month_start(now),
        )
        .values("provider_id")
        .annotate(n=Count("id"))
    )
    return {row["provider_id"]: row["n"] for row in rows}


def _quote(provider, card, origin, weight, month_count, ship_date) -> ShipmentQuote | None:
    zone_rate = next((zr for zr in card.zone_rates.all() if origin in (zr.zone.countries or [])), None)
    if zone_rate is None:
        return None
    list_price, steps = parcel_list_price(card, zone_rate, weight)
    percent = volume_discount(card, month_count)
    return ShipmentQuote(
        provider=provider,
        rate_card=card,
        zone_rate=zone_rate,
        weight_grams=weight,
        additional_steps=steps,
        list_price=list_price,
        discount_percent=percent,
        price=discounted(list_price, percent),
        shipments_this_month=month_count,
        expected_from=ship_date + timedelta(days=zone_rate.transit_days_min),
        expected_by=ship_date + timedelta(days=zone_rate.transit_days_max),
    )


def _mark(quotes: list[ShipmentQuote]) -> None:
    if not quotes:
        return
    min(quotes, key=lambda q: (q.price, q.transit_days_max)).marks.add("cheapest")
    min(quotes, key=lambda q: (q.transit_days_max, q.transit_days_min, q.price)).marks.add("fastest")
    eligible = [q for q in quotes if not q.proven or q.on_time_rate >= ON_TIME_FLOOR] or quotes
    min(eligible, key=lambda q: (q.score, -(q.on_time_rate or 0), q.price)).marks.add("recommended")


def _sort_key(sort: str):
    if sort == "price":
        return lambda q: (q.price, q.transit_days_max)
    if sort == "speed":
        return lambda q: (q.transit_days_max, q.transit_days_min, q.price)
    if sort == "on_time":
        return lambda q: (-(q.on_time_rate if q.on_time_rate is not None else -1), -q.on_time_basis, q.price)
    return lambda q: (not q.is_recommended, q.score, q.price)


def shipment_quotes(
    *, merchant, shipping_mode: str, weight_grams, now: datetime | None = None, sort: str = "recommended"
) -> list[ShipmentQuote]:
    """Every enabled provider that serves the route (an origin zone holding the parcel's origin on
    its rate card in force) and the shipping mode, and takes the weight; marked and sorted.
    Raises `InvalidParcelWeight` for a weight outside 1 g to 100 kg."""
    now = now or timezone.now()
    weight = check_weight(weight_grams)
    origin = origin_country(merchant=merchant, shipping_mode=shipping_mode)
    providers = [
        p
        for p in LogisticsProvider.objects.filter(is_enabled=True).order_by("code")
        if p.serves_mode(shipping_mode) and weight <= p.max_weight_grams
    ]
    ids = [p.pk for p in providers]
    cards = rate_cards_in_force(ids, now)
    counts = merchant_month_counts(merchant, ids, now)
    on_time = providers_on_time(ids, today=timezone.localdate(now))
    ship_date = timezone.localdate(now)
    quotes = []
    for provider in providers:
        card = cards.get(provider.pk)
        if card is None:
            continue
        quote = _quote(provider, card, origin, weight, counts.get(provider.pk, 0), ship_date)
        if quote is None:
            continue
        quote.on_time_rate, quote.on_time_basis = on_time.get(provider.pk, (None, 0))
        quotes.append(quote)
    _mark(quotes)
    return sorted(quotes, key=_sort_key(sort if sort in SORTS else "recommended"))


def shipment_quote(
    *, merchant, shipping_mode: str, weight_grams, provider_code: str, now=None
) -> ShipmentQuote:
    """One provider's quote, or a clear refusal: unknown or disabled, not serving the mode or the route,
    or the parcel over its weight limit."""
    now = now or timezone.now()
    weight = check_weight(weight_grams)
    provider = LogisticsProvider.objects.filter(code=str(provider_code)[:40], is_enabled=True).first()
    if provider is None:
        raise ProviderNotOffered(provider_code)
    if not provider.serves_mode(shipping_mode):
        raise ProviderNotOffered(provider.name)
    if weight > provider.max_weight_grams:
        raise ParcelTooHeavy(provider.name, provider.max_weight_grams, weight)
    card = rate_cards_in_force([provider.pk], now).get(provider.pk)
    origin = origin_country(merchant=merchant, shipping_mode=shipping_mode)
    month_count = merchant_month_counts(merchant, [provider.pk], now).get(provider.pk, 0)
    quote = card and _quote(provider, card, origin, weight, month_count, timezone.localdate(now))
    if not quote:
        raise ProviderNotOffered(provider.name)
    quote.on_time_rate, quote.on_time_basis = providers_on_time(
        [provider.pk], today=timezone.localdate(now)
    ).get(provider.pk, (None, 0))
    return quote
