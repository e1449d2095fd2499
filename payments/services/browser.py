"""Payments the shopper's browser confirms with the gateway's own script (Stripe.js).

`payment_browser_start` makes sure the gateway has a payment (a PaymentIntent) for our payment and
returns the secret the browser confirms it with. Its idempotency key is derived from our payment's
reference (stored with the payment before any call), so a reload, a second tab or a retry after a
timeout gets the same intent back and no second one is ever created. No lock is held during the call.
Whether the payment succeeded is decided by the gateway's signed webhook (`services.webhooks`), never
by the browser's return.
"""

from django.db import transaction

from ..errors import PaymentAlreadyMade, PaymentCancelled, amount_check_positive
from ..gateways import get_gateway
from ..models import Payment
from .core import payment_lock

__all__ = ["payment_browser_start", "payment_browser_state"]


def payment_browser_start(*, payment: Payment, user) -> str:
    """The client secret for the shopper's browser (PaymentAlreadyMade, PaymentCancelled)."""
    with transaction.atomic():
        payment = payment_lock(payment=payment)
        if payment.status == Payment.Status.SUCCEEDED:
            raise PaymentAlreadyMade()
        if payment.status == Payment.Status.CANCELLED:
            raise PaymentCancelled()
        amount_check_positive(payment.amount)
    gateway = get_gateway()
    intent_id = payment.gateway_reference
    if not intent_id:
        intent_id = gateway.create_payment(
            amount=payment.amount.amount,
            currency=str(payment.amount.currency),
            reference=payment.reference,
            idempotency_key=f"{payment.reference}:create",
            transfer_group=payment.reference,
        )
        # The same key always gets the same intent: a concurrent start stores the same id.
        Payment.objects.filter(pk=payment.pk, gateway_reference="").update(gateway_reference=intent_id)
    return gateway.payment_client_secret(payment_id=intent_id)


def payment_browser_state(*, payment: Payment) -> str:
    """What the return page shows: "paid", "cancelled" or "processing" (until the webhook came)."""
    payment.refresh_from_db(fields=["status"])
    if payment.status == Payment.Status.SUCCEEDED:
        return "paid"
    if payment.status == Payment.Status.CANCELLED:
        return "cancelled"
    return "processing"
