"""Reconciliation of the ledger with the gateway's books: clean on a normal day, each tampering
reported once, the daily job's single alert, the pages and the API."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from orders import services as order_services
from orders.models import Order
from payments import services, tasks
from payments.finance import day_bounds, local_today
from payments.gateways import GatewayError, SandboxGateway
from payments.models import (
    Payment,
    ReconciliationDifference,
    ReconciliationRun,
    Refund,
    SandboxOperation,
)
from tests.factories import MerchantFactory, StaffFactory, paid_order

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English wording of pages and emails (the site's default is Chinese)."""
    settings.LANGUAGE_CODE = "en"

Kind = ReconciliationDifference.Kind


def finance_staff(**fields):
    staff = StaffFactory(**fields)
    staff.user_permissions.add(*Permission.objects.filter(codename="view_finance"))
    return type(staff).objects.get(pk=staff.pk)


@pytest.fixture
def day(rates):
    """A normal day: two orders paid, one shipped and released, one refunded before release."""
    store = MerchantFactory()
    kept = paid_order(merchant=store, prices=("80.00",))
    order_services.order_ship(order=kept)
    services.escrow_release(order=kept)
    refunded = paid_order(merchant=store, prices=("25.00",))
    refund = services.order_refund(order=refunded, idempotency_key="refund-day")
    kept, refunded = (Order.objects.select_related("payment").get(pk=o.pk) for o in (kept, refunded))
    return {"kept": kept, "refunded": refunded, "refund": refund, "today": local_today()}


def _run(today=None, actor=None):
    today = today or local_today()
    since, until = day_bounds(today, today)
    return services.reconciliation_run(since=since, until=until, actor=actor)


def _differences(run):
    return list(run.differences.values_list("kind", "movement"))


def test_a_normal_day_is_clean(day):
    run = _run()
    assert run.status == ReconciliationRun.Status.CLEAN
    assert (run.ours_count, run.gateway_count, run.matched_count, run.difference_count) == (3, 3, 3, 0)
    paid = day["kept"].payment.amount.amount + day["refunded"].payment.amount.amount
    assert Decimal(run.ours_totals["charge"]["CNY"]) == paid
    assert run.ours_totals == run.gateway_totals
    assert Decimal(run.gateway_totals["refund"]["CNY"]) == day["refund"].amount.amount
    assert run.finished_at is not None


def test_a_charge_the_gateway_lost_is_on_our_side_only(day):
    SandboxOperation.objects.filter(kind="charge", intent=day["kept"].payment.gateway_reference).delete()
    run = _run()
    assert run.status == ReconciliationRun.Status.DIFFERENCES
    assert _differences(run) == [(Kind.OURS_ONLY, "charge")]
    diff = run.differences.get()
    assert diff.our_reference == day["kept"].payment.reference
    assert diff.our_amount == day["kept"].payment.amount.amount


def test_a_changed_amount_is_an_amount_difference(day):
    op = SandboxOperation.objects.get(kind="refund", idempotency_key="refund-day")
    op.amount = op.amount - Decimal("1.00")
    op.save()
    run = _run()
    assert _differences(run) == [(Kind.AMOUNT, "refund")]
    diff = run.differences.get()
    assert diff.gateway_amount == diff.our_amount - Decimal("1.00")


def test_a_refund_the_gateway_never_saw(day):
    Refund.objects.create(
        payment=day["kept"].payment,
        order=day["kept"],
        amount=Decimal("5.00"),
        idempotency_key="ghost-refund",
        status=Refund.Status.SUCCEEDED,
        gateway_reference="sbre_ghost",
    )
    run = _run()
    assert _differences(run) == [(Kind.OURS_ONLY, "refund")]
    assert run.differences.get().reference == "sbre_ghost"


def test_a_refund_we_think_failed_that_the_gateway_made(day):
    Refund.objects.filter(pk=day["refund"].pk).update(status=Refund.Status.FAILED)
    run = _run()
    assert _differences(run) == [(Kind.STATUS, "refund")]
    diff = run.differences.get()
    assert (diff.our_status, diff.gateway_status) == ("failed", "succeeded")


def test_a_charge_only_the_gateway_has(day):
    SandboxGateway().create_payment(
        amount=Decimal("12.00"), currency="CNY", reference="PSTRANGER", idempotency_key="stranger:create"
    )
    intent = SandboxOperation.objects.get(idempotency_key="stranger:create").intent
    from payments.gateways import Card

    SandboxGateway().confirm(
        payment_id=intent, card=Card("4242424242424242", 12, 2030, "123"), idempotency_key="s1"
    )
    run = _run()
    assert _differences(run) == [(Kind.GATEWAY_ONLY, "charge")]
    assert run.differences.get().our_reference == "PSTRANGER"


