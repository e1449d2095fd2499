"""The payment page: pay a checkout's orders. Thin: the form checks the card, the service pays.

With the sandbox our own card form posts here; with Stripe (a gateway that `confirms_in_browser`)
the page shows Stripe's card element instead (`_pay_in_browser`), the browser confirms the intent
with Stripe.js and comes back to `pay_return`, which waits for the signed webhook."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marketplace.csp import csp_extend
from marketplace.errors import DomainError

from . import services
from .forms import CardForm
from .gateways import SANDBOX_CARDS, GatewayError, get_gateway
from .models import Payment, PaymentAttempt


def _own_payment(request, reference) -> Payment:
    payment = Payment.objects.filter(reference=reference, user=request.user).first()
    if payment is None:
        raise Http404(_("No such payment."))
    return payment


@login_required
def pay(request, reference):
    payment = Payment.objects.filter(reference=reference, user=request.user).first()
    if payment is None:
        raise Http404(_("No such payment."))
    if payment.status == Payment.Status.SUCCEEDED:
        messages.info(request, _("These orders are paid."))
        return redirect("orders:list")
    if get_gateway().confirms_in_browser:
        return _pay_in_browser(request, payment)
    form = CardForm(request.POST or None, initial={"idempotency_key": uuid.uuid4().hex})
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.payment_confirm(
                payment=payment,
                user=request.user,
                card=form.cleaned_data["card"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            if exc.code == "payment_already_made":
                messages.info(request, str(exc))
                return redirect("orders:list")
            error, status = str(exc), exc.status
        else:
            if attempt.status == PaymentAttempt.Status.SUCCEEDED:
                messages.success(
                    request, _("Payment received. Your money is held safely until you confirm receipt.")
                )
                return redirect("orders:list")
            if attempt.status == PaymentAttempt.Status.PROCESSING:
                error = _("This payment is still being processed. Please wait a moment and reload.")
            else:
                error = _(
                    "The payment did not go through: %(reason)s "
                    "You have not been charged; try again or use another card."
                ) % {"reason": _(attempt.error_message) if attempt.error_message else ""}
            status = 402
        # A new key for the next try: a retry after a decline is a new attempt.
        form = CardForm(
            initial={"idempotency_key": uuid.uuid4().hex, "holder": request.POST.get("holder", "")}
        )
    elif request.method == "POST":
        status = 400
    payment.refresh_from_db()
    return render(
        request,
        "payments/pay.html",
        {
            "payment": payment,
            "orders": payment.orders.select_related("merchant").order_by("pk"),
            "form": form,
            "error": error,
            "cancel_key": uuid.uuid4().hex,
            "test_cards": [(number, outcome) for number, (outcome, _code, _msg) in SANDBOX_CARDS.items()],
        },
        status=status,
    )


# ------------------------------------------------------------------------------- Stripe (in browser)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_js_sources() -> dict:
    """What the Stripe payment page adds to the CSP: Stripe.js's host for scripts, its frames and its
    calls (with real Stripe also its API host and the 3-D Secure frames' host)."""
    js = _origin(settings.STRIPE_JS_URL)
    api = _origin(settings.STRIPE_API_BASE) if settings.STRIPE_API_BASE else "https://api.stripe.com"
    frames = [js] if settings.STRIPE_API_BASE else [js, "https://hooks.stripe.com"]
    return {"script_src": [js], "frame_src": frames, "connect_src": list(dict.fromkeys([js, api]))}


def _pay_in_browser(request, payment):
    """Stripe's card element; the intent is made (or found) server-side, the browser confirms it."""
    client_secret, error, status = "", None, 200
    if payment.status != Payment.Status.CANCELLED:
        try:
            client_secret = services.payment_browser_start(payment=payment, user=request.user)
        except DomainError as exc:
            error, status = str(exc), exc.status
        except GatewayError:
            error = _("The card processor cannot be reached right now. Please try again shortly.")
            status = 503
    response = render(
        request,
        "payments/pay.html",
        {
            "payment": payment,
            "orders": payment.orders.select_related("merchant").order_by("pk"),
            "error": error,
            "cancel_key": uuid.uuid4().hex,
            "stripe": {
                "js_url": settings.STRIPE_JS_URL,
                "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                "client_secret": client_secret,
                "return_url": request.build_absolute_uri(
                    reverse("payments:return", args=[payment.reference])
                ),
            },
        },
        status=status,
    )
    return csp_extend(response, **stripe_js_sources())


@require_GET
@login_required
def pay_return(request, reference):
    """Where the browser lands after Stripe.js confirmed: only a hint. The page says "processing"
    until the webhook has marked the payment paid (pay-status.js asks `pay_status` meanwhile)."""
    payment = _own_payment(request, reference)
    state = services.payment_browser_state(payment=payment)
    return render(
        request,
        "payments/pay_return.html",
        {"payment": payment, "state": state, "done_url": reverse("orders:list")},
    )


@require_GET
@login_required
def pay_status(request, reference):
    payment = _own_payment(request, reference)
    return JsonResponse({"state": services.payment_browser_state(payment=payment)})
