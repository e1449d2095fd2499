"""The payment page in Stripe mode (Stripe's calls answered by the injected client): Stripe.js from
STRIPE_JS_URL and Stripe's hosts in the CSP on that page only; the intent made once per payment with
a key derived from our reference (and the transfer group sent); the return page says "processing"
until the webhook marked the payment paid; the small JSON status. In sandbox mode the page and its
policy are as before."""

import pytest
from django.urls import reverse

from payments.models import Payment
from tests.payments.stripe import fake_stripe as fake
from tests.payments.stripe.fake_stripe import FakeStripeHTTP
from tests.payments.stripe.helpers import (
    intent_event,
    intent_for,
    post_event,
    unpaid_payment,
)
from tests.stripe_support import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

INTENT = {
    "id": "pi_1Page",
    "object": "payment_intent",
    "amount": 10268,
    "currency": "cny",
    "status": "requires_payment_method",
    "client_secret": "pi_1Page_secret_abc",
    "transfer_group": None,
    "latest_charge": None,
    "metadata": {},
}


@pytest.fixture
def stripe_page(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = ""
    settings.STRIPE_JS_URL = "https://js.stripe.com/v3/"
    settings.STRIPE_SEND_TRANSFER_GROUP = True
    settings.STRIPE_HTTP_CLIENT = "tests.payments.stripe.fake_stripe.FakeStripeHTTP"
    settings.PAYMENT_GATEWAY_CLASS = "payments.stripe_gateway.StripeGateway"
    FakeStripeHTTP.reset(
        {
            ("POST", "/v1/payment_intents"): INTENT,
            ("GET", "/v1/payment_intents/pi_1Page"): INTENT,
        }
    )
    return settings


def _policy(response) -> dict:
    return {part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split("; ")}


def test_every_page_has_a_strict_policy_without_stripe(client, rates):
    policy = _policy(client.get("/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "stripe" not in client.get("/").headers["Content-Security-Policy"]


def test_the_sandbox_payment_page_is_unchanged(client, rates):
    payment = unpaid_payment(intent_id="")
    client.force_login(payment.user)
    response = client.get(reverse("payments:pay", args=[payment.reference]))
    assert response.status_code == 200
    assert b"data-card-form" in response.content and b"stripe" not in response.content.lower()
    assert _policy(response)["script-src"] == ["'self'"]


def test_the_stripe_page_loads_stripe_js_and_names_its_host_in_the_policy(client, rates, stripe_page):
    payment = unpaid_payment(intent_id="")
    client.force_login(payment.user)

    response = client.get(reverse("payments:pay", args=[payment.reference]))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<script src="https://js.stripe.com/v3/"></script>' in html
    assert 'data-client-secret="pi_1Page_secret_abc"' in html
    assert 'data-publishable-key="pk_test_fake"' in html
    assert "data-card-form" not in html  # no sandbox card form
    policy = _policy(response)
    assert policy["script-src"] == ["'self'", "https://js.stripe.com"]
    assert policy["frame-src"] == ["https://js.stripe.com", "https://hooks.stripe.com"]
    assert policy["connect-src"] == ["'self'", "https://js.stripe.com", "https://api.stripe.com"]
    # Other pages stay strict in Stripe mode.
    assert "stripe" not in client.get(reverse("orders:list")).headers["Content-Security-Policy"]

    created = [
        r for r in FakeStripeHTTP.requests if (r["method"], r["path"]) == ("POST", "/v1/payment_intents")
    ]
    assert len(created) == 1
    assert created[0]["headers"]["Idempotency-Key"] == f"{payment.reference}:create"
    assert created[0]["params"]["transfer_group"] == payment.reference
    assert created[0]["params"]["amount"] == str(int(payment.amount.amount * 100))
    payment.refresh_from_db()
    assert payment.gateway_reference == "pi_1Page"

    client.get(reverse("payments:pay", args=[payment.reference]))  # a reload: the same intent
    assert len([r for r in FakeStripeHTTP.requests if r["path"] == "/v1/payment_intents"]) == 1


def test_stripe_unreachable_shows_a_clear_page_not_an_error(client, rates, stripe_page):
    payment = unpaid_payment(intent_id="")
    client.force_login(payment.user)
    FakeStripeHTTP.reset(
        {("POST", "/v1/payment_intents"): fake.error(401, "invalid_request_error", "bad key")}
    )
    response = client.get(reverse("payments:pay", args=[payment.reference]))
    assert response.status_code == 503
    assert b"data-pay-error" in response.content


def test_the_return_page_waits_for_the_webhook(client, rates, stripe_page):
    payment = unpaid_payment(intent_id="pi_1Page")
    client.force_login(payment.user)
    return_url = reverse("payments:return", args=[payment.reference])
    status_url = reverse("payments:status", args=[payment.reference])

    assert b'data-pay-state="processing"' in client.get(return_url).content
    assert client.get(status_url).json() == {"state": "processing"}

    event = intent_event("evt_page_1", "payment_intent.succeeded", intent_for(payment))
    assert post_event(client, event).status_code == 200

    assert client.get(status_url).json() == {"state": "paid"}
    assert b'data-pay-state="paid"' in client.get(return_url).content
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    # Once paid, the payment page sends the shopper to the orders.
    assert client.get(reverse("payments:pay", args=[payment.reference])).status_code == 302


def test_another_shoppers_payment_is_404(client, rates, stripe_page):
    payment = unpaid_payment(intent_id="pi_1Page")
    other = unpaid_payment(intent_id="")
    client.force_login(other.user)
    assert client.get(reverse("payments:status", args=[payment.reference])).status_code == 404
    assert client.get(reverse("payments:return", args=[payment.reference])).status_code == 404


def test_the_api_docs_may_run_their_inline_scripts(client):
    policy = _policy(client.get("/api/v1/docs/"))
    assert "'unsafe-inline'" in policy["script-src"]
