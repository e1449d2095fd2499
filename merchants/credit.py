"""The store credit figures, computed from the records (docs/rules.md, "The credit page").

`credit_figures(merchants)` computes every figure for any number of stores in a fixed number of
queries (eight on PostgreSQL and SQLite alike, whatever the number of stores, orders, ratings, cases
or messages): the public credit page asks for one store, the staff list of stores for all of them.

Every figure is kept exact (integers, `Fraction`) until the end and rounded once, half up, when the
`CreditFigures` is built: averages to two decimals, percentages to one or two, the median response
time to whole seconds.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Merchant, Violation

# The windows and minimums (docs/rules.md, "The credit page").
RATINGS_WINDOW_DAYS = 180  # store ratings given in the last 180 days (Tmall's DSR window)
DISPUTE_WINDOW_DAYS = 90  # cases decided, and orders paid, in the last 90 days
RESPONSE_WINDOW_DAYS = 90  # store replies sent in the last 90 days
MIN_RATINGS = 3  # fewer ratings than this: "not enough ratings yet"
MIN_RESPONSES = 3  # fewer timed replies than this: "not enough conversations yet"

SCORES = ("description", "service", "logistics")
SCORE_LABELS = {
    "description": _("Item as described"),
    "service": _("Service"),
    "logistics": _("Logistics"),
}


def _round(value: Fraction, places: str) -> Decimal:
    """The one rounding point: an exact fraction to `places` ("0.01"), half up."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Score:
    """One of the three store scores (1 to 5) against its category's average. All None when the store
    has fewer than `MIN_RATINGS` ratings in the window."""

    key: str
    average: Decimal | None
    category_average: Decimal | None
    difference_percent: Decimal | None  # (store - category) / category x 100, one decimal

    @property
    def label(self):
        return SCORE_LABELS[self.key]

    @property
    def comparison(self) -> str:
        """Against the category average: "higher", "lower" or "equal" (the page's arrow)."""
        if self.difference_percent is None:
            return ""
        if self.difference_percent > 0:
            return "higher"
        if self.difference_percent < 0:
            return "lower"
        return "equal"