def test_a_currency_difference_and_a_declined_charge_that_moved_nothing(day):
    # A declined attempt on the gateway matches nothing and moves nothing: no difference.
    declined = Order.objects.select_related("payment").get(pk=paid_order(prices=("10.00",)).pk)
    SandboxOperation.objects.create(
        idempotency_key="declined-1",
        kind="charge",
        intent=declined.payment.gateway_reference,
        amount=declined.payment.amount.amount,
        outcome="declined",
        response={"status": "declined", "reference": "sbch_declined"},
    )
    create = SandboxOperation.objects.get(kind="create", intent=day["kept"].payment.gateway_reference)
    create.response = {**create.response, "currency": "USD"}
    create.save()
    run = _run()
    assert _differences(run) == [(Kind.CURRENCY, "charge")]


def test_each_difference_once_with_many_tamperings(day):
    SandboxOperation.objects.filter(kind="charge", intent=day["kept"].payment.gateway_reference).delete()
    SandboxOperation.objects.filter(idempotency_key="refund-day").update(amount=Decimal("1.00"))
    run = _run()
    assert sorted(_differences(run)) == sorted([(Kind.OURS_ONLY, "charge"), (Kind.AMOUNT, "refund")])
    assert run.difference_count == 2


def test_movements_outside_the_window_are_not_compared(day):
    yesterday = day["today"] - timedelta(days=1)
    run = _run(today=yesterday)
    assert run.status == ReconciliationRun.Status.CLEAN
    assert (run.ours_count, run.gateway_count) == (0, 0)


def test_an_unreachable_gateway_fails_the_run(day, monkeypatch):
    def broken(self, **kwargs):
        raise GatewayError("timeout")

    monkeypatch.setattr(SandboxGateway, "records", broken)
    run = _run()
    assert run.status == ReconciliationRun.Status.FAILED and "timeout" in run.error


def test_only_finance_staff_may_run_it(day):
    from payments.errors import NotFinanceStaff

    with pytest.raises(NotFinanceStaff):
        _run(actor=StaffFactory())
    assert _run(actor=finance_staff()).actor is not None


def _to_yesterday(day):
    """Move the day's records (ours and the gateway's) to yesterday, as the nightly job sees them."""
    shift = timedelta(days=1)
    for payment in Payment.objects.all():
        Payment.objects.filter(pk=payment.pk).update(paid_at=payment.paid_at - shift)
    for refund in Refund.objects.all():
        Refund.objects.filter(pk=refund.pk).update(created_at=refund.created_at - shift)
    for op in SandboxOperation.objects.all():
        SandboxOperation.objects.filter(pk=op.pk).update(created_at=op.created_at - shift)


def test_the_daily_job_reconciles_yesterday_and_alerts_once(day, client):
    watcher = finance_staff(email="finance@example.com")
    finance_staff(email="controller@example.com")
    StaffFactory(email="not-finance@example.com")
    _to_yesterday(day)
    SandboxOperation.objects.filter(idempotency_key="refund-day").update(amount=Decimal("2.00"))
    mail.outbox.clear()
    run_id = tasks.reconciliation_daily.delay().get()
    run = ReconciliationRun.objects.get(pk=run_id)
    since, until = day_bounds(day["today"] - timedelta(days=1), day["today"] - timedelta(days=1))
    assert (run.since, run.until, run.trigger) == (since, until, ReconciliationRun.Trigger.SCHEDULED)
    assert _differences(run) == [(Kind.AMOUNT, "refund")]
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) >= {"finance@example.com", "controller@example.com"}
    assert "not-finance@example.com" not in mail.outbox[0].to
    assert reverse("staff_finance:reconciliation_detail", args=[run.pk]) in mail.outbox[0].body
    # Fired again (a retry, a second beat): the same run, no second email.
    assert tasks.reconciliation_daily.delay().get() == run.pk
    assert len(mail.outbox) == 1
    assert ReconciliationRun.objects.count() == 1
    # The finance pages show a banner.
    client.force_login(watcher)
    html = client.get(reverse("staff_finance:overview")).content.decode()
    assert "finance-alert" in html
    assert reverse("staff_finance:reconciliation_detail", args=[run.pk]) in html


def test_a_clean_daily_job_sends_nothing(day):
    finance_staff(email="finance@example.com")
    mail.outbox.clear()
    run_id = tasks.reconciliation_daily.delay(day=day["today"].isoformat()).get()
    assert ReconciliationRun.objects.get(pk=run_id).status == ReconciliationRun.Status.CLEAN
    assert mail.outbox == []


def test_the_daily_job_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["payments-reconciliation-daily"]
    assert entry["task"] == "payments.tasks.reconciliation_daily"


