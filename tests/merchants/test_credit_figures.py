"""The credit figures (docs/rules.md, "The credit page"): every figure equals the one computed here,
in plain Python over the fixture lists, from the same records; the pages and the API show them; the
credit page and the staff list keep a constant number of queries as stores and records grow."""

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    AfterSalesCaseFactory,
    CategoryFactory,
    ConversationFactory,
    CreditOrderFactory,
    MerchantFactory,
    MessageFactory,
    ProductFactory,
    StaffFactory,
    StoreRatingFactory,
    UserFactory,
    ViolationKindFactory,
)

pytestmark = pytest.mark.django_db


def half_up(x: Fraction, places: int) -> Decimal:
    """Round half away from zero, by integers (not the selector's Decimal code)."""
    scaled = abs(x) * 10**places
    n = math.floor(scaled + Fraction(1, 2))
    return Decimal(-n if x < 0 else n).scaleb(-places)


@dataclass
class Rating:
    store: str
    description: int
    service: int
    logistics: int
    days_ago: int


@dataclass
class OrderRec:
    store: str
    paid_days_ago: float | None  # None: never paid


@dataclass
class CaseRec:
    store: str
    outcome: str  # "full", "partial", "rejected", "" (not decided)
    decided_days_ago: int | None


@dataclass
class Reply:
    store: str
    side: str
    seconds: int | None
    days_ago: int


@dataclass
class ViolationRec:
    store: str
    points: int
    year_offset: int  # 0: this year, -1: last year


# --- the fixture records ---------------------------------------------------------------------------

# Main categories, by hand from the products below: X has 2 published in A (one in A's child) and 1 in
# B, plus 3 drafts in B (drafts do not count); Y 1 in A; Z 2 in B; T 1 in A and 1 in B (a tie: B is
# first in the tree, position 0); W publishes nothing (compared with every store).
MAIN = {"X": "A", "Y": "A", "Z": "B", "T": "B", "W": None}

RATINGS = [
    Rating("X", 5, 4, 3, 1),
    Rating("X", 4, 5, 5, 10),
    Rating("X", 5, 5, 4, 100),
    Rating("X", 3, 4, 4, 179),
    Rating("X", 1, 1, 1, 200),  # outside the 180 days
    Rating("Y", 2, 3, 2, 5),  # Y: two ratings only, below the minimum, but they count for category A
    Rating("Y", 3, 3, 3, 6),
    Rating("Z", 5, 5, 5, 2),
    Rating("Z", 4, 4, 5, 3),
    Rating("Z", 4, 3, 5, 4),
    Rating("Z", 2, 2, 2, 190),  # outside
    Rating("W", 3, 5, 4, 7),
    Rating("W", 4, 4, 4, 8),
    Rating("W", 5, 2, 1, 9),
]

ORDERS = [
    *[OrderRec("X", d) for d in (0.5, 3, 15, 30, 45, 60, 75, 89)],
    OrderRec("X", 91),  # outside the 90 days
    OrderRec("X", 150),
    OrderRec("X", None),  # never paid
    *[OrderRec("Y", d) for d in (2, 40)],
    *[OrderRec("Z", d) for d in (1, 2, 3, 4, 5, 6, 7)],
    OrderRec("W", 95),
]

CASES = [
    CaseRec("X", "full", 10),
    CaseRec("X", "partial", 20),
    CaseRec("X", "rejected", 5),  # decided for the store
    CaseRec("X", "full", 120),  # outside the 90 days
    CaseRec("X", "", None),  # open or settled without arbitration
    CaseRec("Y", "rejected", 3),
    CaseRec("Z", "partial", 1),
    CaseRec("W", "full", 2),
]

