"""The merchant's finance section: the overview's figures, the statement (equal to the ledger,
filters, CSV and XLSX exports that parse back, query counts), the API, and one store never seeing
another's money."""

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from openpyxl import load_workbook

from orders import services as order_services
from payments import merchant_selectors, services
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Payment
from tests.factories import MerchantMemberFactory, paid_order

from .test_deposits import _draw, pay_deposit

pytestmark = pytest.mark.django_db


def _ledger(account, currency, **filters):
    total = LedgerEntry.objects.filter(account=account, amount_currency=currency, **filters).aggregate(
        t=Sum("amount")
    )["t"]
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def _released(merchant, price="100.00"):
    order = paid_order(merchant=merchant, prices=(price,))
    order_services.order_ship(order=order)
    services.escrow_release(order=order, actor=order.user)
    order.refresh_from_db()
    return order


@pytest.fixture
def store(rates):
    """A USD store: its deposit paid, two sales released, one order still in escrow, a deposit draw."""
    member = MerchantMemberFactory(merchant__settlement_currency="USD")
    pay_deposit(member)
    member.released = [_released(member.merchant, "100.00"), _released(member.merchant, "55.50")]
    member.held = paid_order(merchant=member.merchant, prices=("20.00",))
    _draw(member.merchant, "12.34")
    return member


def test_the_overview_shows_balance_escrow_and_deposit_from_the_ledger(store, client):
    merchant = store.merchant
    overview = merchant_selectors.finance_overview(merchant)
    assert overview.balance == -_ledger(LedgerAccount.MERCHANT_BALANCE, "USD", merchant=merchant) > 0
    assert overview.escrow_cny == store.held.escrow_amount.amount
    assert overview.escrow_approx == (store.held.escrow_amount.amount / Decimal("7.12")).quantize(
        Decimal("0.01")
    )
    assert overview.deposit.shortfall == Decimal("12.34")

    client.force_login(store.user)
    page = client.get("/seller/finance/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="releases-data"' in body and "chart.umd.min.js" in body and "seller-finance.js" in body
    scripts = re.findall(r"<script[^>]*>", body)
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)  # no inline code
    assert 'data-deposit="due"' in body and "data-deposit-pay" in body
    assert 'href="/seller/finance/statement/"' in body and 'href="/seller/finance/payouts/"' in body
    chart = json.loads(re.search(r'id="releases-data"[^>]*>(.*?)</script>', body).group(1))
    assert len(chart["labels"]) == 30 and Decimal(chart["values"][-1]) == overview.balance
    assert 'href="/seller/finance/"' in client.get("/seller/").content.decode()  # in the navigation


def test_the_statement_equals_the_ledger(store, client):
    merchant = store.merchant
    rows = [merchant_selectors.statement_row(txn, "USD") for txn in merchant_selectors.statement(merchant)]
    assert [row.kind for row in rows] == ["deposit_drawn", "release", "release", "deposit_paid"]
    for row, order in zip(rows[1:3], reversed(store.released), strict=True):
        txn = LedgerTransaction.objects.get(kind="release", order=order)
        assert row.order_number == order.number
        assert row.gross == _ledger(LedgerAccount.ESCROW, "CNY", transaction=txn)
        assert row.commission == -_ledger(LedgerAccount.PLATFORM_REVENUE, "CNY", transaction=txn)
        assert row.amount == -_ledger(LedgerAccount.MERCHANT_BALANCE, "USD", transaction=txn) > 0
        assert row.deposit == 0
    assert rows[0].deposit == Decimal("-12.34") and rows[0].amount == 0
    assert rows[3].deposit == merchant_selectors.deposit_status(merchant).required
    assert sum(row.amount for row in rows) == merchant_selectors.merchant_balance(merchant)
    assert sum(row.deposit for row in rows) == merchant_selectors.deposit_held(merchant)

    client.force_login(store.user)
    body = client.get("/seller/finance/statement/").content.decode()
    assert body.count('data-row="release"') == 2 and store.released[0].number in body


def test_the_statement_filters_by_kind_and_date(store, client):
    client.force_login(store.user)
    body = client.get("/seller/finance/statement/?kind=release").content.decode()
    assert body.count('data-row="release"') == 2 and 'data-row="deposit_paid"' not in body
    LedgerTransaction.objects.filter(kind="deposit_paid").update(
        created_at=timezone.now() - timedelta(days=40)
    )
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    body = client.get(f"/seller/finance/statement/?date_from={since}").content.decode()
    assert 'data-row="deposit_paid"' not in body and body.count('data-row="release"') == 2
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    body = client.get(f"/seller/finance/statement/?date_to={until}").content.decode()
    assert 'data-row="deposit_paid"' in body and 'data-row="release"' not in body
    assert client.get("/seller/finance/statement/?kind=nonsense").status_code == 400
    assert client.get("/seller/finance/statement/?date_from=yesterday").status_code == 400


