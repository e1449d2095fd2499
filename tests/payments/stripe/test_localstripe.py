"""The `stripe` library through our gateway against localstripe, a Stripe-compatible server started
as a separate process: PaymentIntents created and charged at once with a test card, a declined card,
refunds full and partial, the page's intent made once per payment, checkout paid end to end, and
localstripe's own signed webhooks delivered to our endpoint on the live server."""

import time
import uuid
from decimal import Decimal

import pytest
import stripe
from django.db import OperationalError

from orders.models import Order
from payments import services
from payments.gateways import Card, get_gateway
from payments.models import GatewayEvent, Payment
from payments.stripe_gateway import StripeGateway
from tests.factories import pay
from tests.payments.stripe.helpers import assert_ledger_balanced, escrow_holds, unpaid_payment
from tests.stripe_support import SECRET_KEY, localstripe_webhook

pytestmark = pytest.mark.usefixtures("stripe_settings")

VISA = Card("4242424242424242", 12, 2030, "123")
DECLINED = Card("4000000000000341", 12, 2030, "123")  # localstripe: attaches, then the charge fails


def _key():
    return uuid.uuid4().hex


def _intent(localstripe_url, intent_id):
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe_url})
    return client.v1.payment_intents.retrieve(intent_id)


def test_a_payment_intent_is_created_in_minor_units_and_charged_with_a_test_card(localstripe_url):
    gateway = StripeGateway()
    intent_id = gateway.create_payment(
        amount=Decimal("12.34"), currency="EUR", reference="PTEST1", idempotency_key=_key()
    )
    assert intent_id.startswith("pi_")
    intent = _intent(localstripe_url, intent_id)
    assert (intent.amount, intent.currency, intent.status) == (1234, "eur", "requires_payment_method")
    assert intent.metadata.reference == "PTEST1"
    assert gateway.payment_client_secret(payment_id=intent_id).startswith(f"{intent_id}_secret_")

    result = gateway.confirm(payment_id=intent_id, card=VISA, idempotency_key=_key())

    assert result.succeeded
    assert result.reference.startswith("ch_")  # the charge: a later transfer's source_transaction
    assert gateway.payment_status(payment_id=intent_id) == "succeeded"


def test_a_zero_decimal_currency_is_sent_in_whole_units(localstripe_url):
    gateway = StripeGateway()
    intent_id = gateway.create_payment(
        amount=Decimal("1500"), currency="JPY", reference="PJPY", idempotency_key=_key()
    )
    assert (_intent(localstripe_url, intent_id).amount, _intent(localstripe_url, intent_id).currency) == (
        1500,
        "jpy",
    )


def test_a_declined_card_is_a_declined_result():
    gateway = StripeGateway()
    intent_id = gateway.create_payment(
        amount=Decimal("20.00"), currency="USD", reference="PDECL", idempotency_key=_key()
    )

    result = gateway.confirm(payment_id=intent_id, card=DECLINED, idempotency_key=_key())

    assert result.status == "declined"
    assert result.error_code == "card_declined"
    assert gateway.payment_status(payment_id=intent_id) == "requires_payment_method"


def test_refunds_full_and_partial(localstripe_url):
    gateway = StripeGateway()
    intent_id = gateway.create_payment(
        amount=Decimal("50.00"), currency="EUR", reference="PREF", idempotency_key=_key()
    )
    assert gateway.confirm(payment_id=intent_id, card=VISA, idempotency_key=_key()).succeeded

    partial = gateway.refund(payment_id=intent_id, amount=Decimal("12.50"), idempotency_key=_key())
    rest = gateway.refund(payment_id=intent_id, amount=Decimal("37.50"), idempotency_key=_key())

    assert partial.succeeded and rest.succeeded
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe_url})
    assert client.v1.refunds.retrieve(partial.reference).amount == 1250
    assert client.v1.refunds.retrieve(rest.reference).amount == 3750
    charge = client.v1.charges.retrieve(_intent(localstripe_url, intent_id).latest_charge.id)
    assert (charge.amount_refunded, charge.refunded) == (5000, True)


