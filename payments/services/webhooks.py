"""The gateway's signed webhooks, after the gateway verified them (`payments.webhooks` view).

Each event is recorded once (`GatewayEvent.event_id` is unique) in the same transaction as what it
changes: a duplicate delivery, or five deliveries at once, finds the row already there (on PostgreSQL
the second insert waits for the first to commit, then fails on the unique index) and changes nothing.
If handling fails, the transaction rolls back, the event is not recorded, and the gateway's retry
delivers it again.

- `payment_intent.succeeded`: the payment found by its gateway reference becomes paid through
  `payment_succeeded` (the one place that happens; idempotent), with a succeeded attempt that keeps the
  charge id (the `source_transaction` of later Connect transfers).
- `payment_intent.payment_failed`: a note on the payment's orders; the shopper may try again.
Other types are recorded and ignored.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..gateways import GatewayWebhookEvent
from ..models import GatewayEvent, Payment, PaymentAttempt
from .core import payment_lock, payment_succeeded

__all__ = ["webhook_event_receive"]

logger = logging.getLogger(__name__)


def _payment_for(intent: dict) -> Payment | None:
    payment = Payment.objects.filter(gateway_reference=intent.get("id", "")).first()
    if payment is None:  # the intent was created but its id not yet stored: find it by our reference
        reference = (intent.get("metadata") or {}).get("reference", "")
        payment = Payment.objects.filter(reference=reference).first() if reference else None
    return payment


def _intent_succeeded(event: GatewayWebhookEvent) -> None:
    intent = event.payload["data"]["object"]
    found = _payment_for(intent)
    if found is None:
        logger.warning("Gateway event %s: no payment for intent %s", event.event_id, intent.get("id"))
        return
    payment = payment_lock(payment=found)
    if (event.amount, event.currency) != (payment.amount.amount, str(payment.amount.currency)):
        logger.error(
            "Gateway event %s: payment %s is %s, the gateway took %s %s",
            event.event_id,
            payment,
            payment.amount,
            event.amount,
            event.currency,
        )
        return
    if payment.status == Payment.Status.CANCELLED:
        # The orders were cancelled (payment timeout) while the shopper paid: staff refund it.
        logger.error("Gateway event %s: payment %s cancelled, yet money taken", event.event_id, payment)
        return
    if not payment.gateway_reference:
        payment.gateway_reference = intent.get("id", "")
        payment.save(update_fields=["gateway_reference"])
    if payment.status != Payment.Status.SUCCEEDED:
        PaymentAttempt.objects.create(
            payment=payment,
            idempotency_key=f"webhook:{event.event_id}"[:64],
            status=PaymentAttempt.Status.SUCCEEDED,
            gateway_reference=event.charge_id[:64],
        )
    payment_succeeded(payment=payment, actor=None)


def _intent_failed(event: GatewayWebhookEvent) -> None:
    from orders import services as order_services
    from orders.models import Order, OrderEvent

    intent = event.payload["data"]["object"]
    payment = _payment_for(intent)
    if payment is None:
        return
    error = intent.get("last_payment_error") or {}
    note = error.get("message") or error.get("code") or "payment failed"
    for order in Order.objects.filter(payment=payment).order_by("pk"):
        order_services.order_note(order, kind=OrderEvent.Kind.PAYMENT_FAILED, note=note)


HANDLERS = {
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
}


def webhook_event_receive(*, gateway: str, event: GatewayWebhookEvent) -> bool:
    """Record and handle one verified event. Returns False for a duplicate (already recorded)."""
    try:
        with transaction.atomic():
            record = GatewayEvent.objects.create(
                gateway=gateway, event_id=event.event_id, type=event.type, payload=event.payload
            )
            handler = HANDLERS.get(event.type)
            if handler is not None:
                handler(event)
            record.processed_at = timezone.now()
            record.save(update_fields=["processed_at"])
    except IntegrityError:
        if GatewayEvent.objects.filter(event_id=event.event_id).exists():
            return False
        raise
    return True
