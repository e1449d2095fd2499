"""An HTTP client injected into the `stripe` library for what localstripe lacks (Connect accounts,
account links, transfers and reversals): it records each request exactly as the library sends it and
answers with Stripe's JSON objects, shaped as in Stripe's API reference."""

import json
import time
from urllib.parse import parse_qsl, urlsplit

import stripe

NOW = 1767225600  # 2026-01-01


def account(account_id="acct_1Merchant", *, details_submitted=False, country="DE", email="shop@example.com"):
    return {
        "id": account_id,
        "object": "account",
        "type": "express",
        "country": country,
        "email": email,
        "default_currency": "eur",
        "details_submitted": details_submitted,
        "charges_enabled": details_submitted,
        "payouts_enabled": details_submitted,
        "capabilities": {"transfers": "active" if details_submitted else "inactive"},
        "metadata": {},
        "created": NOW,
    }


def account_link(url="https://connect.stripe.com/setup/e/acct_1Merchant/abc123"):
    return {"object": "account_link", "created": NOW, "expires_at": NOW + 300, "url": url}


def transfer(
    transfer_id="tr_1Release",
    *,
    amount=1234,
    currency="eur",
    destination="acct_1Merchant",
    transfer_group="P2601010000A",
    source_transaction="ch_1Charge",
    reversals=(),
    reversed=False,
):
    return {
        "id": transfer_id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": sum(r["amount"] for r in reversals),
        "balance_transaction": "txn_1Transfer",
        "created": NOW,
        "currency": currency,
        "description": None,
        "destination": destination,
        "destination_payment": "py_1Dest",
        "livemode": False,
        "metadata": {},
        "reversals": {
            "object": "list",
            "data": list(reversals),
            "has_more": False,
            "total_count": len(reversals),
            "url": f"/v1/transfers/{transfer_id}/reversals",
        },
        "reversed": reversed,
        "source_transaction": source_transaction,
        "source_type": "card",
        "transfer_group": transfer_group,
    }


def reversal(reversal_id="trr_1Back", *, amount=500, currency="eur", transfer_id="tr_1Release"):
    return {
        "id": reversal_id,
        "object": "transfer_reversal",
        "amount": amount,
        "balance_transaction": "txn_1Reversal",
        "created": NOW,
        "currency": currency,
        "destination_payment_refund": "pyr_1Back",
        "metadata": {},
        "source_refund": None,
        "transfer": transfer_id,
    }


def error(status, err_type, message, code=None):
    return status, {"error": {"type": err_type, "message": message, "code": code}}


class FakeStripeHTTP(stripe.HTTPClient):
    """Class-level state, so the instance a gateway builds from `STRIPE_HTTP_CLIENT` is visible to the
    test: `routes` maps (METHOD, path) to a JSON object or (status, JSON); `requests` records calls."""

    name = "fake"
    routes: dict = {}
    requests: list = []

    @classmethod
    def reset(cls, routes):
        cls.routes = dict(routes)
        cls.requests = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        data = post_data.decode() if isinstance(post_data, bytes) else (post_data or "")
        params = dict(parse_qsl(data or parts.query, keep_blank_values=True))
        FakeStripeHTTP.requests.append(
            {"method": method.upper(), "path": parts.path, "params": params, "headers": dict(headers or {})}
        )
        answer = FakeStripeHTTP.routes.get((method.upper(), parts.path))
        if answer is None:
            answer = error(404, "invalid_request_error", f"No such route {method} {parts.path}")
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        if isinstance(body, Exception):
            raise body
        return json.dumps(body), status, {"request-id": f"req_{int(time.time() * 1000)}"}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self):
        pass
