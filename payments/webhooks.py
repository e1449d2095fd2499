"""The gateway's webhook endpoint: a plain view, CSRF-exempt (the signature is the authentication),
POST only. The gateway verifies the signature and the timestamp (older than 300 s is refused); a
bad one answers 400. A verified event goes to `services.webhook_event_receive`, which records it
once; a duplicate answers 200 and changes nothing."""

import logging

from django.http import HttpResponse, HttpResponseBadRequest
from django.http.request import RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .gateways import WebhookInvalid, get_gateway

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    gateway = get_gateway()
    try:
        payload = request.body
    except RawPostDataException:  # a multipart form, already read by a middleware: never Stripe's JSON
        return HttpResponseBadRequest("expected a JSON event")
    try:
        event = gateway.webhook_event(payload=payload, signature=request.headers.get("Stripe-Signature", ""))
    except WebhookInvalid as exc:
        logger.warning("Refused a webhook: %s", exc)
        return HttpResponseBadRequest("invalid signature")
    services.webhook_event_receive(gateway=gateway.name, event=event)
    return HttpResponse("ok")
