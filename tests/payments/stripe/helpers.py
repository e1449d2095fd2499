"""Unpaid checkouts for the Stripe tests, and Stripe mode without a server (webhooks signed here)."""

import pytest

from payments import selectors
from payments.models import LedgerTransaction, Payment
from tests.factories import ProductFactory, checkout, shopper_with_cart
from tests.stripe_support import SECRET_KEY, WEBHOOK_SECRET, intent_event, signed_event

WEBHOOK_URL = "/payments/webhooks/stripe/"


def unpaid_payment(*, prices=("10.00",), quantity=1, intent_id="pi_test_1") -> Payment:
    """A checkout's payment awaiting the card, already known to Stripe as `intent_id`."""
    product = ProductFactory(prices=prices)
    user, address, identity = shopper_with_cart(*[(v, quantity) for v in product.variants.all()])
    payment = checkout(user, address, identity)
    if intent_id:
        Payment.objects.filter(pk=payment.pk).update(gateway_reference=intent_id)
        payment.refresh_from_db()
    return payment


def intent_for(payment: Payment, *, status="succeeded", intent_id=None, amount_minor=None, **extra) -> dict:
    amount = amount_minor if amount_minor is not None else int(payment.amount.amount * 100)
    return {
        "id": intent_id or payment.gateway_reference,
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "currency": str(payment.amount.currency).lower(),
        "status": status,
        "latest_charge": "ch_test_1",
        "metadata": {"reference": payment.reference},
        "transfer_group": payment.reference,
        **extra,
    }


def post_event(client, event: dict, **sign):
    body, header = signed_event(event, **sign)
    return client.post(WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def assert_ledger_balanced():
    assert selectors.unbalanced_transactions() == []


def escrow_holds(payment) -> int:
    return LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.ESCROW_HOLD, payment=payment).count()


@pytest.fixture
def stripe_offline(settings):
    """Stripe mode for the webhook endpoint: no Stripe call is made (the events are signed here)."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: a call would fail loudly
    settings.PAYMENT_GATEWAY_CLASS = "payments.stripe_gateway.StripeGateway"
    return settings


__all__ = ["intent_event"]
