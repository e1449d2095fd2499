"""Penalty points, suspension, the blacklist, and authorizations that run out."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Product
from marketplace.selectors import products_visible
from merchants import selectors, services
from merchants.errors import InvalidStatusChange, NotAllowed, ReasonRequired
from merchants.models import BrandAuthorization, Merchant, MerchantEvent, ViolationKind
from merchants.tasks import brand_authorizations_expire_daily
from tests.factories import (
    BrandAuthorizationFactory,
    MerchantFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    ViolationKindFactory,
)

pytestmark = pytest.mark.django_db


POINTS = {
    "late-shipment": 2,
    "false-description": 4,
    "misleading-price": 6,
    "unauthorized-brand": 12,
    "fake-transactions": 24,
}


def kind(code):
    return ViolationKindFactory(code=code, points=POINTS[code])


def test_points_warn_then_suspend_then_propose_the_blacklist(db):
    staff, merchant = StaffFactory(), MerchantFactory()
    today = timezone.localdate()
    services.violation_record(
        merchant=merchant, kind=kind("unauthorized-brand"), note="Sold X", recorded_by=staff
    )
    merchant.refresh_from_db()
    assert selectors.penalty_status(merchant).level == "warned" and merchant.status == "approved"
    services.violation_record(
        merchant=merchant, kind=kind("unauthorized-brand"), note="Again", recorded_by=staff
    )
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.SUSPENDED
    assert selectors.penalty_points(merchant) == 24
    services.violation_record(
        merchant=merchant, kind=kind("fake-transactions"), note="Brushing", recorded_by=staff
    )
    merchant.refresh_from_db()
    assert merchant.blacklist_proposed_at is not None
    assert merchant.status == Merchant.Status.SUSPENDED  # the blacklist itself is a staff decision
    kinds = list(merchant.events.order_by("pk").values_list("kind", flat=True))
    assert "warned" in kinds and "suspended" in kinds and "blacklist_proposed" in kinds
    assert selectors.penalty_status(merchant).level == "blacklist"
    # Points reset each calendar year.
    assert selectors.penalty_points(merchant, year=today.year + 1) == 0


def test_points_count_in_the_year_they_occurred(db):
    staff, merchant = StaffFactory(), MerchantFactory()
    last_year = date(timezone.localdate().year - 1, 12, 31)
    services.violation_record(
        merchant=merchant,
        kind=kind("fake-transactions"),
        note="Old",
        recorded_by=staff,
        occurred_on=last_year,
    )
    merchant.refresh_from_db()
    assert selectors.penalty_points(merchant) == 0
    assert merchant.status == Merchant.Status.APPROVED  # last year's points do not count this year


def test_editing_a_kind_does_not_rewrite_history(db):
    staff, merchant = StaffFactory(), MerchantFactory()
    late = kind("late-shipment")
    violation = services.violation_record(merchant=merchant, kind=late, note="3 days late", recorded_by=staff)
    ViolationKind.objects.filter(pk=late.pk).update(points=10)
    violation.refresh_from_db()
    assert violation.points == 2 and selectors.penalty_points(merchant) == 2


def test_blacklisting_closes_the_store_and_publishes_the_entry(
    client, rates, django_capture_on_commit_callbacks
):
    staff = StaffFactory()
    product = ProductFactory()
    merchant = product.merchant
    assert products_visible().filter(pk=product.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.merchant_blacklist(
            merchant=merchant,
            actor=staff,
            reason="counterfeit",
            note="Counterfeit serums confirmed by the brand.",
        )
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.BLACKLISTED and merchant.payouts_blocked
    assert not products_visible().filter(pk=product.pk).exists()
    assert client.get(merchant.get_absolute_url()).status_code == 404
    page = client.get(reverse("blacklist"))
    assert merchant.legal_name in page.content.decode()
    assert entry.registration_number == selectors.normalize_registration_number(merchant.registration_number)
    assert "blacklisted" in mail.outbox[-1].subject
    # The credit page stays, with the status, so shoppers can see what happened.
    assert client.get(reverse("merchants:credit", args=[merchant.slug])).status_code == 200


def test_lifting_needs_a_reason_and_reopening_is_a_second_step(db):
    staff, merchant = StaffFactory(), MerchantFactory()
    services.merchant_blacklist(merchant=merchant, actor=staff, reason="fraud", note="Fake orders")
    with pytest.raises(ReasonRequired):
        services.merchant_blacklist_lift(merchant=merchant, actor=staff, reason=" ")
    services.merchant_blacklist_lift(merchant=merchant, actor=staff, reason="Appeal upheld")
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.SUSPENDED
    entry = merchant.blacklist_entries.get()
    assert entry.lift_reason == "Appeal upheld" and entry.lifted_by == staff
    assert not selectors.blacklist_public().exists()
    services.merchant_suspension_lift(merchant=merchant, actor=staff, note="Reopened after appeal")
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.APPROVED
    with pytest.raises(InvalidStatusChange):
        services.merchant_suspension_lift(merchant=merchant, actor=staff)


def test_only_platform_staff_discipline(db):
    merchant = MerchantFactory()
    with pytest.raises(NotAllowed):
        services.merchant_suspend(merchant=merchant, actor=UserFactory(), reason="x")
    with pytest.raises(NotAllowed):
        services.merchant_blacklist(merchant=merchant, actor=UserFactory(), reason="fraud", note="x")


def test_daily_job_expires_authorizations_hides_listings_and_tells_the_merchant(
    rates, django_capture_on_commit_callbacks
):
    authorization = BrandAuthorizationFactory(valid_until=timezone.localdate() + timedelta(days=1))
    product = ProductFactory(merchant=authorization.merchant, brand=authorization.brand, authorized=False)
    other = ProductFactory(merchant=authorization.merchant)  # another brand, still authorized
    assert brand_authorizations_expire_daily.delay().get() == 0  # not yet expired
    BrandAuthorization.objects.filter(pk=authorization.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert brand_authorizations_expire_daily.delay().get() == 1
    authorization.refresh_from_db()
    product.refresh_from_db()
    other.refresh_from_db()
    assert authorization.status == BrandAuthorization.Status.EXPIRED
    assert product.status == Product.Status.HIDDEN and other.status == Product.Status.PUBLISHED
    event = authorization.merchant.events.get(kind=MerchantEvent.Kind.AUTHORIZATION_EXPIRED)
    assert event.data["products_hidden"] == 1
    assert "expired" in mail.outbox[-1].subject
    assert brand_authorizations_expire_daily.delay().get() == 0  # running twice changes nothing


def test_staff_approve_a_later_brand_authorization(db):
    staff = StaffFactory()
    authorization = BrandAuthorizationFactory(status=BrandAuthorization.Status.PENDING)
    services.brand_authorization_approve(authorization=authorization, reviewer=staff)
    authorization.refresh_from_db()
    assert authorization.status == "approved" and authorization.decisions.get().reviewer == staff
    with pytest.raises(InvalidStatusChange):
        services.brand_authorization_approve(authorization=authorization, reviewer=staff)


def test_rejecting_a_brand_rejects_its_pending_authorizations(rates):
    staff = StaffFactory()
    authorization = BrandAuthorizationFactory(status=BrandAuthorization.Status.PENDING)
    with pytest.raises(ReasonRequired):
        services.brand_reject(brand=authorization.brand, reviewer=staff, reasons="")
    services.brand_reject(brand=authorization.brand, reviewer=staff, reasons="Trademark disputed")
    authorization.refresh_from_db()
    assert authorization.status == BrandAuthorization.Status.REJECTED
    assert authorization.brand.review_decisions.get().reasons == "Trademark disputed"


def test_blacklisting_gives_buyers_of_unshipped_orders_a_full_refund(rates):
    import uuid

    from orders import services as order_services
    from orders.models import Order, OrderEvent
    from tests.factories import checkout, pay, shopper_with_cart

    product = ProductFactory(prices=["30.00"])
    user, address, identity = shopper_with_cart((product.variants.get(), 2))
    payment = checkout(user, address, identity)
    pay(payment)
    order = Order.objects.get(payment=payment)
    assert order.status == Order.Status.PAID

    services.merchant_blacklist(
        merchant=product.merchant, actor=StaffFactory(), reason="counterfeit", note="Fake"
    )
    assert order.events.filter(kind=OrderEvent.Kind.STORE_CLOSED).count() == 1
    event = product.merchant.events.get(kind=MerchantEvent.Kind.BLACKLISTED)
    assert event.data["unshipped_orders"] == 1

    refund = order_services.order_cancel(user=user, number=order.number, idempotency_key=uuid.uuid4().hex)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert refund.amount == order.total  # goods, shipping and tax: the full amount paid
