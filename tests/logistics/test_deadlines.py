"""Logistics deadlines with time moved forward: late shipments (one violation and one compensation per
order, however often the job runs, also twice at once on PostgreSQL) and late deliveries counted in
working days."""

import re
import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone
from djmoney.money import Money

from logistics.errors import BreachAlreadyResolved, NotPlatformStaff, ResolutionNoteRequired
from logistics.models import DeadlineBreach
from logistics.services import deadlines
from logistics.tasks import logistics_deadlines_check
from marketplace.models import Product
from merchants.models import Violation
from orders import services as order_services
from orders.models import Order, OrderEvent
from tests.factories import UserFactory, paid_order, shipment_for

from .customs_helpers import english  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("english")

LATE = DeadlineBreach.Kind.SHIPPED_LATE


def _breaches(order, kind=LATE):
    return DeadlineBreach.objects.filter(order=order, kind=kind)


@pytest.mark.usefixtures("rates")
class TestLateShipment:
    def test_direct_mail_has_120_hours_and_bonded_72(self):
        direct = paid_order()
        bonded = paid_order(shipping_mode=Product.ShippingMode.BONDED)
        assert direct.ship_by - direct.paid_at == timedelta(hours=120)
        assert bonded.ship_by - bonded.paid_at == timedelta(hours=72)
        deadlines.deadlines_check(now=bonded.paid_at + timedelta(hours=72, minutes=1))
        assert _breaches(bonded).count() == 1
        assert _breaches(direct).count() == 0

    def test_nothing_before_the_deadline(self):
        order = paid_order()
        assert deadlines.deadlines_check(now=order.ship_by - timedelta(seconds=1))["shipped_late"] == 0
        assert not DeadlineBreach.objects.exists()

    def test_unshipped_order_late_once_however_often_the_job_runs(self, mailoutbox):
        order = paid_order(prices=("10.00",))
        now = order.ship_by + timedelta(minutes=1)
        assert deadlines.deadlines_check(now=now) == {"shipped_late": 1, "delivery_late": 0}
        assert deadlines.deadlines_check(now=now) == {"shipped_late": 0, "delivery_late": 0}
        deadlines.deadlines_check(now=now + timedelta(days=3))

        breach = _breaches(order).get()
        assert breach.deadline == order.ship_by
        # 10% of the goods value (USD 10.00 at 7.12 = CNY 71.20).
        assert order.goods_total == Money("71.20", "CNY")
        assert breach.compensation == Money("7.12", "CNY")
        violation = Violation.objects.get(merchant=order.merchant)
        assert breach.violation == violation
        assert violation.kind.code == "late-shipment" and violation.points == 2
        assert violation.recorded_by.username == "platform-deadlines"
        assert order.number in violation.note
        told = order.events.get(kind=OrderEvent.Kind.SHIPPED_LATE)
        assert "You may cancel for a full refund" in told.note
        assert "7.12" in told.note

    def test_the_buyer_may_then_cancel_for_a_full_refund(self):
        order = paid_order()
        deadlines.deadlines_check(now=order.ship_by + timedelta(minutes=1))
        refund = order_services.order_cancel(user=order.user, number=order.number, idempotency_key="late-1")
        assert refund.amount == order.total
        order.refresh_from_db()
        assert order.status == Order.Status.REFUNDED

    def test_order_shipped_after_its_deadline(self):
        order = paid_order()
        Order.objects.filter(pk=order.pk).update(ship_by=timezone.now() - timedelta(hours=1))
        shipment_for(order)
        on_time = paid_order()
        shipment_for(on_time)
        deadlines.deadlines_check()
        deadlines.deadlines_check()
        assert _breaches(order).count() == 1
        assert _breaches(on_time).count() == 0
        assert "shipped after its deadline" in order.events.get(kind=OrderEvent.Kind.SHIPPED_LATE).note
        assert Violation.objects.filter(merchant=order.merchant).count() == 1

    def test_cancelled_in_time_is_not_late(self):
        order = paid_order()
        order_services.order_cancel(user=order.user, number=order.number, idempotency_key="early")
        deadlines.deadlines_check(now=order.ship_by + timedelta(days=1))
        assert not DeadlineBreach.objects.exists()

    def test_the_scheduled_task_runs_the_check(self):
        order = paid_order()
        Order.objects.filter(pk=order.pk).update(ship_by=timezone.now() - timedelta(minutes=1))
        assert logistics_deadlines_check.delay().get()["shipped_late"] == 1