def test_an_unknown_intent_is_an_error_result_not_a_crash():
    result = StripeGateway().refund(
        payment_id="pi_doesnotexist", amount=Decimal("1.00"), idempotency_key=_key()
    )
    assert result.status == "error"


def test_the_server_unreachable_is_a_gateway_error(settings):
    from payments.gateways import GatewayError

    gateway = StripeGateway(api_base="http://127.0.0.1:9")
    with pytest.raises(GatewayError):
        gateway.create_payment(amount=Decimal("1.00"), currency="EUR", reference="PX", idempotency_key=_key())


@pytest.mark.django_db
def test_a_checkout_paid_through_stripe_holds_the_money_in_escrow(rates):
    payment = unpaid_payment(intent_id="")
    assert get_gateway().name == "stripe"

    attempt = pay(payment)

    assert attempt.status == "succeeded"
    payment.refresh_from_db()
    assert payment.gateway_reference.startswith("pi_")
    assert payment.status == Payment.Status.SUCCEEDED
    assert escrow_holds(payment) == 1
    assert_ledger_balanced()
    order = payment.orders.get()
    refund = services.order_refund(order=order, idempotency_key=_key())
    assert refund.status == "succeeded" and refund.gateway_reference.startswith("re_")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert_ledger_balanced()


@pytest.mark.django_db
def test_the_payment_page_intent_is_made_once_per_payment(rates, localstripe_url):
    payment = unpaid_payment(intent_id="")

    first = services.payment_browser_start(payment=payment, user=payment.user)
    second = services.payment_browser_start(payment=payment, user=payment.user)

    payment.refresh_from_db()
    assert first == second
    assert first.startswith(payment.gateway_reference + "_secret_")
    intent = _intent(localstripe_url, payment.gateway_reference)
    assert intent.amount == int(payment.amount.amount * 100)
    assert intent.currency == "cny"


@pytest.mark.django_db(transaction=True)
def test_localstripe_signed_webhook_marks_the_payment_paid(rates, live_server, localstripe_url):
    """localstripe signs `payment_intent.succeeded` with our secret and posts it to the live server
    about a second after the charge; only then is the payment paid."""
    with localstripe_webhook(localstripe_url, f"{live_server.url}/payments/webhooks/stripe/"):
        payment = unpaid_payment(intent_id="")
        services.payment_browser_start(payment=payment, user=payment.user)
        payment.refresh_from_db()
        # What Stripe.js does in the browser: the card confirms the intent (here server-side, directly).
        assert (
            StripeGateway()
            .confirm(payment_id=payment.gateway_reference, card=VISA, idempotency_key=_key())
            .succeeded
        )
        payment.refresh_from_db()
        assert payment.status == Payment.Status.REQUIRES_PAYMENT  # the webhook has not come yet

        # The event row's `processed_at` is the last write of the webhook's transaction (on SQLite the
        # live server shares the test's in-memory connection, so a half-done transaction is visible).
        handled = GatewayEvent.objects.filter(
            type="payment_intent.succeeded",
            payload__data__object__id=payment.gateway_reference,
            processed_at__isnull=False,
        )

        def settled():
            # On SQLite a read while the live server's webhook transaction writes may find the table
            # locked ("database table is locked"): that is "not yet", so poll again.
            try:
                if not handled.exists():
                    return False
                payment.refresh_from_db()
                return payment.status == Payment.Status.SUCCEEDED and escrow_holds(payment) == 1
            except OperationalError:
                return False

        deadline = time.monotonic() + 15
        while not settled() and time.monotonic() < deadline:
            time.sleep(0.2)

        assert handled.exists()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED
        assert escrow_holds(payment) == 1
        assert_ledger_balanced()
