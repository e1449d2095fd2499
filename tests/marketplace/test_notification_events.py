"""Each event wired to the notification centre (docs/rules.md, "Notifications") writes one
notification to the right person, and one email where it matters, even when its service runs again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from logistics.models import ShipmentEvent
from logistics.services import deadlines, shipping
from logistics.services.tracking import shipment_event_record
from marketplace.notifications.models import Notification
from merchants import services as merchant_services
from orders import services as order_services
from orders.models import Order
from payments import services as payment_services
from tests.factories import (
    MerchantFactory,
    MerchantMemberFactory,
    StaffFactory,
    UserFactory,
    ViolationKindFactory,
    completed_order,
    delivered_order,
    paid_order,
    shipment_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _carriers(db):
    from django.apps import apps

    from logistics.seed import seed_providers

    seed_providers(apps)


@pytest.fixture
def store(db):
    """A store with an owner (Chinese) and a clerk (English)."""
    owner = MerchantMemberFactory(merchant=MerchantFactory(country="US"), user__language="zh-hans")
    clerk = MerchantMemberFactory(merchant=owner.merchant, role="staff", user__language="en")
    return owner.merchant, owner.user, clerk.user


def _of(user, **filters):
    return list(Notification.objects.filter(user=user, **filters))


def _mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_order_paid_tells_every_member_of_the_store(rates, store):
    merchant, owner, clerk = store
    order = paid_order(merchant=merchant)
    for user in (owner, clerk):
        (notification,) = _of(user, kind="order")
        assert order.number in notification.title_en and notification.url.endswith(f"/{order.number}/")
    assert not _of(order.user, kind="order")


def test_shipped_once_with_one_email_in_the_buyers_language(rates, store, django_capture_on_commit_callbacks):
    merchant, owner, _clerk = store
    order = paid_order(merchant=merchant)
    order.user.language = "en"
    order.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        shipment = shipping.shipment_create(
            merchant=merchant,
            actor=owner,
            order_number=order.number,
            provider_code="sf-express",
            weight_grams=800,
        )
        # A second click returns the same shipment: no second notice.
        shipping.shipment_create(
            merchant=merchant,
            actor=owner,
            order_number=order.number,
            provider_code="sf-express",
            weight_grams=800,
        )
    (notification,) = _of(order.user, kind="shipment")
    assert notification.emailed and shipment.waybill_number in notification.body_en
    (message,) = _mails_to(order.user.email)
    assert message.subject == f"Order {order.number} has shipped" and shipment.waybill_number in message.body


def test_delivered_once(rates):
    order = delivered_order()
    shipment = order.shipments.get()
    shipment_event_record(
        shipment=shipment,
        kind=ShipmentEvent.Kind.DELIVERED,
        occurred_at=timezone.now(),
        source=ShipmentEvent.Source.CARRIER,
    )
    delivered = [n for n in _of(order.user, kind="shipment") if "delivered" in n.title_en]
    assert len(delivered) == 1 and not delivered[0].emailed


def test_customs_hold_tells_the_buyer_by_email(rates, django_capture_on_commit_callbacks):
    from logistics.services import customs

    order = paid_order()
    shipment = shipment_for(order)
    shipment.consignee_name = "李四"
    shipment.save()
    with django_capture_on_commit_callbacks(execute=True):
        ShipmentEvent.objects.create(
            shipment=shipment,
            provider_id=shipment.provider_id,
            kind=ShipmentEvent.Kind.CUSTOMS_DECLARED,
            occurred_at=timezone.now(),
        )
        customs.customs_on_declared(shipment=shipment)
        customs.customs_on_declared(shipment=shipment)  # a repeated declaration scan
    (held,) = [n for n in _of(order.user) if "Customs" in n.title_en]
    assert held.emailed and "consignee" in held.body_en
    assert len(_mails_to(order.user.email)) == 1


def test_late_shipment_compensation_once_however_often_the_job_runs(
    rates, django_capture_on_commit_callbacks
):
    order = paid_order()
    now = order.ship_by + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.deadlines_check(now=now)
        deadlines.deadlines_check(now=now + timedelta(hours=2))
    (late,) = [n for n in _of(order.user) if "late shipment" in n.title_en]
    assert late.emailed and "compensation" in late.body_en.lower()
    assert "¥" in late.body_zh
    assert len(_mails_to(order.user.email)) == 1


def test_cancel_and_refund_tells_buyer_by_email_and_store(rates, store, django_capture_on_commit_callbacks):
    merchant, owner, _clerk = store
    order = paid_order(merchant=merchant)
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(user=order.user, number=order.number, idempotency_key="cancel-1")
        order_services.order_cancel(user=order.user, number=order.number, idempotency_key="cancel-1")  # again
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    (refunded,) = [n for n in _of(order.user) if "refunded" in n.title_en]
    assert refunded.emailed
    assert len(_mails_to(order.user.email)) == 1
    assert len([n for n in _of(owner) if "refunded" in n.title_en]) == 1


def test_an_unpaid_order_expiring_is_emailed_a_buyers_own_cancel_is_not(
    rates, django_capture_on_commit_callbacks
):
    from tests.factories import ProductFactory, checkout, shopper_with_cart

    product = ProductFactory(merchant=MerchantFactory(), prices=("10.00",))
    variant = product.variants.get()
    user, address, identity = shopper_with_cart((variant, 1))
    expired = checkout(user, address, identity).orders.get()
    shopper_with_cart((variant, 1), user=user)
    mine = checkout(user, address, identity, key="second").orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(user=user, number=mine.number, idempotency_key="x")
        Order.objects.filter(pk=expired.pk).update(created_at=timezone.now() - timedelta(days=1))
        order_services.orders_cancel_expired()
    notices = {n.url: n for n in _of(user) if "cancelled" in n.title_en}
    assert not notices[mine.get_absolute_url()].emailed
    assert notices[expired.get_absolute_url()].emailed
    assert len(_mails_to(user.email)) == 1


def test_escrow_release_tells_the_store_once(rates, store):
    merchant, owner, clerk = store
    order = completed_order(merchant=merchant)
    payment_services.order_confirm_receipt(user=order.user, number=order.number)  # again: nothing new
    for user in (owner, clerk):
        (released,) = [n for n in _of(user, kind="payout") if "released" in n.title_en]
        assert order.number in released.title_en and "$" in released.body_en


def test_payout_paid_and_failed_tell_the_store_by_email(rates, store, django_capture_on_commit_callbacks):
    from tests.payments.payout_helpers import bank_details, finance_staff, release

    merchant, owner, _clerk = store
    release(paid_order(merchant=merchant, prices=("100.00",)))
    bank_details(merchant)
    staff = finance_staff()
    half = (payment_services.merchant_available_balance(merchant).amount / 2).quantize(Decimal("0.01"))
    with django_capture_on_commit_callbacks(execute=True):
        paid = payment_services.payout_request(merchant=merchant, actor=owner, amount=half)
        failed = payment_services.payout_request(merchant=merchant, actor=owner, amount=half)
        batch = payment_services.payout_batch_create(actor=staff)
        payment_services.payout_mark_failed(payout=failed, actor=staff, reason="IBAN closed")
        payment_services.payout_batch_mark_paid(batch=batch, actor=staff, bank_reference="B1")
        payment_services.payout_batch_mark_paid(batch=batch, actor=staff, bank_reference="B1")  # repeat
    notes = _of(owner, kind="payout")
    assert len([n for n in notes if paid.reference in n.title_en]) == 1
    (fail,) = [n for n in notes if failed.reference in n.title_en]
    assert "IBAN closed" in fail.body_en and fail.emailed
    owner_mail = _mails_to(owner.email)
    assert len([m for m in owner_mail if paid.reference in m.subject]) == 1
    assert len([m for m in owner_mail if failed.reference in m.subject]) == 1


def test_deposit_reminder_once_in_each_owners_language(rates, settings, django_capture_on_commit_callbacks):
    from djmoney.money import Money

    from payments.models import LedgerAccount, LedgerTransaction
    from tests.payments.test_deposits import pay_deposit

    owner = MerchantMemberFactory(merchant__settlement_currency="USD", user__language="en")
    pay_deposit(owner)
    merchant = owner.merchant
    money = Money(Decimal("1000.00"), "USD")
    payment_services.ledger_post(
        kind=LedgerTransaction.Kind.DEPOSIT_DRAWN,
        entries=[
            (LedgerAccount.MERCHANT_DEPOSIT, None, money, merchant),
            (LedgerAccount.GATEWAY_CLEARING, None, -money),
        ],
        merchant=merchant,
        description="draw",
    )
    mail.outbox.clear()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.deposits_check(now=now)
        payment_services.deposits_check(now=now + timedelta(hours=1))
    (reminder,) = [n for n in _of(owner.user) if "deposit" in n.title_en]
    assert "$1,000.00" in reminder.body_en and "1,000.00" in reminder.body_zh and reminder.emailed
    (message,) = _mails_to(owner.user.email)
    assert message.subject == "Please top up your security deposit"
    assert [m.to for m in mail.outbox if m is not message] == [[merchant.contact_email]]


def test_penalty_and_suspension_tell_the_store(store, django_capture_on_commit_callbacks):
    merchant, owner, clerk = store
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        merchant_services.violation_record(
            merchant=merchant, kind=ViolationKindFactory(points=12), note="Fake goods", recorded_by=staff
        )
    for user in (owner, clerk):
        titles = [n.title_en for n in _of(user, kind="store")]
        assert "A violation was recorded against your store" in titles
    assert (
        Notification.objects.get(user=owner, title_en__startswith="A violation").url == "/seller/penalties/"
    )
    # Emails: each owner in their own language, and the contact address; staff members only in the centre.
    assert _mails_to(owner.email) and not _mails_to(clerk.email)
    assert _mails_to(merchant.contact_email)


def test_application_decision_reaches_the_applicant(django_capture_on_commit_callbacks):
    from merchants.models import Merchant, MerchantApplication

    applicant = MerchantMemberFactory(merchant__status=Merchant.Status.PENDING, user__language="en")
    application = MerchantApplication.objects.create(
        merchant=applicant.merchant,
        state=MerchantApplication.State.SUBMITTED,
        legal_name="X Ltd",
        country="US",
    )
    with django_capture_on_commit_callbacks(execute=True):
        merchant_services.merchant_application_request_info(
            application=application, reviewer=StaffFactory(), reasons="Upload 50% clearer scans."
        )
    (notice,) = _of(applicant.user)
    assert "Upload 50% clearer scans." in notice.body_en and notice.url == "/seller/application/"
    assert [m.subject for m in _mails_to(applicant.user.email)] == [
        "Global Mall needs more information about your application"
    ]


def test_a_rolled_back_service_notifies_nobody(rates, store):
    merchant, owner, _clerk = store
    order = paid_order(merchant=merchant)
    before = Notification.objects.count()
    with pytest.raises(Exception):  # noqa: B017, PT011 - any failure inside the service's transaction
        from django.db import transaction

        with transaction.atomic():
            order_services.order_ship(order=order)
            raise RuntimeError("the carrier refused")
    assert Notification.objects.count() == before


def test_nobody_else_hears(rates, store):
    merchant, _owner, _clerk = store
    bystander = UserFactory()
    other_store = MerchantMemberFactory().user
    completed_order(merchant=merchant)
    assert not _of(bystander) and not _of(other_store)
