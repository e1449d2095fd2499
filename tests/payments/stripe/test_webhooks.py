"""Stripe's signed webhooks at /payments/webhooks/stripe/: a valid event pays the orders once; a bad
signature, a stale timestamp, a wrong secret answer 400 and change nothing; a duplicate answers 200 and
changes nothing; a failed payment leaves a note; five deliveries of one event at once on PostgreSQL
make one state change and a balanced ledger. The events are signed here with the test secret."""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from orders.models import Order, OrderEvent
from payments.models import GatewayEvent, Payment, PaymentAttempt
from tests.payments.stripe.helpers import (
    WEBHOOK_URL,
    assert_ledger_balanced,
    escrow_holds,
    intent_event,
    intent_for,
    post_event,
    stripe_offline,  # noqa: F401  (fixture)
    unpaid_payment,
)

pytestmark = pytest.mark.usefixtures("stripe_offline")


@pytest.mark.django_db
def test_a_signed_succeeded_event_pays_the_orders_once(client, rates):
    payment = unpaid_payment(intent_id="pi_ok_1")
    event = intent_event("evt_ok_1", "payment_intent.succeeded", intent_for(payment))

    response = post_event(client, event)

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert set(payment.orders.values_list("status", flat=True)) == {Order.Status.PAID}
    assert escrow_holds(payment) == 1
    attempt = payment.attempts.get(status=PaymentAttempt.Status.SUCCEEDED)
    assert attempt.gateway_reference == "ch_test_1"  # the charge: the source of later transfers
    recorded = GatewayEvent.objects.get(event_id="evt_ok_1")
    assert (recorded.gateway, recorded.type) == ("stripe", "payment_intent.succeeded")
    assert recorded.processed_at is not None
    assert_ledger_balanced()


@pytest.mark.django_db
def test_a_duplicate_delivery_answers_200_and_changes_nothing(client, rates):
    payment = unpaid_payment(intent_id="pi_dup_1")
    event = intent_event("evt_dup_1", "payment_intent.succeeded", intent_for(payment))
    assert post_event(client, event).status_code == 200
    events_before = OrderEvent.objects.count()

    assert post_event(client, event).status_code == 200

    assert GatewayEvent.objects.filter(event_id="evt_dup_1").count() == 1
    assert OrderEvent.objects.count() == events_before
    assert escrow_holds(payment) == 1
    # Another event about the same payment (Stripe may send two) settles nothing twice either.
    assert (
        post_event(
            client, intent_event("evt_dup_2", "payment_intent.succeeded", intent_for(payment))
        ).status_code
        == 200
    )
    assert escrow_holds(payment) == 1
    assert payment.attempts.filter(status=PaymentAttempt.Status.SUCCEEDED).count() == 1
    assert_ledger_balanced()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sign",
    [
        {"secret": "whsec_someone_else"},  # a bad signature
        {"timestamp": int(time.time()) - 301},  # stale: older than 300 s
    ],
    ids=["bad_signature", "stale_timestamp"],
)
def test_a_bad_signature_or_stale_timestamp_answers_400_and_changes_nothing(client, rates, sign):
    payment = unpaid_payment(intent_id="pi_bad_1")
    event = intent_event("evt_bad_1", "payment_intent.succeeded", intent_for(payment))

    response = post_event(client, event, **sign)

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT
    assert not GatewayEvent.objects.exists()


@pytest.mark.django_db
def test_a_changed_body_or_no_signature_answers_400(client, rates):
    payment = unpaid_payment(intent_id="pi_bad_2")
    from tests.stripe_support import signed_event

    body, header = signed_event(intent_event("evt_bad_2", "payment_intent.succeeded", intent_for(payment)))
    tampered = body.replace(b'"pi_bad_2"', b'"pi_bad_3"')
    assert (
        client.post(
            WEBHOOK_URL, tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        ).status_code
        == 400
    )
    assert client.post(WEBHOOK_URL, body, content_type="application/json").status_code == 400
    assert client.get(WEBHOOK_URL).status_code == 405
    assert not GatewayEvent.objects.exists()


