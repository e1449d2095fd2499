"""The Stripe payment page in a real browser, against localstripe's mock of Stripe.js (served under
`<localstripe>/js.stripe.com/v3/`, which STRIPE_JS_URL points at): the card element mounts under the
page's Content-Security-Policy, the shopper pays, the browser returns to a page that says
"processing" until localstripe's signed webhook reached our endpoint, then shows the orders paid.

What the mock lacks: its `confirmCardPayment(clientSecret, {payment_method: {card: element}})`
ignores the card element; it only completes the 3-D Secure step (`/_authenticate`) of an intent that
already has a card and is waiting for authentication, and its `createPaymentMethod` does nothing. So
the test attaches a 3-D Secure test card to the intent server-side (what real Stripe.js does with
the element) and the browser then really calls `confirmCardPayment` with the client secret, answers
the mock's authentication dialog, and follows the page's own flow from there. Attaching the card
and charging it server-side is tested without the browser in tests/payments/stripe."""

import re
import time
import uuid

import pytest

from orders.models import Order
from payments.gateways import Card
from payments.models import GatewayEvent, Payment
from payments.stripe_gateway import StripeGateway
from tests.payments.stripe.helpers import unpaid_payment
from tests.stripe_support import localstripe_url, localstripe_webhook, stripe_settings  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("stripe_settings"),
]

THREE_D_SECURE = Card("4000002760003184", 12, 2030, "123")  # localstripe: needs authentication


def test_pay_with_stripe_and_see_the_orders_paid_after_the_webhook(
    live_server, page, screenshot, rates, settings
):
    localstripe = settings.STRIPE_API_BASE
    with localstripe_webhook(localstripe, f"{live_server.url}/payments/webhooks/stripe/", name="browser"):
        payment = unpaid_payment(intent_id="")
        refused = []
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

        page.goto(f"{live_server.url}/accounts/login/?next=/pay/{payment.reference}/")
        page.fill("input[name=username]", payment.user.username)
        page.fill("input[name=password]", "pass12345word")
        page.click("form .btn--primary")
        page.wait_for_url(re.compile(rf"^{live_server.url}/pay/{payment.reference}/$"))
        page.wait_for_selector("[data-card-element] input")  # the mock's card element mounted
        assert page.locator("[data-card-form]").count() == 0  # no sandbox form in Stripe mode
        payment.refresh_from_db()
        assert payment.gateway_reference.startswith("pi_")  # made server-side when the page opened
        screenshot("60-stripe-pay")

        # What the mock cannot do from its element: put the card on the intent (real Stripe.js does).
        result = StripeGateway().confirm(
            payment_id=payment.gateway_reference, card=THREE_D_SECURE, idempotency_key=uuid.uuid4().hex
        )
        assert result.error_code == "requires_action"

        page.fill("[data-card-holder]", "Li Meimei")
        page.fill("[data-card-element] input[placeholder=number]", "4000002760003184")
        page.fill("[data-card-element] input[placeholder=exp_month]", "12")
        page.fill("[data-card-element] input[placeholder=exp_year]", "30")
        page.fill("[data-card-element] input[placeholder=cvc]", "123")
        page.click("[data-pay]")
        page.click("text=Complete authentication")  # the mock's 3-D Secure dialog

        page.wait_for_url(re.compile(rf"/pay/{payment.reference}/return/$"))
        page.wait_for_selector("[data-pay-state=paid]", timeout=20000)  # after the webhook, by polling
        screenshot("61-stripe-paid")

        handled = GatewayEvent.objects.filter(
            type="payment_intent.succeeded",
            processed_at__isnull=False,
            payload__data__object__id=payment.gateway_reference,
        )
        deadline = time.monotonic() + 10  # the webhook's transaction has finished (see test_localstripe)
        while not handled.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED
        assert payment.orders.get().status == Order.Status.PAID
        assert refused == []