@dataclass(frozen=True)
class CreditFigures:
    """Everything the credit page and the staff list of stores show about one store."""

    merchant: Merchant
    main_category: object  # marketplace.Category (top level) or None: the store publishes nothing
    ratings_count: int
    scores: tuple[Score, ...]
    shipping: object  # logistics.selectors.ShippingNumbers (on-time rate, average time to ship)
    paid_orders: int  # orders paid in the dispute window
    cases_against: int  # cases decided against the store in the dispute window
    dispute_rate: Decimal | None  # per 100 orders, two decimals; None without paid orders
    responses: int  # timed first replies in the response window
    median_response_seconds: int | None  # None below MIN_RESPONSES
    penalty: object  # merchants.selectors.PenaltyStatus
    now: datetime

    @property
    def enough_ratings(self) -> bool:
        return self.ratings_count >= MIN_RATINGS

    @property
    def score(self) -> dict:
        return {s.key: s for s in self.scores}

    @property
    def on_platform_since(self):
        return self.merchant.approved_at

    @property
    def days_on_platform(self) -> int | None:
        if self.merchant.approved_at is None:
            return None
        return max((self.now - self.merchant.approved_at).days, 0)

    @property
    def median_response_text(self) -> str:
        """The median reply time in words ("12 min", "3 h 5 min"), in the page's language."""
        seconds = self.median_response_seconds
        if seconds is None:
            return ""
        if seconds < 60:
            return gettext("%(seconds)s seconds") % {"seconds": seconds}
        minutes = int(_round(Fraction(seconds, 60), "1"))
        if minutes < 60:
            return gettext("%(minutes)s min") % {"minutes": minutes}
        return gettext("%(hours)s h %(minutes)s min") % {"hours": minutes // 60, "minutes": minutes % 60}


class _Median(Aggregate):
    """PostgreSQL's exact median: `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _median(values: list[int]) -> Fraction:
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return Fraction(values[middle])
    return Fraction(values[middle - 1] + values[middle], 2)


# --- the pieces, each one query for every store -----------------------------------------------------


def _categories():
    """(the categories in tree order, {category id: its top-level category id}): one query."""
    from marketplace.models import Category

    categories = list(Category.objects.order_by("position", "slug"))
    parent = {c.pk: c.parent_id for c in categories}
    top = {}
    for c in categories:
        node, seen = c.pk, set()
        while parent.get(node) is not None and node not in seen:
            seen.add(node)
            node = parent[node]
        top[c.pk] = node
    return categories, top


def main_categories() -> dict[int, object]:
    """{merchant id: its main category}, for every store that publishes something: the top-level
    category holding most of its published products; a tie goes to the category listed first in
    the tree (position, then slug). Two queries."""
    from marketplace.models import Product

    categories, top = _categories()
    by_id = {c.pk: c for c in categories}
    rank = {c.pk: i for i, c in enumerate(categories)}
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Product.objects.filter(status=Product.Status.PUBLISHED)
        .order_by()
        .values_list("merchant_id", "category_id")
        .annotate(n=Count("pk"))
    )
    for merchant_id, category_id, n in rows:
        counts[merchant_id][top.get(category_id, category_id)] += n
    return {
        merchant_id: by_id[min(per_top, key=lambda pk: (-per_top[pk], rank.get(pk, 0)))]
        for merchant_id, per_top in counts.items()
    }


def _rating_sums(since) -> dict[int, dict]:
    """{merchant id: {"n": count, "description": sum, ...}} of every store's ratings since `since`."""
    from orders.reviews.models import StoreRating

    rows = (
        StoreRating.objects.filter(created_at__gte=since)
        .order_by()
        .values("merchant_id")
        .annotate(n=Count("pk"), **{key: Sum(key) for key in SCORES})
    )
    return {row.pop("merchant_id"): row for row in rows}


def _paid_orders(merchant_ids, since) -> dict[int, int]:
    from orders.models import Order

    rows = (
        Order.objects.filter(merchant_id__in=merchant_ids, paid_at__isnull=False, paid_at__gte=since)
        .order_by()
        .values_list("merchant_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def _cases_against(merchant_ids, since) -> dict[int, int]:
    from orders.cases.models import AfterSalesCase

    against = (AfterSalesCase.Outcome.FULL, AfterSalesCase.Outcome.PARTIAL)
    rows = (
        AfterSalesCase.objects.filter(
            merchant_id__in=merchant_ids, outcome__in=against, decided_at__gte=since
        )
        .order_by()
        .values_list("merchant_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def _responses(merchant_ids, since) -> dict[int, tuple[int, Fraction | None]]:
    """{merchant id: (timed replies, exact median seconds)}. PostgreSQL computes the median in the
    database; elsewhere the values are read (one query) and the median taken here. Same answer."""
    from orders.conversations.models import Message

    messages = Message.objects.filter(
        conversation__merchant_id__in=merchant_ids,
        side=Message.Side.MERCHANT,
        response_seconds__isnull=False,
        created_at__gte=since,
    ).order_by()
    if connection.vendor == "postgresql":
        rows = messages.values("conversation__merchant_id").annotate(
            n=Count("pk"), median=_Median("response_seconds")
        )
        # percentile_cont of integers is an integer or a half: exact in a double.
        return {row["conversation__merchant_id"]: (row["n"], Fraction(row["median"])) for row in rows}
    values = defaultdict(list)
    for merchant_id, seconds in messages.values_list("conversation__merchant_id", "response_seconds"):
        values[merchant_id].append(seconds)
    return {merchant_id: (len(v), _median(v)) for merchant_id, v in values.items()}


def _penalty_points(merchant_ids, year) -> dict[int, int]:
    rows = (
        Violation.objects.filter(merchant_id__in=merchant_ids, occurred_on__year=year)
        .order_by()
        .values_list("merchant_id")
        .annotate(total=Sum("points"))
    )
    return dict(rows)


# --- the figures ----------------------------------------------------------------------------------------


def credit_figures(merchants, *, now=None) -> dict[int, CreditFigures]:
    """{merchant id: CreditFigures} for `merchants` (Merchant rows), in eight queries whatever their
    number (the category averages read every store's ratings: they compare with all stores)."""
    from logistics.selectors import shipping_numbers_by_merchant

    from .selectors import penalty_status

    now = now or timezone.now()
    merchants = list(merchants)
    ids = [m.pk for m in merchants]
    if not ids:
        return {}
    mains = main_categories()  # 2 queries
    sums = _rating_sums(now - timedelta(days=RATINGS_WINDOW_DAYS))  # 1
    shipping = shipping_numbers_by_merchant(ids, now=now)  # 1
    dispute_since = now - timedelta(days=DISPUTE_WINDOW_DAYS)
    paid = _paid_orders(ids, dispute_since)  # 1
    against = _cases_against(ids, dispute_since)  # 1
    responses = _responses(ids, now - timedelta(days=RESPONSE_WINDOW_DAYS))  # 1
    points = _penalty_points(ids, timezone.localdate(now).year)  # 1

    # Category averages: every rating of the stores whose main category it is; stores that publish
    # nothing compare with every store's ratings (key None).
    pooled: dict[object, dict] = defaultdict(lambda: dict.fromkeys(("n", *SCORES), 0))
    for merchant_id, row in sums.items():
        main = mains.get(merchant_id)
        for pool in {main.pk if main else None, None}:
            for key in ("n", *SCORES):
                pooled[pool][key] += row[key]

    figures = {}
    for merchant in merchants:
        own = sums.get(merchant.pk, {"n": 0})
        main = mains.get(merchant.pk)
        pool = pooled[main.pk if main else None]
        scores = []
        for key in SCORES:
            if own["n"] >= MIN_RATINGS:
                average = Fraction(own[key], own["n"])
                category = Fraction(pool[key], pool["n"])
                scores.append(
                    Score(
                        key,
                        _round(average, "0.01"),
                        _round(category, "0.01"),
                        _round((average - category) / category * 100, "0.1"),
                    )
                )
            else:
                scores.append(Score(key, None, None, None))
        orders = paid.get(merchant.pk, 0)
        cases = against.get(merchant.pk, 0)
        replies, median = responses.get(merchant.pk, (0, None))
        figures[merchant.pk] = CreditFigures(
            merchant=merchant,
            main_category=main,
            ratings_count=own["n"],
            scores=tuple(scores),
            shipping=shipping[merchant.pk],
            paid_orders=orders,
            cases_against=cases,
            dispute_rate=_round(Fraction(100 * cases, orders), "0.01") if orders else None,
            responses=replies,
            median_response_seconds=(
                int(_round(median, "1")) if replies >= MIN_RESPONSES and median is not None else None
            ),
            penalty=penalty_status(merchant, points=points.get(merchant.pk, 0)),
            now=now,
        )
    return figures


def credit_for_store(merchant, *, now=None) -> CreditFigures:
    return credit_figures([merchant], now=now)[merchant.pk]


# --- the staff list: every store, sorted by any figure ------------------------------------------------

# Penalty status sorts by its level first (a blacklisted store with no points this year is still the
# worst), then by this year's points.
PENALTY_RANK = {"good": 0, "warned": 1, "suspended": 2, "blacklist": 3}

SORTS = {
    "store": lambda f: (f.merchant.name or f.merchant.slug).casefold(),
    "category": lambda f: f.main_category.name.casefold() if f.main_category else None,
    "ratings": lambda f: f.ratings_count,
    "description": lambda f: f.score["description"].average,
    "service": lambda f: f.score["service"].average,
    "logistics": lambda f: f.score["logistics"].average,
    "on_time": lambda f: f.shipping.on_time_rate,
    "dispute": lambda f: f.dispute_rate,
    "response": lambda f: f.median_response_seconds,
    "penalty": lambda f: (PENALTY_RANK.get(f.penalty.level, 0), f.penalty.points),
    "since": lambda f: f.merchant.approved_at,
}


def parse_sort(value: str) -> tuple[str, bool]:
    """`?sort=dispute` (ascending) or `?sort=-dispute` (descending); anything else sorts by store."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORTS:
        return "store", False
    return key, descending


def stores_by_credit(*, sort: str = "store", descending: bool = False, now=None) -> list[CreditFigures]:
    """Every store that has been approved (approved, suspended or blacklisted), with its figures,
    sorted by one of `SORTS`; stores without the figure (not enough ratings, no orders...) come last
    either way, then by slug. Nine queries (the stores, then eight) whatever the number of stores."""
    merchants = Merchant.objects.exclude(status=Merchant.Status.PENDING).order_by("slug")
    figures = list(credit_figures(merchants, now=now).values())
    key = SORTS.get(sort, SORTS["store"])
    known = [f for f in figures if key(f) is not None]
    unknown = [f for f in figures if key(f) is None]
    known.sort(key=key, reverse=descending)  # stable: ties stay in slug order
    return known + unknown


def credit_windows() -> dict:
    """The windows and minimums, for the pages' explanations."""
    from logistics.selectors import NUMBERS_WINDOW_DAYS

    return {
        "ratings_days": RATINGS_WINDOW_DAYS,
        "dispute_days": DISPUTE_WINDOW_DAYS,
        "response_days": RESPONSE_WINDOW_DAYS,
        "shipping_days": NUMBERS_WINDOW_DAYS,
        "min_ratings": MIN_RATINGS,
        "min_responses": MIN_RESPONSES,
    }