REPLIES = [
    Reply("X", "merchant", 120, 1),
    Reply("X", "merchant", 600, 20),
    Reply("X", "merchant", 30, 40),
    Reply("X", "merchant", 3600, 80),
    Reply("X", "merchant", 5, 100),  # outside the 90 days
    Reply("X", "merchant", None, 2),  # a later reply: not timed
    Reply("X", "shopper", None, 2),
    Reply("Y", "merchant", 50, 1),  # Y: two replies, below the minimum
    Reply("Y", "merchant", 70, 2),
    Reply("Z", "merchant", 100, 1),
    Reply("Z", "merchant", 301, 2),
    Reply("Z", "merchant", 200, 3),
    Reply("W", "merchant", 10, 1),
    Reply("W", "merchant", 21, 2),
    Reply("W", "merchant", 5, 3),
    Reply("W", "merchant", 40, 4),  # even count: (10 + 21) / 2 = 15.5 -> 16
]

VIOLATIONS = [
    ViolationRec("X", 6, 0),
    ViolationRec("X", 8, 0),
    ViolationRec("X", 30, -1),  # last year: reset
    ViolationRec("Z", 2, 0),
]

APPROVED_DAYS_AGO = {"X": 400, "Y": 30, "Z": 1000, "T": 3, "W": 60}

# Shipping (on-time rate): X's orders with a ship-by time, as (paid days ago, shipped hours after
# payment or None); ship-by is 120 hours after payment.
SHIPPING_X = [(10, 24), (20, 130), (30, 100), (2, None), (60, None), (100, 10)]


@pytest.fixture
def world(rates):
    now = timezone.now()
    ago = lambda days: now - timedelta(days=days)  # noqa: E731
    cat_a = CategoryFactory(slug="cat-a", name_en="Beauty", position=1)
    cat_a1 = CategoryFactory(slug="cat-a1", name_en="Skin care", parent=cat_a, position=0)
    cat_b = CategoryFactory(slug="cat-b", name_en="Food", position=0)
    cats = {"A": cat_a, "B": cat_b}
    stores = {
        key: MerchantFactory(slug=f"credit-{key.lower()}", name_en=f"Store {key}", approved_at=ago(days))
        for key, days in APPROVED_DAYS_AGO.items()
    }
    for store, category, publish in [
        ("X", cat_a1, True),
        ("X", cat_a, True),
        ("X", cat_b, True),
        ("X", cat_b, False),
        ("X", cat_b, False),
        ("X", cat_b, False),
        ("Y", cat_a, True),
        ("Z", cat_b, True),
        ("Z", cat_b, True),
        ("T", cat_a, True),
        ("T", cat_b, True),
    ]:
        ProductFactory(merchant=stores[store], category=category, publish=publish)

    orders = list(ORDERS)  # every order row made, including those under ratings and cases

    def order(store, paid_days_ago, **fields):
        orders.append(OrderRec(store, paid_days_ago))
        return CreditOrderFactory(merchant=stores[store], paid_at=ago(paid_days_ago), **fields)

    for o in ORDERS:
        CreditOrderFactory(
            merchant=stores[o.store],
            paid_at=None if o.paid_days_ago is None else ago(o.paid_days_ago),
            status="paid" if o.paid_days_ago is not None else "pending_payment",
        )
    for r in RATINGS:
        StoreRatingFactory(
            order=order(r.store, r.days_ago + 20, status="completed"),
            description=r.description,
            service=r.service,
            logistics=r.logistics,
            created_at=ago(r.days_ago),
        )
    for c in CASES:
        decided = None if c.decided_days_ago is None else ago(c.decided_days_ago)
        AfterSalesCaseFactory(
            order=order(c.store, (c.decided_days_ago or 1) + 5, status="completed"),
            outcome=c.outcome,
            decided_at=decided,
            status="refunded" if c.outcome in ("full", "partial") else "closed",
        )
    for paid, shipped in SHIPPING_X:
        paid_at = ago(paid)
        fields = {"ship_by": paid_at + timedelta(hours=120)}
        if shipped is not None:
            fields |= {"shipped_at": paid_at + timedelta(hours=shipped), "status": "shipped"}
        order("X", paid, **fields)
    for r in REPLIES:
        conversation = ConversationFactory(merchant=stores[r.store])
        MessageFactory(
            conversation=conversation, side=r.side, response_seconds=r.seconds, created_at=ago(r.days_ago)
        )
    kind = ViolationKindFactory(code="credit-test", name_en="Test", name_zh="测试", points=1)
    for v in VIOLATIONS:
        stores[v.store].violations.create(
            kind=kind,
            points=v.points,
            note="test",
            occurred_on=date(timezone.localdate(now).year + v.year_offset, 6, 1),
        )
    return {"now": now, "stores": stores, "cats": cats, "orders": orders}