def test_exports_parse_back_with_decimal_strings(store, client):
    client.force_login(store.user)
    expected = [
        merchant_selectors.statement_row(txn, "USD")
        for txn in merchant_selectors.statement(store.merchant).filter(kind="release")
    ]
    response = client.get("/seller/finance/statement.csv?kind=release")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["order"] for r in rows] == [row.order_number for row in expected]
    assert [Decimal(r["amount"]) for r in rows] == [row.amount for row in expected]
    assert [r["gross_cny"] for r in rows] == [str(row.gross) for row in expected]
    assert all(r["currency"] == "USD" and r["kind"] == "release" for r in rows)

    response = client.get("/seller/finance/statement.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("date", "kind", "kind_label")
    assert [v[1] for v in values[1:]] == ["deposit_drawn", "release", "release", "deposit_paid"]
    assert values[1][8] == "-12.34" and isinstance(values[1][8], str)

    api = client.get("/api/v1/seller/finance/statement/csv/?kind=deposit_drawn")
    assert api.status_code == 200
    rows = list(csv.DictReader(io.StringIO(api.content.decode("utf-8-sig"))))
    assert [r["deposit"] for r in rows] == ["-12.34"]
    xlsx = client.get("/api/v1/seller/finance/statement/xlsx/")
    assert len(list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows())) == 5


def test_statement_query_count_does_not_grow_with_rows(store, client, django_assert_max_num_queries):
    client.force_login(store.user)
    with django_assert_max_num_queries(12) as few:
        client.get("/seller/finance/statement/")
    for _ in range(4):
        _released(store.merchant, "10.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/seller/finance/statement/").content.decode()
    assert body.count('data-row="release"') == 6
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/seller/finance/statement/").json()["results"]) == 8
    with django_assert_max_num_queries(12):
        client.get("/seller/finance/statement.csv")
    with django_assert_max_num_queries(16):
        assert client.get("/seller/finance/").status_code == 200


def test_the_api(store, client):
    client.force_login(store.user)
    finance = client.get("/api/v1/seller/finance/").json()
    assert finance["currency"] == "USD"
    assert Decimal(finance["balance"]) == merchant_selectors.merchant_balance(store.merchant)
    assert Decimal(finance["deposit"]["shortfall"]) == Decimal("12.34")
    statement = client.get("/api/v1/seller/finance/statement/?kind=release&page_size=1").json()
    assert statement["count"] == 2 and len(statement["results"]) == 1
    assert statement["results"][0]["kind"] == "release" and statement["results"][0]["gross"]
    assert client.get("/api/v1/seller/finance/statement/?kind=nope").status_code == 400

    deposit = client.get("/api/v1/seller/deposit/").json()
    assert deposit["is_paid"] is False and deposit["shortfall"] == "12.34"
    started = client.post("/api/v1/seller/deposit/")
    assert started.status_code == 201
    payment = Payment.objects.get(reference=started.json()["reference"])
    assert started.json()["amount"] == "12.34" and started.json()["pay_url"].endswith(
        f"/pay/{payment.reference}/"
    )
    assert client.post("/api/v1/seller/deposit/").json()["reference"] == payment.reference
    confirm = client.post(
        f"/api/v1/payments/{payment.reference}/confirm/",
        {
            "card_number": "4242424242424242",
            "exp_month": 12,
            "exp_year": 2030,
            "cvc": "123",
            "idempotency_key": "x",
        },
        content_type="application/json",
    )
    assert confirm.status_code == 200
    assert client.get("/api/v1/seller/deposit/").json()["is_paid"] is True
    again = client.post("/api/v1/seller/deposit/")
    assert again.status_code == 409 and again.json()["code"] == "deposit_nothing_due"


def test_one_store_never_sees_anothers_money(store, client, rates):
    other = MerchantMemberFactory(merchant__settlement_currency="USD")
    client.force_login(other.user)
    overview = client.get("/api/v1/seller/finance/").json()
    assert overview["balance"] == "0.00" and overview["escrow_cny"] == "0.00"
    assert client.get("/api/v1/seller/finance/statement/").json()["count"] == 0
    body = client.get("/seller/finance/statement/").content.decode()
    assert store.released[0].number not in body and "data-row" not in body
    rows = list(
        csv.reader(io.StringIO(client.get("/seller/finance/statement.csv").content.decode("utf-8-sig")))
    )
    assert len(rows) == 1  # the header alone
    payment = services.deposit_payment_start(merchant=store.merchant, actor=store.user)
    assert client.get(f"/pay/{payment.reference}/").status_code == 404
