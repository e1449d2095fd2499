"""The shopper confirms receipt (page with its confirmation, API), the countdown to the automatic
release, staff holds (pages and API) and what the store sees; the automatic release's timing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from orders import services as order_services
from orders.models import Order, OrderEvent
from payments import selectors, services
from payments.errors import ReleaseOnHold
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, ReleaseHold
from payments.tasks import escrow_release_due as escrow_release_due_task
from tests.factories import MerchantFactory, MerchantMemberFactory, StaffFactory, UserFactory, paid_order

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English wording of pages and emails (the site's default is Chinese)."""
    settings.LANGUAGE_CODE = "en"



def finance_staff(*codenames):
    staff = StaffFactory()
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=codenames or ("view_finance", "manage_finance"))
    )
    return type(staff).objects.get(pk=staff.pk)


@pytest.fixture
def shipped(rates):
    order = paid_order(merchant=MerchantFactory(settlement_currency="JPY"), prices=("3000",))
    return order_services.order_ship(order=order)


def deliver(order, days_ago=0, **delta):
    return order_services.order_deliver(
        order=order, delivered_at=timezone.now() - timedelta(days=days_ago, **delta)
    )


def releases(order):
    return LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE, order=order).count()


# --- The order page --------------------------------------------------------------------------------


def test_the_page_asks_first_then_completes_the_order(client, shipped):
    client.force_login(shipped.user)
    page = client.get(shipped.get_absolute_url()).content.decode()
    assert "data-confirm-receipt" in page
    assert "cannot take it back" in page  # the dialog's question, in the form
    url = reverse("orders:confirm_receipt", args=[shipped.number])

    asked = client.post(url)  # no confirm=yes: a question, nothing released
    assert asked.status_code == 400
    assert "cannot take it back" in asked.content.decode()
    assert releases(shipped) == 0

    done = client.post(url, {"confirm": "yes"}, follow=True)
    shipped.refresh_from_db()
    assert shipped.status == Order.Status.COMPLETED
    assert releases(shipped) == 1
    assert "payment has been released to the store" in done.content.decode()
    assert "data-confirm-receipt" not in done.content.decode()
    assert shipped.events.filter(kind=OrderEvent.Kind.RECEIPT_CONFIRMED, actor=shipped.user).exists()

    again = client.post(url, {"confirm": "yes"})  # a second click changes nothing
    assert again.status_code == 302 and releases(shipped) == 1


def test_a_delivered_order_shows_the_countdown(client, shipped, settings):
    settings.ESCROW_AUTO_RELEASE_DAYS = 14
    deliver(shipped, days_ago=4, hours=1)
    client.force_login(shipped.user)
    page = client.get(shipped.get_absolute_url()).content.decode()
    shipped.refresh_from_db()
    expected = timezone.localtime(shipped.delivered_at + timedelta(days=14)).strftime("%Y-%m-%d")
    assert f"Confirmed automatically on {expected} (in 10 days)" in page


def test_a_hold_shows_on_the_page_and_a_confirmation_is_refused_with_a_message(client, shipped):
    services.release_hold_place(order=shipped, actor=finance_staff(), reason="Chargeback inquiry")
    client.force_login(shipped.user)
    page = client.get(shipped.get_absolute_url()).content.decode()
    assert "data-release-hold" in page and "data-confirm-receipt" not in page
    assert "data-release-hold" in client.get(reverse("orders:list")).content.decode()
    # A form sent anyway (an old tab): a clear message, never a 500, nothing released.
    answer = client.post(
        reverse("orders:confirm_receipt", args=[shipped.number]), {"confirm": "yes"}, follow=True
    )
    assert answer.status_code == 200
    assert "on hold" in answer.content.decode()
    assert releases(shipped) == 0


def test_a_paid_order_cannot_be_confirmed_and_says_why(client, rates):
    order = paid_order()
    client.force_login(order.user)
    assert "data-confirm-receipt" not in client.get(order.get_absolute_url()).content.decode()
    answer = client.post(
        reverse("orders:confirm_receipt", args=[order.number]), {"confirm": "yes"}, follow=True
    )
    assert answer.status_code == 200
    assert "cannot be released now" in answer.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_another_shoppers_order_is_not_found(client, shipped):
    client.force_login(UserFactory())
    assert (
        client.post(reverse("orders:confirm_receipt", args=[shipped.number]), {"confirm": "yes"}).status_code
        == 404
    )
    assert releases(shipped) == 0


def test_the_order_list_offers_the_button_and_its_queries_do_not_grow(
    client, rates, django_assert_max_num_queries
):
    first = order_services.order_ship(order=paid_order())
    client.force_login(first.user)
    with django_assert_max_num_queries(20) as few:
        page = client.get(reverse("orders:list")).content.decode()
    assert page.count("data-confirm-receipt") == 1
    for _ in range(4):
        order_services.order_ship(order=paid_order(user=first.user))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("orders:list")).content.decode()
    assert page.count("data-confirm-receipt") == 5