# --- the figures computed here, independently -----------------------------------------------------


def expected(world, key):
    stores, orders = world["stores"], world["orders"]
    rated = [r for r in RATINGS if r.days_ago < 180]
    own = [r for r in rated if r.store == key]
    pool_stores = [s for s in stores if MAIN[key] is None or MAIN[s] == MAIN[key]]
    pool = [r for r in rated if r.store in pool_stores]
    scores = {}
    for score in ("description", "service", "logistics"):
        if len(own) < 3:
            scores[score] = (None, None, None)
            continue
        mine = Fraction(sum(getattr(r, score) for r in own), len(own))
        category = Fraction(sum(getattr(r, score) for r in pool), len(pool))
        scores[score] = (
            half_up(mine, 2),
            half_up(category, 2),
            half_up((mine - category) * 100 / category, 1),
        )

    paid = [o for o in orders if o.store == key and o.paid_days_ago is not None and o.paid_days_ago < 90]
    against = [
        c for c in CASES if c.store == key and c.outcome in ("full", "partial") and c.decided_days_ago < 90
    ]
    dispute = half_up(Fraction(100 * len(against), len(paid)), 2) if paid else None

    timed = sorted(
        r.seconds
        for r in REPLIES
        if r.store == key and r.side == "merchant" and r.seconds and r.days_ago < 90
    )
    if len(timed) >= 3:
        n = len(timed)
        middle = Fraction(timed[n // 2]) if n % 2 else Fraction(timed[n // 2 - 1] + timed[n // 2], 2)
        median = int(half_up(middle, 0))
    else:
        median = None

    points = sum(v.points for v in VIOLATIONS if v.store == key and v.year_offset == 0)
    return {
        "main": MAIN[key],
        "ratings_count": len(own),
        "scores": scores,
        "paid_orders": len(paid),
        "cases_against": len(against),
        "dispute_rate": dispute,
        "responses": len(timed),
        "median": median,
        "points": points,
        "days": APPROVED_DAYS_AGO[key],
    }


def expected_shipping_x():
    due = on_time = 0
    for paid, shipped in SHIPPING_X:
        if paid >= 90:
            continue
        if shipped is not None or paid * 24 > 120:  # shipped, or its ship-by time has passed
            due += 1
        if shipped is not None and shipped <= 120:
            on_time += 1
    return due, on_time, half_up(Fraction(100 * on_time, due), 1)


def test_every_figure_equals_the_one_computed_from_the_records(world):
    from merchants.credit import credit_figures

    stores = world["stores"]
    figures = credit_figures(stores.values(), now=world["now"])
    for key, store in stores.items():
        f, e = figures[store.pk], expected(world, key)
        assert (f.main_category and f.main_category.slug) == (e["main"] and world["cats"][e["main"]].slug), (
            key
        )
        assert f.ratings_count == e["ratings_count"], key
        for score in f.scores:
            assert (score.average, score.category_average, score.difference_percent) == e["scores"][
                score.key
            ], (
                key,
                score.key,
            )
        assert (f.paid_orders, f.cases_against, f.dispute_rate) == (
            e["paid_orders"],
            e["cases_against"],
            e["dispute_rate"],
        ), key
        assert (f.responses, f.median_response_seconds) == (e["responses"], e["median"]), key
        assert f.penalty.points == e["points"], key
        assert f.days_on_platform == e["days"], key
    due, on_time, rate = expected_shipping_x()
    x = figures[stores["X"].pk]
    assert (x.shipping.due, x.shipping.on_time, x.shipping.on_time_rate) == (due, on_time, rate)


def test_the_fixture_covers_each_rule(world):
    """The records above exercise what the rules say (so the comparison above means something)."""
    x, y, w = expected(world, "X"), expected(world, "Y"), expected(world, "W")
    assert x["ratings_count"] == 4 and y["ratings_count"] == 2  # the old rating left out; Y below minimum
    assert x["cases_against"] == 2 and x["paid_orders"] > 8  # rejected, old and undecided left out
    assert x["median"] == 360 and w["median"] == 16 and y["median"] is None
    assert expected(world, "T")["dispute_rate"] is None  # no order paid in the window
    assert x["points"] == 14  # warned (12), last year's 30 reset
    differences = {
        (key, score): values[2]
        for key in MAIN
        for score, values in expected(world, key)["scores"].items()
        if values[2] is not None
    }
    assert differences[("W", "description")] > 0 and differences[("W", "service")] < 0
    assert differences[("Z", "service")] == 0  # Z holds every rating of category B


def test_penalty_level_follows_the_points(world):
    from merchants.credit import credit_figures

    figures = credit_figures(world["stores"].values(), now=world["now"])
    thresholds = settings.MERCHANT_PENALTY_THRESHOLDS
    for key, store in world["stores"].items():
        points = expected(world, key)["points"]
        level = "warned" if thresholds["warn"] <= points < thresholds["suspend"] else "good"
        assert figures[store.pk].penalty.level == level, key


def test_the_credit_page_shows_each_figure(world, client):
    client.cookies["django_language"] = "en"  # the figures' wording is matched in English
    stores = world["stores"]
    e = expected(world, "X")
    page = client.get(f"/stores/{stores['X'].slug}/credit/").content.decode()
    for score, (average, category, difference) in e["scores"].items():
        found = re.search(
            rf'data-figure="score-{score}"><strong class="credit-score">([\d.]+)</strong>(.*?)</dd>',
            page,
            re.S,
        )
        assert found and Decimal(found.group(1)) == average, score
        assert str(category) in found.group(2) and str(abs(difference)) in found.group(2)
    assert re.search(rf'data-figure="dispute-rate">{re.escape(str(e["dispute_rate"]))} ', page)
    assert f'data-seconds="{e["median"]}"' in page
    assert "6 min" in page  # 360 seconds
    due, on_time, rate = expected_shipping_x()
    assert re.search(rf'data-figure="on-time-rate">{re.escape(str(rate))}%', page)
    assert "status--warned" in page

    page = client.get(f"/stores/{stores['Y'].slug}/credit/").content.decode()
    assert 'data-figure="ratings-none"' in page and 'data-figure="response-time"' not in page


def test_the_staff_list_sorts_by_each_figure(world, client):
    from merchants.credit import SORTS

    client.force_login(StaffFactory())
    stores = world["stores"]
    slug_of = {s.slug: k for k, s in stores.items()}

    def order(sort):
        page = client.get("/staff/stores/", {"sort": sort}).content.decode()
        return [slug_of[s] for s in re.findall(r'<tr data-store="([^"]+)"', page) if s in slug_of]

    disputes = {k: expected(world, k)["dispute_rate"] for k in stores}
    known = sorted(
        (k for k in stores if disputes[k] is not None), key=lambda k: (disputes[k], stores[k].slug)
    )
    unknown = sorted((k for k in stores if disputes[k] is None), key=lambda k: stores[k].slug)
    assert order("dispute") == known + unknown
    assert order("-dispute")[: len(known)] == sorted(known, key=lambda k: -disputes[k])
    medians = {k: expected(world, k)["median"] for k in stores}
    assert order("response")[:3] == sorted((k for k in stores if medians[k]), key=medians.get)
    assert order("-since")[0] == "T" and order("since")[0] == "Z"
    assert order("-penalty")[:2] == ["X", "Z"]  # warned (14 points), then 2 points
    for key in SORTS:
        for sort in (key, f"-{key}"):
            assert len(order(sort)) == len(stores), sort
    assert order("nonsense; drop table") == order("store")


def test_the_api_gives_the_same_figures(world, client):
    stores = world["stores"]
    e = expected(world, "X")
    data = client.get(f"/api/v1/stores/{stores['X'].slug}/credit/").json()
    assert data["main_category"]["slug"] == "cat-a"
    assert Decimal(data["description"]["average"]) == e["scores"]["description"][0]
    assert Decimal(data["dispute_rate"]) == e["dispute_rate"]
    assert data["median_response_seconds"] == e["median"]
    assert data["penalty_points"] == e["points"]
    assert client.get("/api/v1/stores/no-such-store/credit/").status_code == 404

    assert client.get("/api/v1/staff/stores/").status_code == 401
    client.force_login(UserFactory())
    assert client.get("/api/v1/staff/stores/").status_code == 403
    client.force_login(StaffFactory())
    body = client.get("/api/v1/staff/stores/", {"ordering": "-ratings", "page_size": 2}).json()
    assert body["count"] == len(stores)
    assert [r["store"] for r in body["results"]] == [
        stores["X"].slug,
        stores["W"].slug,
    ]  # W and Z tie at 3: slug order
    assert client.get("/api/v1/staff/stores/", {"ordering": "x" * 500}).status_code == 200
    assert client.get("/api/v1/staff/stores/", {"page": "999"}).status_code == 404


# --- query counts: constant as stores and records grow --------------------------------------------


def _grow(rates_count: int, stores_count: int):
    """More stores, each with orders, ratings, cases, replies and a violation."""
    now = timezone.now()
    kind = ViolationKindFactory(code="credit-grow", name_en="Grow", name_zh="增长", points=1)
    category = CategoryFactory()
    for _ in range(stores_count):
        store = MerchantFactory(approved_at=now - timedelta(days=50))
        ProductFactory(merchant=store, category=category)
        for i in range(rates_count):
            StoreRatingFactory(
                order=CreditOrderFactory(merchant=store, status="completed"), service=1 + i % 5
            )
            AfterSalesCaseFactory(
                order=CreditOrderFactory(merchant=store), outcome="full", decided_at=now, status="refunded"
            )
            MessageFactory(conversation=ConversationFactory(merchant=store), response_seconds=60 * (i + 1))
        store.violations.create(kind=kind, points=1, note="n", occurred_on=timezone.localdate())
    return store


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_credit_page_queries_do_not_grow(rates, client):
    store = _grow(1, 1)
    url = f"/stores/{store.slug}/credit/"
    small = _queries(client, url)
    _grow(4, 6)
    for _ in range(5):  # more records for the store itself
        StoreRatingFactory(order=CreditOrderFactory(merchant=store, status="completed"))
        MessageFactory(conversation=ConversationFactory(merchant=store), response_seconds=30)
    assert _queries(client, url) == small
    assert small <= 14


def test_staff_list_queries_do_not_grow(rates, client):
    client.force_login(StaffFactory())
    _grow(1, 2)
    small = _queries(client, "/staff/stores/?sort=-dispute")
    _grow(3, 8)
    assert _queries(client, "/staff/stores/?sort=-dispute") == small
    assert _queries(client, "/api/v1/staff/stores/?ordering=response") <= small + 2


def test_the_figures_of_many_stores_take_eight_queries(world, django_assert_num_queries):
    from merchants.credit import credit_figures

    stores = list(world["stores"].values())
    with django_assert_num_queries(8):
        credit_figures(stores)
    with django_assert_num_queries(8):
        credit_figures(stores[:1])