def test_compensation_is_rounded_once_half_up_to_the_fen(settings):
    order = Order(goods_total=Money("10.05", "CNY"))
    assert deadlines.compensation_for(order) == Decimal("1.01")  # 1.005: half up, not half even
    settings.LOGISTICS_LATE_SHIPMENT_COMPENSATION = "0.3"
    assert deadlines.compensation_for(order) == Decimal("3.02")  # 3.015


@pytest.mark.usefixtures("rates")
class TestLateDelivery:
    def _shipped_on(self, moment):
        order = paid_order()
        shipment_for(order)
        Order.objects.filter(pk=order.pk).update(shipped_at=moment)
        return order

    def test_fourteen_working_days_across_national_day(self):
        tz = timezone.get_current_timezone()
        order = self._shipped_on(datetime(2026, 9, 28, 10, 0, tzinfo=tz))
        # The 14th working day after Monday 28 September 2026 is Thursday 22 October.
        assert deadlines.delivery_deadline(datetime(2026, 9, 28, 10, tzinfo=tz)) == (
            datetime(2026, 10, 23, 0, 0, tzinfo=tz)
        )
        deadlines.deadlines_check(now=datetime(2026, 10, 22, 23, 59, tzinfo=tz))
        assert not _breaches(order, DeadlineBreach.Kind.DELIVERY_LATE).exists()
        counts = deadlines.deadlines_check(now=datetime(2026, 10, 23, 0, 1, tzinfo=tz))
        assert counts["delivery_late"] == 1
        deadlines.deadlines_check(now=datetime(2026, 10, 30, tzinfo=tz))
        breach = _breaches(order, DeadlineBreach.Kind.DELIVERY_LATE).get()
        assert breach.deadline == datetime(2026, 10, 23, tzinfo=tz)
        assert breach.compensation is None and breach.violation is None

    def test_a_delivered_order_is_not_late(self):
        tz = timezone.get_current_timezone()
        order = self._shipped_on(datetime(2026, 3, 2, 10, tzinfo=tz))
        order_services.order_deliver(order=order)
        deadlines.deadlines_check(now=datetime(2026, 4, 30, tzinfo=tz))
        assert not DeadlineBreach.objects.filter(kind=DeadlineBreach.Kind.DELIVERY_LATE).exists()

    def test_staff_resolve_a_late_delivery_with_a_note(self):
        tz = timezone.get_current_timezone()
        order = self._shipped_on(datetime(2026, 3, 2, 10, tzinfo=tz))
        deadlines.deadlines_check(now=datetime(2026, 4, 30, tzinfo=tz))
        breach = _breaches(order, DeadlineBreach.Kind.DELIVERY_LATE).get()
        staff = UserFactory(is_staff=True)
        with pytest.raises(NotPlatformStaff):
            deadlines.late_delivery_resolve(breach=breach, staff_user=order.user, note="x")
        with pytest.raises(ResolutionNoteRequired):
            deadlines.late_delivery_resolve(breach=breach, staff_user=staff, note=" ")
        breach = deadlines.late_delivery_resolve(breach=breach, staff_user=staff, note="Carrier found it.")
        assert breach.resolved_by == staff and breach.resolution_note == "Carrier found it."
        with pytest.raises(BreachAlreadyResolved):
            deadlines.late_delivery_resolve(breach=breach, staff_user=staff, note="again")


