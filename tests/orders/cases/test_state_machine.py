"""The case state machine, every path, each ending with the money checked in the ledger: the buyer
never gets more than paid, the merchant never loses more than the refund, every transaction
balances, nothing is released while a case is open, and the release clock resumes after (extended by
the time the case was open)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.models import Shipment, ShipmentEvent
from logistics.services.tracking import shipment_event_record
from merchants.models import Violation
from orders.cases import services as cases
from orders.models import AfterSalesCase, CaseEvent, Order, OrderEvent
from orders.selectors import quota_used
from payments import services as payment_services
from payments.errors import ReleaseOnHold
from payments.models import LedgerAccount, LedgerTransaction
from tests.factories import MerchantFactory, completed_order, delivered_order

from .helpers import all_lines, arbitrator, assert_ledger_sound, balance, later, open_case, store_member

pytestmark = pytest.mark.django_db

Status, Kind, Reason = AfterSalesCase.Status, AfterSalesCase.Kind, AfterSalesCase.Reason


@pytest.fixture
def order(rates):
    """A delivered order of two units at 100 USD each (direct mail, shipping fee charged)."""
    merchant = MerchantFactory(
        settlement_currency="USD", return_recipient="Returns desk", return_address="上海市浦东新区 1 号仓"
    )
    return delivered_order(merchant=merchant, prices=("100.00",), quantity=2)


def events(case):
    return list(case.events.values_list("kind", flat=True))


def test_refund_only_accepted_comes_out_of_escrow_and_the_release_pays_the_rest(order):
    merchant_user = store_member(order.merchant)
    line = order.lines.get()
    case = open_case(order, lines=[{"line_id": line.pk, "quantity": 1}])
    assert case.status == Status.REQUESTED
    assert case.respond_by == pytest.approx(case.created_at + timedelta(hours=48), abs=timedelta(seconds=5))
    # half the goods, half the shipping, half the tax
    expected = (line.goods_cny.amount + order.shipping_fee.amount + line.tax_cny.amount) / 2
    assert case.amount_requested.amount == expected.quantize(Decimal("0.01"))
    assert order.events.filter(kind=OrderEvent.Kind.CASE_OPENED).exists()
    assert merchant_user.notifications.filter(kind="aftersales").count() == 1

    # nothing is released while the case is open
    with pytest.raises(ReleaseOnHold):
        payment_services.order_confirm_receipt(user=order.user, number=order.number)
    assert payment_services.escrow_release_due(now=later(days=30)) == 0

    escrow_before = -balance(LedgerAccount.ESCROW, order=order)
    case = cases.case_accept(case=case, actor=merchant_user)
    assert case.status == Status.REFUNDED and case.closed_at is not None
    assert events(case) == ["opened", "accepted", "refund_paid"]
    refund = case.refunds.get()
    assert refund.amount == case.amount_agreed and refund.reason == "after_sales"
    assert refund.idempotency_key == f"case:{case.pk}:1"
    # a damaged item kept by the buyer: customs keeps the tax, the escrow pays it all
    assert case.tax_refunded.amount == 0 and not case.quota_restored
    assert -balance(LedgerAccount.ESCROW, order=order) == escrow_before - refund.amount.amount
    line.refresh_from_db()
    order.refresh_from_db()
    assert line.refunded_quantity == 1
    assert order.status == Order.Status.DELIVERED
    assert order.events.filter(kind=OrderEvent.Kind.CASE_REFUNDED).exists()
    assert order.user.notifications.filter(kind="aftersales", title_en__startswith="Refund of").exists()
    assert_ledger_sound(order, case=case)

    # the release after it: commission only on the unit kept
    payment_services.order_confirm_receipt(user=order.user, number=order.number)
    release = LedgerTransaction.objects.get(kind="release", order=order)
    commission = -release.entries.get(account=LedgerAccount.PLATFORM_REVENUE).amount.amount
    assert commission == (line.goods_cny.amount / 2 * Decimal("0.05")).quantize(Decimal("0.01"))
    assert balance(LedgerAccount.ESCROW, order=order) == 0
    assert_ledger_sound(order, case=case)


def test_partial_offer_accepted_pays_the_offer(order):
    merchant_user = store_member(order.merchant)
    case = open_case(order)
    case = cases.case_offer(case=case, actor=merchant_user, amount="50.00", note="A scratch only")
    assert case.status == Status.OFFERED and case.buyer_respond_by is not None
    assert order.user.notifications.filter(title_en__contains="partial refund").exists()
    case = cases.case_offer_accept(case=case, actor=order.user)
    assert case.status == Status.REFUNDED
    assert case.amount_agreed.amount == Decimal("50.00")
    assert case.refunds.get().amount.amount == Decimal("50.00")
    assert events(case) == ["opened", "offered", "offer_accepted", "refund_paid"]
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert_ledger_sound(order, case=case)


def test_refused_and_the_buyer_lets_it_close(order):
    merchant_user = store_member(order.merchant)
    case = cases.case_refuse(case=open_case(order), actor=merchant_user, reason="Photos show no damage.")
    assert case.status == Status.REFUSED and case.refusal_reason == "Photos show no damage."
    assert cases.cases_deadlines_check(now=later(days=6))["expired"] == 0
    assert cases.cases_deadlines_check(now=later(days=7, minutes=1))["expired"] == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert events(case)[-1] == "expired"
    assert not LedgerTransaction.objects.filter(kind="aftersales_refund").exists()
    assert order.events.filter(kind=OrderEvent.Kind.CASE_CLOSED).exists()
    assert_ledger_sound(order)


def test_the_store_silent_past_its_deadline_accepts(order):
    case = open_case(order)
    assert cases.cases_deadlines_check(now=later(hours=47))["accepted"] == 0
    counts = cases.cases_deadlines_check(now=later(hours=48, minutes=1))
    assert counts["accepted"] == 1
    case.refresh_from_db()
    assert case.status == Status.REFUNDED
    assert events(case) == ["opened", "auto_accepted", "refund_paid"]
    assert case.refunds.get().amount == case.amount_requested
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED  # everything was asked for and paid back
    assert balance(LedgerAccount.ESCROW, order=order) == 0
    assert_ledger_sound(order, case=case)


def test_offer_ignored_by_the_buyer_closes(order):
    case = cases.case_offer(case=open_case(order), actor=store_member(order.merchant), amount="10")
    cases.cases_deadlines_check(now=later(days=8))
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def _deliver(shipment, when=None):
    shipment_event_record(
        shipment=shipment,
        kind=ShipmentEvent.Kind.DELIVERED,
        occurred_at=when or timezone.now(),
        source=ShipmentEvent.Source.CARRIER,
    )


def test_return_shipped_delivered_and_received(order):
    merchant = order.merchant
    merchant.return_recipient, merchant.return_phone = "退货部", "13900000000"
    merchant.return_address = "上海市浦东新区保税区 1 号仓"
    merchant.save()
    merchant_user = store_member(merchant)
    quota_before = quota_used(order.buyer_id_number)
    case = open_case(order, kind=Kind.RETURN, reason=Reason.CHANGED_MIND)
    case = cases.case_accept(case=case, actor=merchant_user)
    assert case.status == Status.AWAITING_RETURN and case.buyer_respond_by is not None
    shipment = cases.case_return_ship(
        case=case, actor=order.user, provider_code="sf-express", weight_grams=900
    )
    assert shipment.kind == Shipment.Kind.RETURN and shipment.case == case
    assert shipment.consignee_name == "退货部" and shipment.origin_country == "CN"
    assert shipment.price.amount == Decimal("23.00")  # SF domestic: 15 + one 500 g step of 8
    case.refresh_from_db()
    assert case.status == Status.RETURNING
    assert "上海市浦东新区保税区 1 号仓" in case.events.get(kind="return_shipped").note
    # still nothing released
    assert payment_services.escrow_release_due(now=later(days=30)) == 0

    _deliver(shipment)
    case.refresh_from_db()
    assert case.return_check_by is not None
    assert case.events.filter(kind="return_delivered").exists()
    case = cases.case_return_received(case=case, actor=merchant_user)
    assert case.status == Status.REFUNDED
    assert events(case) == [
        "opened",
        "accepted",
        "return_shipped",
        "return_delivered",
        "return_received",
        "refund_paid",
    ]
    # a customs return within 30 days: the tax comes back from customs, the quota is restored
    order.refresh_from_db()
    assert case.quota_restored and case.tax_refunded == order.tax_total
    assert order.goods_returned == order.goods_total
    assert quota_used(order.buyer_id_number) == quota_before - order.goods_total.amount
    assert order.status == Order.Status.REFUNDED
    assert balance(LedgerAccount.TAX_PAYABLE, order=order) == 0
    assert balance(LedgerAccount.ESCROW, order=order) == 0
    assert_ledger_sound(order, case=case)


def test_partial_return_restores_the_quota_of_the_returned_units(order):
    merchant_user = store_member(order.merchant)
    line = order.lines.get()
    quota_before = quota_used(order.buyer_id_number)
    case = open_case(order, kind=Kind.RETURN, lines=[{"line_id": line.pk, "quantity": 1}])
    cases.case_accept(case=case, actor=merchant_user)
    shipment = cases.case_return_ship(case=case, actor=order.user, provider_code="ems", weight_grams=400)
    _deliver(shipment)
    case = cases.case_return_received(case=case, actor=merchant_user)
    order.refresh_from_db()
    half = (line.goods_cny.amount / 2).quantize(Decimal("0.01"))
    assert order.status == Order.Status.DELIVERED
    assert order.goods_returned.amount == half
    assert quota_used(order.buyer_id_number) == quota_before - half
    assert case.tax_refunded.amount == (line.tax_cny.amount / 2).quantize(Decimal("0.01"))
    assert_ledger_sound(order, case=case)


def test_the_carrier_simulator_moves_a_return_parcel_to_the_store_and_starts_its_check(order):
    from logistics import simulator

    case = cases.case_accept(case=open_case(order, kind=Kind.RETURN), actor=store_member(order.merchant))
    shipment = cases.case_return_ship(case=case, actor=order.user, provider_code="ems", weight_grams=500)
    assert simulator.simulate(now=shipment.created_at + timedelta(minutes=30)) == 0  # not picked up yet
    Shipment.objects.filter(pk=shipment.pk).update(created_at=timezone.now() - timedelta(days=20))
    shipment.refresh_from_db()
    assert simulator.simulate() == 4
    assert simulator.simulate() == 0  # a rerun adds nothing
    path = list(shipment.events.order_by("occurred_at", "id").values_list("kind", flat=True))
    assert path == ["accepted", "departed_origin", "out_for_delivery", "delivered"]  # no customs
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED
    assert case.status == Status.RETURNING and case.return_check_by is not None
    assert case.events.filter(kind="return_delivered").count() == 1


def test_returned_goods_the_store_does_not_check_are_accepted_after_7_days(order):
    case = cases.case_accept(case=open_case(order, kind=Kind.RETURN), actor=store_member(order.merchant))
    shipment = cases.case_return_ship(case=case, actor=order.user, provider_code="ems", weight_grams=500)
    _deliver(shipment)
    case.refresh_from_db()
    assert cases.cases_deadlines_check(now=later(days=6))["received"] == 0
    assert cases.cases_deadlines_check(now=later(days=7, minutes=1))["received"] == 1
    case.refresh_from_db()
    assert case.status == Status.REFUNDED
    assert "return_auto_received" in events(case)
    assert_ledger_sound(order, case=case)


def test_the_job_notices_a_return_delivered_without_the_hook(order):
    case = cases.case_accept(case=open_case(order, kind=Kind.RETURN), actor=store_member(order.merchant))
    shipment = cases.case_return_ship(case=case, actor=order.user, provider_code="ems", weight_grams=500)
    Shipment.objects.filter(pk=shipment.pk).update(delivered_at=timezone.now(), status="delivered")
    assert cases.cases_deadlines_check()["return_delivered"] == 1
    case.refresh_from_db()
    assert case.return_check_by is not None


def test_a_return_never_sent_closes(order):
    case = cases.case_accept(case=open_case(order, kind=Kind.RETURN), actor=store_member(order.merchant))
    cases.cases_deadlines_check(now=later(days=8))
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert_ledger_sound(order)


def test_escalated_by_the_buyer_and_decided_in_full_for_counterfeit(order):
    merchant_user, staff = store_member(order.merchant), arbitrator()
    case = open_case(order, reason=Reason.COUNTERFEIT)
    cases.case_refuse(case=case, actor=merchant_user, reason="Genuine, we have the invoice.")
    case = cases.case_escalate(case=case, actor=order.user, note="The logo is misprinted.")
    assert case.status == Status.ARBITRATION and case.escalated_by == "buyer"
    assert merchant_user.notifications.filter(kind="arbitration").exists()
    info = cases.arbitration_info_request(
        case=case, actor=staff, party="merchant", message="Send the invoice."
    )
    assert info.due_at > timezone.now() + timedelta(days=2)
    cases.case_evidence_add(case=case, actor=merchant_user, note="Invoice INV-1 attached.")
    info.refresh_from_db()
    assert info.answered_at is not None
    case = cases.arbitration_decide(
        case=case, actor=staff, outcome="full", reason="The invoice is for another item."
    )
    assert case.status == Status.REFUNDED and case.outcome == "full"
    assert case.decision_reason == "The invoice is for another item."
    violation = Violation.objects.get(merchant=order.merchant)
    assert violation.kind.code == "counterfeit" and violation.points == 48
    order.merchant.refresh_from_db()
    assert order.merchant.blacklist_proposed_at is not None
    assert order.user.notifications.filter(kind="arbitration", title_en__contains="decided").exists()
    assert_ledger_sound(order, case=case)


def test_a_request_for_more_not_answered_in_time_lapses_once_and_a_late_answer_is_still_taken(order):
    merchant_user, staff = store_member(order.merchant), arbitrator()
    case = open_case(order, reason=Reason.DAMAGED)
    cases.case_refuse(case=case, actor=merchant_user, reason="It left us intact.")
    case = cases.case_escalate(case=case, actor=order.user)
    info = cases.arbitration_info_request(
        case=case, actor=staff, party="merchant", message="Send the packing photos.",
        due_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    # before the deadline the job leaves it alone
    assert cases.cases_deadlines_check(now=timezone.now() + timedelta(hours=23))["info_lapsed"] == 0
    after = timezone.now() + timedelta(days=1, minutes=10)
    assert cases.cases_deadlines_check(now=after)["info_lapsed"] == 1
    assert cases.cases_deadlines_check(now=after)["info_lapsed"] == 0  # once
    info.refresh_from_db()
    case.refresh_from_db()
    assert info.lapsed_at == after and info.answered_at is None
    assert case.status == Status.ARBITRATION  # the arbitrator decides, not the clock
    assert events(case)[-1] == "info_lapsed"
    assert merchant_user.notifications.filter(title_en__contains="deadline to answer").count() == 1
    assert staff.notifications.filter(title_en__startswith="No answer in time").count() == 1
    assert not order.user.notifications.filter(title_en__contains="deadline to answer").exists()
    from orders.cases.selectors import arbitration_queue

    row = arbitration_queue().get(pk=case.pk)
    assert (row.open_info_requests, row.lapsed_info_requests) == (0, 1)
    # a late answer is still evidence, and marks the request answered
    cases.case_evidence_add(case=case, actor=merchant_user, note="Photos attached, sorry for the delay.")
    info.refresh_from_db()
    assert info.answered_at is not None
    row = arbitration_queue().get(pk=case.pk)
    assert (row.open_info_requests, row.lapsed_info_requests) == (0, 0)
    case = cases.arbitration_decide(case=case, actor=staff, outcome="rejected", reason="Packed well.")
    assert case.status == Status.CLOSED
    assert_ledger_sound(order)


def test_escalated_by_the_store_after_an_offer_and_decided_partially(order):
    merchant_user, staff = store_member(order.merchant), arbitrator()
    case = open_case(order, reason=Reason.NOT_AS_DESCRIBED)
    cases.case_offer(case=case, actor=merchant_user, amount="20.00")
    case = cases.case_escalate(case=case, actor=merchant_user)
    assert case.escalated_by == "merchant"
    case = cases.arbitration_decide(case=case, actor=staff, outcome="partial", amount="80.00", reason="Half.")
    assert case.status == Status.REFUNDED and case.amount_agreed.amount == Decimal("80.00")
    assert Violation.objects.get(merchant=order.merchant).kind.code == "false-description"
    assert_ledger_sound(order, case=case)


def test_rejected_in_arbitration_closes_and_the_clock_resumes_extended(order):
    merchant_user, staff = store_member(order.merchant), arbitrator()
    opened_at = timezone.now()
    case = open_case(order)
    cases.case_refuse(case=case, actor=merchant_user, reason="No.")
    cases.case_escalate(case=case, actor=merchant_user)
    # the case stays open three days
    AfterSalesCase.objects.filter(pk=case.pk).update(created_at=opened_at - timedelta(days=3))
    order.refresh_from_db()
    Order.objects.filter(pk=order.pk).update(delivered_at=opened_at - timedelta(days=5))
    case = cases.arbitration_decide(case=case, actor=staff, outcome="rejected", reason="Not shown.")
    assert case.status == Status.CLOSED and case.outcome == "rejected"
    assert not Violation.objects.exists()
    order.refresh_from_db()
    # 14 days after delivery, plus the 3 days the case was open
    assert order.auto_release_at == pytest.approx(
        order.delivered_at + timedelta(days=17), abs=timedelta(seconds=5)
    )
    assert payment_services.escrow_release_due(now=order.delivered_at + timedelta(days=16)) == 0
    assert payment_services.escrow_release_due(now=order.delivered_at + timedelta(days=17, seconds=10)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert_ledger_sound(order)


def test_withdrawn_by_the_buyer(order):
    case = cases.case_withdraw(case=open_case(order), actor=order.user)
    assert case.status == Status.CLOSED
    assert events(case) == ["opened", "withdrawn"]
    assert order.events.filter(kind=OrderEvent.Kind.CASE_CLOSED).exists()
    assert not LedgerTransaction.objects.filter(kind="aftersales_refund").exists()
    # a new request may follow
    again = open_case(order)
    assert again.status == Status.REQUESTED


def test_the_store_gives_in_during_arbitration(order):
    merchant_user = store_member(order.merchant)
    case = open_case(order)
    cases.case_refuse(case=case, actor=merchant_user, reason="No.")
    cases.case_escalate(case=case, actor=order.user)
    case = cases.case_accept(case=case, actor=merchant_user)
    assert case.status == Status.REFUNDED
    assert_ledger_sound(order, case=case)


def test_refund_after_release_comes_from_the_balance_and_gives_back_commission(rates):
    order = completed_order(
        merchant=MerchantFactory(settlement_currency="USD"), prices=("100.00",), quantity=2
    )
    before_balance = balance(LedgerAccount.MERCHANT_BALANCE, "USD", merchant=order.merchant)
    case = open_case(order)
    case = cases.case_accept(case=case, actor=store_member(order.merchant))
    assert case.status == Status.REFUNDED
    txn = LedgerTransaction.objects.get(kind="aftersales_refund")
    entries = {(e.account, str(e.amount.currency)): e.amount.amount for e in txn.entries.all()}
    line = order.lines.get()
    assert entries[(LedgerAccount.PLATFORM_REVENUE, "CNY")] == (
        line.goods_cny.amount * Decimal("0.05")
    ).quantize(Decimal("0.01"))
    assert balance(LedgerAccount.MERCHANT_BALANCE, "USD", merchant=order.merchant) > before_balance
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert_ledger_sound(order, case=case)


def test_every_event_names_its_status_change(order):
    case = cases.case_accept(case=open_case(order), actor=store_member(order.merchant))
    for event in case.events.all():
        assert event.to_status
    assert CaseEvent.objects.filter(
        case=case, kind="accepted", from_status="requested", to_status="refunding"
    ).exists()
    assert all_lines(order)


def test_the_deadline_job_is_scheduled_every_ten_minutes_and_runs(order, settings):
    from orders import tasks

    assert settings.CELERY_BEAT_SCHEDULE["orders-cases-deadlines"] == {
        "task": "orders.tasks.cases_deadlines_check",
        "schedule": 600,
    }
    open_case(order)
    assert tasks.cases_deadlines_check.delay().get()["accepted"] == 0


def test_each_event_notifies_the_other_side_once(order):
    merchant_user = store_member(order.merchant)
    colleague = store_member(order.merchant)
    case = open_case(order)
    for person in (merchant_user, colleague):
        opened = person.notifications.get(kind="aftersales")
        assert case.number in opened.title_en and opened.dedupe_key == f"case:{case.pk}:opened"
    assert not order.user.notifications.filter(kind="aftersales").exists()
    cases.case_refuse(case=case, actor=merchant_user, reason="No.")
    refused = order.user.notifications.get(kind="aftersales")
    assert "No." in refused.body_en
    cases.case_escalate(case=case, actor=order.user)
    assert merchant_user.notifications.filter(kind="arbitration").count() == 1
