"""Support of the Stripe tests (tests/payments/stripe, tests/browser): localstripe, a fake Stripe
server, started as a separate process on 127.0.0.1 (a free port) for the session; settings for Stripe
mode against it; signed webhook payloads. Conftests import the fixtures from here.

Without localstripe installed the localstripe tests skip, unless REQUIRE_STRIPE is set (CI installs
the dev extras, so they run there)."""

import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "payments" / "stripe"
SECRET_KEY = "sk_test_marketplace"
PUBLISHABLE_KEY = "pk_test_marketplace"
WEBHOOK_SECRET = "whsec_marketplace_tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    if importlib.util.find_spec("localstripe") is None:
        if os.environ.get("REQUIRE_STRIPE"):
            pytest.fail("localstripe is not installed (pip install -e '.[dev]')")
        pytest.skip("localstripe is not installed")
    port = _free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115  (closed with the process below)
    process = subprocess.Popen(
        [sys.executable, str(HERE / "localstripe_process.py"), str(port)], stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"{url}/js.stripe.com/v3/", timeout=1):
                break
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("localstripe did not start")
            time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _localstripe_webhook(url: str, name: str, payload: dict) -> None:
    request = urllib.request.Request(
        f"{url}/_config/webhooks/{name}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


@contextlib.contextmanager
def localstripe_webhook(url: str, target: str, *, name: str = "marketplace"):
    """localstripe sends its signed events to `target` (our webhook view on the live server) while the
    block runs; afterwards the hook listens to no event type, so later tests get no stray events
    (localstripe has no call to delete a hook)."""
    _localstripe_webhook(url, name, {"url": target, "secret": WEBHOOK_SECRET})
    try:
        yield
    finally:
        _localstripe_webhook(
            url, name, {"url": target, "secret": WEBHOOK_SECRET, "events": ["test.disabled"]}
        )


@pytest.fixture
def stripe_settings(settings, localstripe_url):
    """Stripe mode against localstripe (which refuses `transfer_group` on PaymentIntents)."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    settings.STRIPE_SEND_TRANSFER_GROUP = False
    settings.STRIPE_HTTP_CLIENT = ""
    settings.PAYMENT_GATEWAY_CLASS = "payments.stripe_gateway.StripeGateway"
    return settings


def signed_event(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """A webhook body and its `Stripe-Signature` header, signed as Stripe does."""
    import hashlib
    import hmac

    body = json.dumps(event).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={signature}"


def intent_event(event_id: str, event_type: str, intent: dict) -> dict:
    """A `payment_intent.*` event as Stripe sends it."""
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": {"object": "payment_intent", **intent}},
    }