def test_the_reconciliation_pages(day, client):
    staff = finance_staff()
    client.force_login(staff)
    today = day["today"].isoformat()
    response = client.post(reverse("staff_finance:reconciliation_run"), {"since": today, "until": today})
    run = ReconciliationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff_finance:reconciliation_detail", args=[run.pk])
    assert run.actor == staff and run.status == ReconciliationRun.Status.CLEAN
    assert client.get(reverse("staff_finance:reconciliation")).status_code == 200
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "No difference" in detail.content.decode()
    # A range too long or backwards: a message, no run.
    bad = client.post(reverse("staff_finance:reconciliation_run"), {"since": today, "until": "2020-01-01"})
    assert bad.status_code == 302 and ReconciliationRun.objects.count() == 1
    assert client.post(reverse("staff_finance:reconciliation_run"), {}).status_code == 302


def test_the_reconciliation_api(day, client):
    client.force_login(finance_staff())
    url = reverse("api-staff-finance-reconciliation")
    today = day["today"].isoformat()
    SandboxOperation.objects.filter(idempotency_key="refund-day").update(amount=Decimal("2.00"))
    created = client.post(url, {"since": today, "until": today}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "differences" and body["differences"][0]["kind"] == "amount"
    listed = client.get(url).json()
    assert [run["id"] for run in listed] == [body["id"]]
    assert listed[0]["differences"][0]["movement"] == "refund"
    bad = client.post(url, {"since": today, "until": "2020-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "finance_period_invalid"
    assert client.post(url, {}, content_type="application/json").status_code == 400


def test_a_scheduled_run_that_died_or_failed_is_done_again(day, monkeypatch):
    today = day["today"]
    since, until = day_bounds(today, today)
    stale = ReconciliationRun.objects.create(
        since=since, until=until, trigger=ReconciliationRun.Trigger.SCHEDULED
    )
    ReconciliationRun.objects.filter(pk=stale.pk).update(started_at=stale.started_at - timedelta(hours=2))
    assert services.reconciliation_daily(day=today).status == ReconciliationRun.Status.CLEAN

    def broken(self, **kwargs):
        raise GatewayError("timeout")

    yesterday = today - timedelta(days=1)
    monkeypatch.setattr(SandboxGateway, "records", broken)
    assert services.reconciliation_daily(day=yesterday).status == ReconciliationRun.Status.FAILED
    monkeypatch.undo()
    assert services.reconciliation_daily(day=yesterday).status == ReconciliationRun.Status.CLEAN
    assert ReconciliationRun.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_the_daily_job_fired_four_times_at_once_runs_and_alerts_once(rates):
    """Four workers run the daily job for the same day at once: one run, one email."""
    kept = paid_order(prices=("40.00",))
    order_services.order_ship(order=kept)
    services.escrow_release(order=kept)
    finance_staff(email="finance@example.com")
    SandboxOperation.objects.filter(kind="charge").update(amount=Decimal("1.00"))
    mail.outbox.clear()
    today = local_today()
    workers = 4
    barrier = threading.Barrier(workers)
    runs, errors = [], []

    def fire():
        try:
            barrier.wait(timeout=30)
            runs.append(services.reconciliation_daily(day=today).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(set(runs)) == 1 and ReconciliationRun.objects.count() == 1
    run = ReconciliationRun.objects.get()
    assert run.status == ReconciliationRun.Status.DIFFERENCES
    assert _differences(run) == [(Kind.AMOUNT, "charge")]
    assert len(mail.outbox) == 1


def test_a_new_kind_of_movement_plugs_in_with_its_source(day, monkeypatch):
    """Transfers (the payouts part) are compared once a source for them is registered; until then
    the gateway's transfers are not compared."""
    from django.utils import timezone

    from payments.gateways import GatewayRecord
    from payments.services import reconciliation

    original = SandboxGateway.records

    def with_transfer(self, *, since, until):
        transfer = GatewayRecord(
            kind="transfer",
            reference="tr_1",
            amount=Decimal("9.00"),
            currency="usd",
            status="succeeded",
            created=timezone.now(),
        )
        return [*original(self, since=since, until=until), transfer]

    monkeypatch.setattr(SandboxGateway, "records", with_transfer)
    # Without a source for transfers (the payouts part registers one: taken out for this test).
    monkeypatch.delitem(reconciliation.LEDGER_SOURCES, "transfer", raising=False)
    assert _run().status == ReconciliationRun.Status.CLEAN

    def transfers(since, until):
        return [
            reconciliation.LedgerMovement(
                movement="transfer",
                our_reference="payout 1",
                amount=Decimal("10.00"),
                currency="USD",
                status="succeeded",
                occurred_at=timezone.now(),
                reference="tr_1",
            )
        ]

    monkeypatch.setitem(reconciliation.LEDGER_SOURCES, "transfer", transfers)
    run = _run()
    assert _differences(run) == [(Kind.AMOUNT, "transfer")]
    assert run.ours_totals["transfer"] == {"USD": "10.00"} and run.gateway_totals["transfer"] == {
        "USD": "9.00"
    }