# --- API -------------------------------------------------------------------------------------------


def test_api_confirm_receipt_returns_the_completed_order(client, shipped):
    client.force_login(shipped.user)
    url = f"/api/v1/orders/{shipped.number}/confirm-receipt/"
    answer = client.post(url)
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "completed"
    assert answer.json()["release_on_hold"] is False
    assert client.post(url).status_code == 200 and releases(shipped) == 1


def test_api_shows_the_release_date_and_the_hold_and_refuses_while_held(client, shipped, settings):
    settings.ESCROW_AUTO_RELEASE_DAYS = 14
    deliver(shipped, days_ago=1)
    client.force_login(shipped.user)
    detail = client.get(f"/api/v1/orders/{shipped.number}/").json()
    shipped.refresh_from_db()
    assert detail["auto_release_at"] is not None
    assert detail["release_on_hold"] is False
    services.release_hold_place(order=shipped, actor=finance_staff(), reason="fraud check")
    listed = client.get("/api/v1/orders/").json()["results"][0]
    assert listed["release_on_hold"] is True
    refused = client.post(f"/api/v1/orders/{shipped.number}/confirm-receipt/")
    assert refused.status_code == 409 and refused.json()["code"] == "release_on_hold"


def test_api_another_shoppers_order_is_404(client, shipped):
    client.force_login(UserFactory())
    assert client.post(f"/api/v1/orders/{shipped.number}/confirm-receipt/").status_code == 404


def test_api_a_paid_order_is_409(client, rates):
    order = paid_order()
    client.force_login(order.user)
    answer = client.post(f"/api/v1/orders/{order.number}/confirm-receipt/")
    assert answer.status_code == 409 and answer.json()["code"] == "order_not_releasable"


# --- Staff holds -----------------------------------------------------------------------------------


def test_finance_staff_place_list_and_lift_a_hold_on_the_page(client, shipped):
    staff = finance_staff()
    client.force_login(staff)
    assert client.get(reverse("staff_holds:list")).status_code == 200
    client.post(reverse("staff_holds:place"), {"number": shipped.number, "reason": "Card dispute"})
    hold = ReleaseHold.objects.get(order=shipped, lifted_at__isnull=True)
    page = client.get(reverse("staff_holds:list")).content.decode()
    assert "Card dispute" in page and shipped.number in page
    with pytest.raises(ReleaseOnHold):
        services.order_confirm_receipt(user=shipped.user, number=shipped.number)
    # The store sees it on its order page.
    member = MerchantMemberFactory(merchant=shipped.merchant)
    seller = client.__class__()
    seller.force_login(member.user)
    assert (
        "data-release-hold"
        in seller.get(reverse("seller_orders:detail", args=[shipped.number])).content.decode()
    )

    client.post(reverse("staff_holds:lift", args=[hold.pk]), {"note": "Dispute withdrawn"})
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lifted_by == staff
    assert f'data-hold="{shipped.number}"' not in client.get(reverse("staff_holds:list")).content.decode()
    services.order_confirm_receipt(user=shipped.user, number=shipped.number)
    assert releases(shipped) == 1


def test_the_hold_page_says_what_is_wrong(client, shipped):
    client.force_login(finance_staff())
    for body, text in [
        ({"number": "NOPE", "reason": "x"}, "There is no order NOPE"),
        ({"number": shipped.number, "reason": "  "}, "order number and the reason"),
    ]:
        answer = client.post(reverse("staff_holds:place"), body, follow=True)
        assert answer.status_code == 200 and text in answer.content.decode()
    services.order_confirm_receipt(user=shipped.user, number=shipped.number)
    answer = client.post(
        reverse("staff_holds:place"), {"number": shipped.number, "reason": "late"}, follow=True
    )
    assert "no held payment to stop" in answer.content.decode()
    assert not ReleaseHold.objects.exists()


def test_staff_without_the_finance_permission_are_refused(client, shipped):
    client.force_login(finance_staff("view_finance"))
    assert client.get(reverse("staff_holds:list")).status_code == 403
    answer = client.post(reverse("staff_holds:place"), {"number": shipped.number, "reason": "x"})
    assert answer.status_code == 403
    assert (
        client.post("/api/v1/staff/release-holds/", {"order": shipped.number, "reason": "x"}).status_code
        == 403
    )
    assert not ReleaseHold.objects.exists()


