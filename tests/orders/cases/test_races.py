"""Races on PostgreSQL, threads with their own connections: two requests on one order at the same
moment make one case; an arbitrator's decision and the store's acceptance at the same moment settle
once; the deadline job and the store's answer at once settle once."""

import pytest
from django.db import connection

from orders.cases import services as cases
from orders.models import AfterSalesCase, OrderEvent
from payments.models import LedgerTransaction, Refund
from tests.concurrency import race
from tests.factories import MerchantFactory, delivered_order

from .helpers import arbitrator, assert_ledger_sound, later, open_case, store_member

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers"
    ),
]


@pytest.fixture
def order(rates):
    return delivered_order(
        merchant=MerchantFactory(settlement_currency="USD"), prices=("100.00",), quantity=2
    )


@pytest.mark.parametrize("attempt", range(3))
def test_two_requests_at_once_make_one_case(order, attempt):
    line = order.lines.get()
    results, refused, errors = race(
        lambda: open_case(order, lines=[{"line_id": line.pk, "quantity": 1}]),
        lambda: open_case(order, lines=[{"line_id": line.pk, "quantity": 2}]),
        lambda: open_case(order),
    )
    assert errors == []
    assert len(results) == 1 and len(refused) == 2
    assert all(exc.code == "case_already_open" for exc in refused)
    assert AfterSalesCase.objects.filter(order=order).count() == 1
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.CASE_OPENED).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_a_decision_and_the_stores_acceptance_at_once_settle_once(order, attempt):
    merchant_user, staff = store_member(order.merchant), arbitrator()
    case = open_case(order)
    cases.case_refuse(case=case, actor=merchant_user, reason="No.")
    cases.case_escalate(case=case, actor=order.user)
    results, refused, errors = race(
        lambda: cases.arbitration_decide(
            case=case, actor=staff, outcome="partial", amount="60.00", reason="Half."
        ),
        lambda: cases.case_accept(case=case, actor=merchant_user),
    )
    assert errors == []
    assert len(results) == 1 and len(refused) == 1
    assert refused[0].code == "case_state_conflict"
    case.refresh_from_db()
    assert case.status == AfterSalesCase.Status.REFUNDED
    assert Refund.objects.filter(case=case).count() == 1
    assert LedgerTransaction.objects.filter(kind="aftersales_refund", order=order).count() == 1
    assert case.events.filter(kind="refund_paid").count() == 1
    assert case.events.filter(kind__in=["decided", "accepted"]).count() == 1
    assert_ledger_sound(order, case=case)


def test_the_job_and_the_stores_answer_at_once_settle_once(order):
    merchant_user = store_member(order.merchant)
    case = open_case(order)
    from datetime import timedelta

    AfterSalesCase.objects.filter(pk=case.pk).update(respond_by=later(hours=-1) - timedelta(minutes=1))
    results, refused, errors = race(
        lambda: cases.cases_deadlines_check(),
        lambda: cases.case_refuse(case=case, actor=merchant_user, reason="No."),
    )
    assert errors == []
    case.refresh_from_db()
    assert case.status in (AfterSalesCase.Status.REFUNDED, AfterSalesCase.Status.REFUSED)
    assert Refund.objects.filter(case=case).count() == (1 if case.status == "refunded" else 0)
    assert case.events.filter(kind__in=["auto_accepted", "refused"]).count() == 1
    assert_ledger_sound(order, case=case)
