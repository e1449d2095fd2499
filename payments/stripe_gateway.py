"""Stripe behind the gateway interface: the only module that imports `stripe`.

A checkout's payment is a PaymentIntent charged at once (automatic capture) in the payment's currency,
with our payment reference as its `transfer_group` (Connect ties the release transfers to it) and in
its metadata. The shopper's browser confirms it with Stripe.js; Stripe's signed webhook, not the
browser, tells us it succeeded (`webhook_event`). Releases are Connect transfers to the merchant's
Express account with `source_transaction` (the charge), reversed when a refund comes after release.

Amounts cross the interface as Decimal in the currency; Stripe counts minor units per currency (two
decimals for most, none for JPY, KRW and the other zero-decimal currencies): `to_minor`/`from_minor`
convert, only here. Every call that moves money passes the idempotency key it was given, which the
caller derived from our records and stored before the call.

Errors: a declined card is a `GatewayResult` "declined"; a request Stripe refused (bad parameters,
amount above what is refundable, a permissions problem) is a result "error"; a network failure, a
rate limit or a Stripe server error is a `GatewayError` (nothing is known to have moved: the caller
may retry with the same key).

localstripe (the fake Stripe server of the tests) refuses `transfer_group` and `description` on a
PaymentIntent: `STRIPE_SEND_TRANSFER_GROUP = False` leaves the parameter out for it; it is always on
for real Stripe.
"""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.utils.module_loading import import_string

from .errors import amount_check_positive
from .gateways import (
    GatewayError,
    GatewayRecord,
    GatewayResult,
    GatewayWebhookEvent,
    PaymentGateway,
    WebhookInvalid,
)

# Stripe's zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
)
# Three-decimal currencies: Stripe counts thousandths.
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])


