"""The staff finance page and its API: figures equal to sums computed independently from the orders,
per day and per merchant; a constant number of queries; who may see it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import services as order_services
from payments import services
from payments.finance import day_bounds, finance_summary, local_today
from payments.models import LedgerTransaction
from tests.factories import MerchantFactory, MerchantMemberFactory, StaffFactory, UserFactory, paid_order

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def finance_staff(**fields):
    staff = StaffFactory(**fields)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_finance"]))
    return type(staff).objects.get(pk=staff.pk)


def _rate(order, rate):
    category = order.lines.get().variant.product.category
    category.commission_rate = Decimal(rate)
    category.save()


def _move(txn_filter, when):
    LedgerTransaction.objects.filter(**txn_filter).update(created_at=when)


@pytest.fixture
def world(rates):
    """A USD store with one order released and one refunded before release; a JPY store with one
    order still held. The released order was paid 5 days ago and released 3 days ago."""
    usd = MerchantFactory(settlement_currency="USD")
    jpy = MerchantFactory(settlement_currency="JPY", country="JP")
    released = paid_order(merchant=usd, prices=("100.00",))
    _rate(released, "0.04")
    order_services.order_ship(order=released)
    services.escrow_release(order=released, actor=released.user)
    refunded = paid_order(merchant=usd, prices=("30.00",))
    services.order_refund(order=refunded, idempotency_key="refund-world")
    held = paid_order(merchant=jpy, prices=("2000",))
    today = local_today()
    start, _end = day_bounds(today, today)
    morning = start + timedelta(hours=10)
    _move({"kind": "escrow_hold", "payment": released.payment}, morning - timedelta(days=5))
    _move({"kind": "release", "order": released}, morning - timedelta(days=3))
    for order in (released, refunded, held):
        order.refresh_from_db()
    return {"usd": usd, "jpy": jpy, "released": released, "refunded": refunded, "held": held, "today": today}


def _expected_commission(order):
    line = order.lines.get()
    return (line.goods_cny.amount * Decimal("0.04")).quantize(CENT)


def test_figures_equal_independent_sums(world):
    released, refunded, held, today = world["released"], world["refunded"], world["held"], world["today"]
    summary = finance_summary(since=today - timedelta(days=29), until=today)
    commission = _expected_commission(released)
    totals = summary["totals"]
    assert totals["escrow_held"] == held.escrow_amount.amount
    assert totals["released"] == released.escrow_amount.amount
    assert totals["refunded_before"] == refunded.total.amount
    assert totals["refunded_after"] == 0
    assert totals["refunded"] == refunded.total.amount
    assert totals["commission"] == commission
    assert totals["compensation"] == 0

    by_slug = {m["slug"]: m for m in summary["merchants"]}
    usd, jpy = by_slug[world["usd"].slug], by_slug[world["jpy"].slug]
    net_usd = ((released.escrow_amount.amount - commission) / released.exchange_rate).quantize(CENT)
    assert usd["currency"] == "USD"
    assert usd["cny"]["released"] == released.escrow_amount.amount
    assert usd["cny"]["commission"] == commission
    assert usd["cny"]["refunded_before"] == refunded.total.amount
    assert usd["cny"]["escrow_held"] == 0
    assert usd["own"]["released_net"] == net_usd
    assert usd["own"]["balance"] == net_usd
    assert usd["own"]["payouts"] == 0
    assert jpy["cny"]["escrow_held"] == held.escrow_amount.amount
    assert jpy["own"]["released_net"] == 0
    assert summary["merchant_totals"]["USD"]["released_net"] == net_usd

    positions = {p["currency"]: p for p in summary["positions"]}
    assert positions["USD"]["merchant_balance"] == net_usd
    assert positions["USD"]["fx"] == net_usd  # the platform owes USD it bought with CNY
    assert positions["CNY"]["fx"] == -(released.escrow_amount.amount - commission)
    assert positions["CNY"]["escrow"] == held.escrow_amount.amount
    assert positions["CNY"]["platform_revenue"] == commission
    taxes = held.tax_total.amount
    assert positions["CNY"]["tax_payable"] == taxes + released.tax_total.amount
    assert positions["CNY"]["gateway_clearing"] == (
        released.total.amount + held.total.amount  # what the processor holds for us: paid less refunded
    )


def test_per_day_figures_and_escrow_held_over_time(world):
    released, held, today = world["released"], world["held"], world["today"]
    summary = finance_summary(since=today - timedelta(days=6), until=today)
    days = {d["day"]: d for d in summary["days"]}
    assert len(days) == 7
    assert days[today - timedelta(days=6)]["escrow_held"] == 0
    assert days[today - timedelta(days=5)]["escrow_held"] == released.escrow_amount.amount
    assert days[today - timedelta(days=4)]["escrow_held"] == released.escrow_amount.amount
    assert days[today - timedelta(days=3)]["escrow_held"] == 0
    assert days[today - timedelta(days=3)]["released"] == released.escrow_amount.amount
    assert days[today - timedelta(days=3)]["commission"] == _expected_commission(released)
    assert days[today]["escrow_held"] == held.escrow_amount.amount
    assert days[today]["refunded_before"] == world["refunded"].total.amount
    assert sum(d["released"] for d in summary["days"]) == summary["totals"]["released"]

    # A window that starts after the release: the opening balance carries the held money over.
    later = finance_summary(since=today - timedelta(days=2), until=today)
    assert later["totals"]["released"] == 0
    assert later["days"][0]["escrow_held"] == 0
    assert later["merchants"][0]["own"]["balance"] or later["merchants"][1]["own"]["balance"]


def _more_stores():
    for _ in range(3):
        store = MerchantFactory(settlement_currency="EUR", country="DE")
        order = paid_order(merchant=store, prices=("20.00",))
        order_services.order_ship(order=order)
        services.escrow_release(order=order)


def _count(since, until):
    with CaptureQueriesContext(connection) as captured:
        finance_summary(since=since, until=until)
    return len(captured)


def test_query_count_does_not_grow_with_merchants_or_days(world):
    today = world["today"]
    few = _count(today, today)
    _more_stores()
    assert _count(today - timedelta(days=200), today) == few


def test_page_query_count_is_constant(client, world):
    client.force_login(finance_staff())
    url = reverse("staff_finance:overview")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    _more_stores()
    with CaptureQueriesContext(connection) as second:
        assert client.get(url, {"since": "2026-01-01", "until": local_today().isoformat()}).status_code == 200
    assert len(second) == len(first)


def test_the_page_shows_figures_charts_and_tables(client, world):
    client.force_login(finance_staff())
    response = client.get(reverse("staff_finance:overview"))
    html = response.content.decode()
    assert 'id="finance-chart-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/finance.js" in html
    assert "cdn" not in html.lower()
    assert world["usd"].name in html and world["jpy"].name in html
    data = response.context["chart_data"]
    assert len(data["labels"]) == 30
    assert data["series"]["escrow_held"][-1] == str(world["held"].escrow_amount.amount)


def test_a_bad_period_falls_back_to_the_default_with_a_message(client, world):
    client.force_login(finance_staff())
    url = reverse("staff_finance:overview")
    response = client.get(url, {"since": "2026-05-01", "until": "2026-04-01"})
    assert response.status_code == 200
    assert len(response.context["summary"]["days"]) == 30
    assert client.get(url, {"since": "not-a-date"}).status_code == 200
    assert client.get(url, {"since": "2020-01-01", "until": "2026-01-01"}).status_code == 200


@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", 302), ("shopper", 403), ("merchant", 403), ("staff", 403), ("finance", 200)],
)
def test_who_may_see_the_finance_pages(client, rates, who, expected):
    users = {
        "shopper": lambda: UserFactory(),
        "merchant": lambda: MerchantMemberFactory().user,
        "staff": lambda: StaffFactory(),
        "finance": finance_staff,
    }
    if who != "anonymous":
        client.force_login(users[who]())
    for name in ("staff_finance:overview", "staff_finance:reconciliation"):
        response = client.get(reverse(name))
        assert response.status_code == expected
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]
    api = client.get(reverse("api-staff-finance-summary"))
    assert api.status_code == {"anonymous": 401, "finance": 200}.get(who, 403)


def test_api_summary_gives_the_page_figures(client, world):
    client.force_login(finance_staff())
    today = world["today"]
    since = (today - timedelta(days=6)).isoformat()
    response = client.get(reverse("api-staff-finance-summary"), {"since": since, "until": today.isoformat()})
    assert response.status_code == 200
    data = response.json()
    assert len(data["days"]) == 7
    assert Decimal(data["totals"]["released"]) == world["released"].escrow_amount.amount
    assert Decimal(data["totals"]["escrow_held"]) == world["held"].escrow_amount.amount
    usd = next(m for m in data["merchants"] if m["slug"] == world["usd"].slug)
    assert usd["currency"] == "USD" and Decimal(usd["own"]["balance"]) > 0
    assert {t["currency"] for t in data["merchant_totals"]} == {"USD", "JPY"}
    assert {p["currency"] for p in data["positions"]} >= {"CNY", "USD"}
    bad = client.get(reverse("api-staff-finance-summary"), {"since": today.isoformat(), "until": since})
    assert bad.status_code == 400 and bad.json()["code"] == "finance_period_invalid"
    assert client.get(reverse("api-staff-finance-summary"), {"since": "x"}).status_code == 400


def test_money_out_kinds_are_counted_where_they_belong(world):
    """Deposits, payouts, refunds after release and compensation, posted as the ledger records them
    (the other parts of money out post these kinds): each lands in its figure, per merchant too."""
    from djmoney.money import Money

    from payments.models import LedgerAccount as A
    from payments.services import ledger_post

    usd, today = world["usd"], world["today"]
    before = finance_summary(since=today, until=today)
    balance_before = next(m for m in before["merchants"] if m["slug"] == usd.slug)["own"]["balance"]
    K = LedgerTransaction.Kind

    def usd_money(amount):
        return Money(Decimal(amount), "USD")

    ledger_post(
        kind=K.DEPOSIT_PAID,
        merchant=usd,
        entries=[
            (A.GATEWAY_CLEARING, None, usd_money("500.00")),
            (A.MERCHANT_DEPOSIT, None, usd_money("-500.00"), usd),
        ],
    )
    ledger_post(
        kind=K.PAYOUT,
        merchant=usd,
        entries=[
            (A.MERCHANT_BALANCE, None, usd_money("3.00"), usd),
            (A.PAYOUT_IN_TRANSIT, None, usd_money("-3.00"), usd),
        ],
    )
    ledger_post(
        kind=K.REFUND_AFTER_RELEASE,
        merchant=usd,
        order=world["released"],
        entries=[
            (A.GATEWAY_CLEARING, None, Decimal("-14.00")),
            (A.FX, None, Decimal("14.00")),
            (A.FX, None, usd_money("-2.00")),
            (A.MERCHANT_BALANCE, None, usd_money("2.00"), usd),
        ],
    )
    ledger_post(
        kind=K.COMPENSATION,
        merchant=usd,
        entries=[
            (A.GATEWAY_CLEARING, None, Decimal("-7.00")),
            (A.FX, None, Decimal("7.00")),
            (A.FX, None, usd_money("-1.00")),
            (A.MERCHANT_DEPOSIT, None, usd_money("1.00"), usd),
        ],
    )
    summary = finance_summary(since=today, until=today)
    totals = summary["totals"]
    assert totals["refunded_after"] == Decimal("14.00")
    assert totals["compensation"] == Decimal("7.00")
    assert totals["refunded"] == Decimal("14.00") + world["refunded"].total.amount
    row = next(m for m in summary["merchants"] if m["slug"] == usd.slug)
    assert row["cny"]["refunded_after"] == Decimal("14.00") and row["cny"]["compensation"] == Decimal("7.00")
    own = row["own"]
    assert (own["deposit_paid"], own["deposit_drawn"], own["deposit_held"]) == (
        Decimal("500.00"),
        Decimal("1.00"),
        Decimal("499.00"),
    )
    assert own["payouts"] == Decimal("3.00")
    assert own["refunds_drawn"] == Decimal("2.00") and own["compensation_drawn"] == Decimal("1.00")
    assert own["balance"] == balance_before - Decimal("5.00")
    positions = {p["currency"]: p for p in summary["positions"]}
    assert positions["USD"]["merchant_deposit"] == Decimal("499.00")
    assert positions["USD"]["payout_in_transit"] == Decimal("3.00")