@pytest.mark.usefixtures("rates")
def test_staff_late_delivery_queue_page_and_api(client, django_assert_max_num_queries):
    tz = timezone.get_current_timezone()
    orders = []
    for day in (2, 3):
        order = paid_order()
        shipment_for(order)
        Order.objects.filter(pk=order.pk).update(shipped_at=datetime(2026, 3, day, 10, tzinfo=tz))
        orders.append(order)
    deadlines.deadlines_check(now=datetime(2026, 4, 30, tzinfo=tz))
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    with django_assert_max_num_queries(9):  # 8, and the header bell's unread count
        page = client.get("/staff/logistics/late-deliveries/").content.decode()
    assert page.index(orders[0].number) < page.index(orders[1].number)  # the oldest deadline first
    breach = _breaches(orders[0], DeadlineBreach.Kind.DELIVERY_LATE).get()
    response = client.post(
        f"/staff/logistics/late-deliveries/{breach.pk}/resolve/", {"note": "Carrier found it."}
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.resolved_by == staff
    page = client.get("/staff/logistics/late-deliveries/").content.decode()
    assert f"<strong>{orders[0].number}</strong>" not in page  # (the success message names it)
    assert f"<strong>{orders[1].number}</strong>" in page
    listed = client.get("/api/v1/staff/late-deliveries/").json()["results"]
    assert [row["order"] for row in listed] == [orders[1].number]
    other = _breaches(orders[1], DeadlineBreach.Kind.DELIVERY_LATE).get()
    api = f"/api/v1/staff/late-deliveries/{other.pk}/resolve/"
    assert client.post(api, {"note": "Delivered late."}, content_type="application/json").status_code == 200
    again = client.post(api, {"note": "again"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "breach_already_resolved"
    client.force_login(orders[1].user)
    assert client.get("/staff/logistics/late-deliveries/").status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
)
def test_two_runs_at_once_record_one_violation_and_one_compensation_per_order(rates):
    orders = [paid_order() for _ in range(4)]
    now = max(order.ship_by for order in orders) + timedelta(minutes=1)
    runs = 4
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(deadlines.deadlines_check(now=now)["shipped_late"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(results) == len(orders)
    for order in orders:
        assert _breaches(order).count() == 1
        assert Violation.objects.filter(merchant=order.merchant).count() == 1
        assert order.events.filter(kind=OrderEvent.Kind.SHIPPED_LATE).count() == 1


# --- merchant numbers ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("rates")
def test_credit_page_shows_on_time_rate_and_time_to_ship_from_the_records(client, django_assert_num_queries):
    from logistics.selectors import merchant_shipping_numbers
    from tests.factories import MerchantFactory

    store = MerchantFactory()
    now = timezone.now()

    def order(*, paid_days_ago, shipped_after_hours=None, refunded_after_hours=None, merchant=store):
        o = paid_order(merchant=merchant)
        paid_at = now - timedelta(days=paid_days_ago)
        fields = {"paid_at": paid_at, "ship_by": paid_at + timedelta(hours=120)}
        if shipped_after_hours is not None:
            fields |= {
                "status": Order.Status.SHIPPED,
                "shipped_at": paid_at + timedelta(hours=shipped_after_hours),
            }
        if refunded_after_hours is not None:
            fields |= {
                "status": Order.Status.REFUNDED,
                "closed_at": paid_at + timedelta(hours=refunded_after_hours),
            }
        Order.objects.filter(pk=o.pk).update(**fields)
        return o

    order(paid_days_ago=10, shipped_after_hours=24)  # due, on time, 24 h
    order(paid_days_ago=20, shipped_after_hours=130)  # due, late, 130 h
    order(paid_days_ago=8)  # due (ship-by passed), not shipped
    order(paid_days_ago=1)  # not due yet
    order(paid_days_ago=100, shipped_after_hours=200)  # outside the 90 days
    order(paid_days_ago=10, refunded_after_hours=20)  # refunded before its ship-by: never due
    order(paid_days_ago=10, shipped_after_hours=300, merchant=MerchantFactory())  # another store

    # Computed by hand from the records above: 1 of 3 due orders on time; (24 + 130) / 2 hours.
    with django_assert_num_queries(1):
        numbers = merchant_shipping_numbers(store)
    assert (numbers.due, numbers.on_time, numbers.shipped) == (3, 1, 2)
    assert numbers.on_time_rate == Decimal("33.3")
    assert numbers.average_hours_to_ship == Decimal("77.0")

    page = client.get(f"/stores/{store.slug}/credit/").content.decode()
    assert re.search(r'data-figure="on-time-rate">[^<]*33\.3%', page)
    assert re.search(r'data-figure="time-to-ship">[^<]*77\.0', page)


@pytest.mark.usefixtures("rates")
def test_credit_page_without_orders_says_not_enough_shipments(client):
    from tests.factories import MerchantFactory

    store = MerchantFactory()
    page = client.get(f"/stores/{store.slug}/credit/").content.decode()
    # The shipping figures are not shown (the page's other figures, penalties and time on the platform,
    # always are: tests/merchants/test_credit_figures.py).
    assert 'data-figure="on-time-rate"' not in page and 'data-figure="time-to-ship"' not in page