@pytest.mark.django_db
def test_without_stripe_the_endpoint_refuses_every_event(client, rates, settings):
    settings.PAYMENT_GATEWAY_CLASS = "payments.gateways.SandboxGateway"
    payment = unpaid_payment(intent_id="pi_sb_1")
    response = post_event(client, intent_event("evt_sb_1", "payment_intent.succeeded", intent_for(payment)))
    assert response.status_code == 400
    assert not GatewayEvent.objects.exists()


@pytest.mark.django_db
def test_a_failed_payment_leaves_a_note_and_the_orders_unpaid(client, rates):
    payment = unpaid_payment(intent_id="pi_fail_1")
    intent = intent_for(
        payment,
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "message": "Your card was declined."},
    )

    assert (
        post_event(client, intent_event("evt_fail_1", "payment_intent.payment_failed", intent)).status_code
        == 200
    )

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT
    order = payment.orders.get()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_FAILED, note="Your card was declined.").exists()


@pytest.mark.django_db
def test_an_amount_that_does_not_match_pays_nothing(client, rates):
    payment = unpaid_payment(intent_id="pi_amt_1")
    intent = intent_for(payment, amount_minor=int(payment.amount.amount * 100) - 1)

    assert (
        post_event(client, intent_event("evt_amt_1", "payment_intent.succeeded", intent)).status_code == 200
    )

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT
    assert escrow_holds(payment) == 0


@pytest.mark.django_db
def test_an_intent_not_yet_stored_is_found_by_our_reference(client, rates):
    payment = unpaid_payment(intent_id="")
    intent = intent_for(payment, intent_id="pi_late_1")

    assert (
        post_event(client, intent_event("evt_late_1", "payment_intent.succeeded", intent)).status_code == 200
    )

    payment.refresh_from_db()
    assert (payment.status, payment.gateway_reference) == (Payment.Status.SUCCEEDED, "pi_late_1")


@pytest.mark.django_db
def test_unknown_event_types_are_recorded_and_ignored(client, rates):
    event = intent_event("evt_other_1", "customer.created", {"id": "cus_1"})
    assert post_event(client, event).status_code == 200
    assert GatewayEvent.objects.get(event_id="evt_other_1").processed_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_five_concurrent_deliveries_of_one_event_make_one_state_change(rates):
    payment = unpaid_payment(intent_id="pi_race_1")
    event = intent_event("evt_race_1", "payment_intent.succeeded", intent_for(payment))
    senders = 5
    barrier = threading.Barrier(senders)
    answers, errors = [], []

    def send():
        try:
            barrier.wait(timeout=30)
            answers.append(post_event(Client(), event).status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert answers == [200] * senders
    assert GatewayEvent.objects.filter(event_id="evt_race_1").count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert escrow_holds(payment) == 1
    order = payment.orders.get()
    assert order.events.filter(kind=OrderEvent.Kind.PAID).count() == 1
    assert payment.attempts.filter(status=PaymentAttempt.Status.SUCCEEDED).count() == 1
    assert_ledger_balanced()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_five_concurrent_events_for_one_payment_pay_it_once(rates):
    """Stripe may send two different events for one payment: distinct ids at once still settle once
    (the payment's row lock and `payment_succeeded`'s check)."""
    payment = unpaid_payment(intent_id="pi_race_2")
    senders = 5
    barrier = threading.Barrier(senders)
    answers, errors = [], []

    def send(i):
        try:
            barrier.wait(timeout=30)
            event = intent_event(f"evt_race_2_{i}", "payment_intent.succeeded", intent_for(payment))
            answers.append(post_event(Client(), event).status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert answers == [200] * senders
    assert GatewayEvent.objects.filter(event_id__startswith="evt_race_2_").count() == senders
    assert escrow_holds(payment) == 1
    assert payment.attempts.filter(status=PaymentAttempt.Status.SUCCEEDED).count() == 1
    assert_ledger_balanced()