def test_the_hold_list_queries_do_not_grow(client, rates, django_assert_max_num_queries):
    staff = finance_staff()
    client.force_login(staff)
    services.release_hold_place(order=paid_order(), actor=staff, reason="one")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("staff_holds:list"))
        client.get("/api/v1/staff/release-holds/")
    for n in range(4):
        services.release_hold_place(order=paid_order(), actor=staff, reason=f"more {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("staff_holds:list")).content.decode()
        listed = client.get("/api/v1/staff/release-holds/").json()
    assert page.count("data-hold=") == 5 and listed["count"] == 5


def test_api_place_list_and_lift_a_hold(client, shipped):
    client.force_login(finance_staff())
    made = client.post(
        "/api/v1/staff/release-holds/",
        {"order": shipped.number, "reason": "fraud check"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    hold = made.json()
    assert hold["order"] == shipped.number and hold["lifted_at"] is None
    again = client.post(
        "/api/v1/staff/release-holds/",
        {"order": shipped.number, "reason": "again"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "release_hold_exists"
    missing = client.post(
        "/api/v1/staff/release-holds/", {"order": "NOPE", "reason": "x"}, content_type="application/json"
    )
    assert missing.status_code == 404
    assert [h["order"] for h in client.get("/api/v1/staff/release-holds/").json()["results"]] == [
        shipped.number
    ]
    lifted = client.post(
        f"/api/v1/staff/release-holds/{hold['id']}/lift/", {"note": "ok"}, content_type="application/json"
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_at"] is not None
    assert client.get("/api/v1/staff/release-holds/").json()["count"] == 0
    assert shipped.events.filter(kind=OrderEvent.Kind.RELEASE_RESUMED).exists()


# --- The automatic release: exactly after the period, not before; blocked by a hold -------------------


def test_the_job_releases_exactly_when_the_period_ends(shipped, settings):
    settings.ESCROW_AUTO_RELEASE_DAYS = 14
    delivered = timezone.now() - timedelta(days=3)
    order_services.order_deliver(order=shipped, delivered_at=delivered)
    end = delivered + timedelta(days=14)
    assert services.escrow_release_due(now=end - timedelta(seconds=1)) == 0
    assert releases(shipped) == 0
    assert services.escrow_release_due(now=end) == 1
    assert services.escrow_release_due(now=end + timedelta(days=1)) == 0  # once
    shipped.refresh_from_db()
    assert shipped.status == Order.Status.COMPLETED and releases(shipped) == 1
    assert shipped.events.filter(kind=OrderEvent.Kind.AUTO_CONFIRMED, actor=None).exists()


def test_the_period_is_configurable(shipped, settings):
    settings.ESCROW_AUTO_RELEASE_DAYS = 3
    deliver(shipped, days_ago=3, minutes=1)
    assert services.escrow_release_due() == 1


def test_a_hold_blocks_the_job_and_lifting_it_resumes(shipped):
    staff = finance_staff()
    deliver(shipped, days_ago=30)
    hold = services.release_hold_place(order=shipped, actor=staff, reason="fraud check")
    assert services.escrow_release_due() == 0
    assert escrow_release_due_task.delay().get() == 0
    services.release_hold_lift(hold=hold, actor=staff)
    assert escrow_release_due_task.delay().get() == 1  # the Celery task, eager
    shipped.refresh_from_db()
    assert shipped.status == Order.Status.COMPLETED


def test_a_shipped_order_never_delivered_waits_for_the_shopper(shipped):
    assert services.escrow_release_due(now=timezone.now() + timedelta(days=365)) == 0


def test_an_order_refused_under_the_lock_does_not_stop_the_others(rates, monkeypatch):
    """What the job's query saw may change before the lock (an after-sales case opened): that order is
    skipped, the others are released."""
    from payments.services import release

    orders = [order_services.order_ship(order=paid_order()) for _ in range(2)]
    for order in orders:
        deliver(order, days_ago=20)
    blocked = orders[0].pk
    monkeypatch.setattr(release, "release_blockers", lambda order: ["case"] if order.pk == blocked else [])
    assert services.escrow_release_due() == 1
    assert releases(orders[1]) == 1 and releases(orders[0]) == 0


def test_a_release_in_a_foreign_currency_balances_per_currency(shipped):
    services.order_confirm_receipt(user=shipped.user, number=shipped.number)
    assert selectors.unbalanced_transactions() == []
    txn = LedgerTransaction.objects.get(kind="release", order=shipped)
    for currency in ("CNY", "JPY"):
        total = txn.entries.filter(amount_currency=currency).aggregate(t=Sum("amount"))["t"]
        assert round(Decimal(total), 2) == 0  # SQLite sums decimals as floats
    jpy = LedgerEntry.objects.get(transaction=txn, account=LedgerAccount.MERCHANT_BALANCE).amount.amount
    assert jpy == jpy.to_integral_value() and jpy < 0  # yen: whole units
    assert jpy != Decimal("0")


def test_no_release_while_a_refund_is_being_processed(shipped):
    """A parcel customs returned is refunded in two steps around the gateway call; a confirmation in
    between must not release the escrow the refund is about to take back."""
    from payments.errors import RefundInProgress
    from payments.models import Refund

    Refund.objects.create(
        payment=shipped.payment, order=shipped, amount=shipped.total, idempotency_key="customs-return"
    )
    with pytest.raises(RefundInProgress):
        services.order_confirm_receipt(user=shipped.user, number=shipped.number)
    assert releases(shipped) == 0