def minor_exponent(currency: str) -> int:
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_minor(amount: Decimal, currency: str) -> int:
    """Decimal in `currency` → Stripe's integer of minor units (12.34 EUR → 1234, 1500 JPY → 1500)."""
    exponent = minor_exponent(currency)
    scaled = (Decimal(amount) * (Decimal(10) ** exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(scaled)


def from_minor(amount: int, currency: str) -> Decimal:
    return Decimal(int(amount)) / (Decimal(10) ** minor_exponent(currency))


def _id_of(value) -> str:
    """An id field Stripe may send as the id or as the expanded object (localstripe expands)."""
    if value is None or isinstance(value, str):
        return value or ""
    return value.get("id", "") if isinstance(value, dict) else getattr(value, "id", "")


def _result_from_card_error(exc: stripe.CardError) -> GatewayResult:
    return GatewayResult(
        status="declined",
        error_code=(exc.code or "card_declined")[:40],
        error_message=(exc.user_message or str(exc))[:200],
    )


def _result_from_request_error(exc: stripe.StripeError) -> GatewayResult:
    return GatewayResult(
        status="error",
        error_code=(getattr(exc, "code", None) or type(exc).__name__)[:40],
        error_message=(exc.user_message or str(exc))[:200],
    )


# Stripe's answers that mean "not reached / try again later": nothing is known to have moved.
TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)
# Configuration problems: the key is wrong or lacks a permission. Nothing moved either.
MISCONFIGURED = (stripe.AuthenticationError, stripe.PermissionError)


class StripeGateway(PaymentGateway):
    name = "stripe"
    supports_transfers = True
    confirms_in_browser = True

    def __init__(self, *, api_key=None, api_base=None, http_client=None, send_transfer_group=None):
        api_key = api_key or settings.STRIPE_SECRET_KEY
        if not api_key:
            raise GatewayError("STRIPE_SECRET_KEY is not set")
        if http_client is None and settings.STRIPE_HTTP_CLIENT:
            http_client = import_string(settings.STRIPE_HTTP_CLIENT)()
        api_base = api_base or settings.STRIPE_API_BASE
        base_addresses = {"api": api_base, "connect": api_base} if api_base else None
        self.client = stripe.StripeClient(
            api_key, base_addresses=base_addresses, http_client=http_client, max_network_retries=2
        )
        self.send_transfer_group = (
            settings.STRIPE_SEND_TRANSFER_GROUP if send_transfer_group is None else send_transfer_group
        )

    # ----------------------------------------------------------------------------- plumbing

    def _call(self, fn, *args, **kwargs):
        """Run one Stripe call; transient failures and configuration errors become `GatewayError`."""
        try:
            return fn(*args, **kwargs)
        except TRANSIENT as exc:
            raise GatewayError(f"Stripe unreachable: {exc.user_message or exc}") from exc
        except MISCONFIGURED as exc:
            raise GatewayError(f"Stripe refused our credentials: {exc.user_message or exc}") from exc

    @staticmethod
    def _options(idempotency_key: str = "") -> dict:
        return {"idempotency_key": idempotency_key} if idempotency_key else {}

    # ----------------------------------------------------------------------------- payments

    def create_payment(self, *, amount, currency, reference, idempotency_key, transfer_group=""):
        amount = amount_check_positive(amount)
        params = {
            "amount": to_minor(amount, currency),
            "currency": currency.lower(),
            "payment_method_types": ["card"],
            "metadata": {"reference": reference},
        }
        if transfer_group and self.send_transfer_group:
            params["transfer_group"] = transfer_group
        try:
            intent = self._call(
                self.client.v1.payment_intents.create, params=params, options=self._options(idempotency_key)
            )
        except stripe.StripeError as exc:  # refused parameters: a programming or account problem
            raise GatewayError(f"Stripe refused the payment: {exc.user_message or exc}") from exc
        return intent.id

    def payment_client_secret(self, *, payment_id: str) -> str:
        """The secret the shopper's browser confirms the PaymentIntent with (Stripe.js)."""
        try:
            intent = self._call(self.client.v1.payment_intents.retrieve, payment_id)
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return intent.client_secret

    def payment_status(self, *, payment_id: str) -> str:
        """The PaymentIntent's status as Stripe has it ("succeeded", "processing", ...)."""
        try:
            return self._call(self.client.v1.payment_intents.retrieve, payment_id).status
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc

    def _intent_result(self, intent) -> GatewayResult:
        if intent.status == "succeeded":
            return GatewayResult(status="succeeded", reference=_id_of(intent.latest_charge) or intent.id)
        error = getattr(intent, "last_payment_error", None)
        if intent.status == "requires_payment_method" and error:
            return GatewayResult(
                status="declined",
                error_code=(getattr(error, "code", None) or "card_declined")[:40],
                error_message=(getattr(error, "message", None) or "")[:200],
            )
        if intent.status == "processing":
            return GatewayResult(status="error", error_code="processing", error_message="Still processing.")
        return GatewayResult(
            status="error", error_code=intent.status[:40], error_message=f"Payment is {intent.status}."
        )

    def confirm(self, *, payment_id, card, idempotency_key):
        """Server-side confirmation with a card's data: for test mode and the API's sandbox-style flow
        (real Stripe only accepts raw card numbers from accounts allowed to send them; the payment page
        confirms in the browser with Stripe.js instead). The card becomes a PaymentMethod, is set on
        the intent, and the intent is confirmed, each call with a key derived from `idempotency_key`."""
        try:
            method = self._call(
                self.client.v1.payment_methods.create,
                params={
                    "type": "card",
                    "card": {
                        "number": card.number,
                        "exp_month": card.exp_month,
                        "exp_year": card.exp_year,
                        "cvc": card.cvc,
                    },
                },
                options=self._options(f"{idempotency_key}:card"),
            )
            self._call(
                self.client.v1.payment_intents.update,
                payment_id,
                params={"payment_method": method.id},
                options=self._options(f"{idempotency_key}:method"),
            )
            intent = self._call(
                self.client.v1.payment_intents.confirm, payment_id, options=self._options(idempotency_key)
            )
        except stripe.CardError as exc:
            return _result_from_card_error(exc)
        except stripe.StripeError as exc:
            return _result_from_request_error(exc)
        return self._intent_result(intent)

    def refund(self, *, payment_id, amount, idempotency_key):
        amount = amount_check_positive(amount)
        try:
            intent = self._call(self.client.v1.payment_intents.retrieve, payment_id)
            refund = self._call(
                self.client.v1.refunds.create,
                params={"payment_intent": payment_id, "amount": to_minor(amount, intent.currency)},
                options=self._options(idempotency_key),
            )
        except stripe.CardError as exc:
            return _result_from_card_error(exc)
        except stripe.StripeError as exc:
            return _result_from_request_error(exc)
        if refund.status in ("succeeded", "pending"):  # pending: accepted, settles later
            return GatewayResult(status="succeeded", reference=refund.id)
        return GatewayResult(
            status="error",
            reference=refund.id,
            error_code=(getattr(refund, "failure_reason", None) or refund.status or "failed")[:40],
            error_message=f"Refund {refund.status}.",
        )

    # ----------------------------------------------------------------------------- Connect

    def transfer(self, *, amount, currency, destination, transfer_group, source_transaction, idempotency_key):
        amount = amount_check_positive(amount)
        params = {
            "amount": to_minor(amount, currency),
            "currency": currency.lower(),
            "destination": destination,
        }
        if transfer_group:
            params["transfer_group"] = transfer_group
        if source_transaction:
            params["source_transaction"] = source_transaction
        try:
            transfer = self._call(
                self.client.v1.transfers.create, params=params, options=self._options(idempotency_key)
            )
        except stripe.StripeError as exc:
            return _result_from_request_error(exc)
        return GatewayResult(status="succeeded", reference=transfer.id)

    def transfer_reverse(self, *, transfer_id, amount, idempotency_key):
        amount = amount_check_positive(amount)
        try:
            transfer = self._call(self.client.v1.transfers.retrieve, transfer_id)
            reversal = self._call(
                self.client.v1.transfers.reversals.create,
                transfer_id,
                params={"amount": to_minor(amount, transfer.currency)},
                options=self._options(idempotency_key),
            )
        except stripe.StripeError as exc:
            return _result_from_request_error(exc)
        return GatewayResult(status="succeeded", reference=reversal.id)

    def connected_account_create(self, *, merchant_reference, country, email, idempotency_key):
        params = {
            "type": "express",
            "country": country,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"merchant": merchant_reference},
        }
        if email:
            params["email"] = email
        try:
            account = self._call(
                self.client.v1.accounts.create, params=params, options=self._options(idempotency_key)
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused the account: {exc.user_message or exc}") from exc
        return account.id

    def connected_account_details_submitted(self, *, account_id: str) -> bool:
        try:
            account = self._call(self.client.v1.accounts.retrieve, account_id)
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return bool(account.details_submitted)

    def account_link(self, *, account_id, refresh_url, return_url):
        try:
            link = self._call(
                self.client.v1.account_links.create,
                params={
                    "account": account_id,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                },
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused the account link: {exc.user_message or exc}") from exc
        return link.url

    # ----------------------------------------------------------------------------- books

    def records(self, *, since, until) -> list[GatewayRecord]:
        created = {"gte": int(since.timestamp()), "lt": int(until.timestamp())}

        def when(obj):
            return datetime.fromtimestamp(obj.created, tz=UTC)

        out = []
        try:
            for charge in self._call(
                self.client.v1.charges.list, params={"created": created, "limit": 100}
            ).auto_paging_iter():
                out.append(
                    GatewayRecord(
                        kind="charge",
                        reference=charge.id,
                        amount=from_minor(charge.amount, charge.currency),
                        currency=charge.currency.upper(),
                        status=charge.status,
                        created=when(charge),
                        payment_reference=getattr(charge, "transfer_group", None) or "",
                    )
                )
            for refund in self._call(
                self.client.v1.refunds.list, params={"created": created, "limit": 100}
            ).auto_paging_iter():
                out.append(
                    GatewayRecord(
                        kind="refund",
                        reference=refund.id,
                        amount=from_minor(refund.amount, refund.currency),
                        currency=refund.currency.upper(),
                        status=refund.status,
                        created=when(refund),
                    )
                )
            for transfer in self._call(
                self.client.v1.transfers.list, params={"created": created, "limit": 100}
            ).auto_paging_iter():
                out.append(
                    GatewayRecord(
                        kind="transfer",
                        reference=transfer.id,
                        amount=from_minor(transfer.amount, transfer.currency),
                        currency=transfer.currency.upper(),
                        # The transfer did move the money; its reversals are records of their own
                        # (reconciliation would otherwise see a reversed transfer as never paid).
                        status="succeeded",
                        created=when(transfer),
                        payment_reference=getattr(transfer, "transfer_group", None) or "",
                    )
                )
                reversals = getattr(transfer, "reversals", None)
                for reversal in reversals.data if reversals else []:
                    out.append(
                        GatewayRecord(
                            kind="transfer_reversal",
                            reference=reversal.id,
                            amount=from_minor(reversal.amount, reversal.currency),
                            currency=reversal.currency.upper(),
                            status="succeeded",
                            created=when(reversal),
                            payment_reference=getattr(transfer, "transfer_group", None) or "",
                        )
                    )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe's records could not be read: {exc}") from exc
        return out

    # ----------------------------------------------------------------------------- webhooks

    def webhook_event(self, *, payload: bytes, signature: str) -> GatewayWebhookEvent:
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise WebhookInvalid("STRIPE_WEBHOOK_SECRET is not set")
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
            )
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise WebhookInvalid(str(exc)) from exc
        data = event.to_dict()
        obj = data.get("data", {}).get("object", {}) or {}
        amount, currency, charge = None, "", ""
        if obj.get("object") == "payment_intent":
            currency = (obj.get("currency") or "").upper()
            received = obj.get("amount_received") or obj.get("amount") or 0
            amount = from_minor(received, currency) if currency else None
            charge = _id_of(obj.get("latest_charge"))
        return GatewayWebhookEvent(
            event_id=data["id"],
            type=data["type"],
            object_id=obj.get("id", ""),
            payload=data,
            amount=amount,
            currency=currency,
            charge_id=charge,
        )
