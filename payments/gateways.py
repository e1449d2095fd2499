"""The payment gateway interface and the offline sandbox that implements it.

A gateway creates a payment (an intent to collect an amount), confirms it with a card, and refunds
it, fully or in part; with Connect (Stripe) it also transfers money to a merchant's connected account
and reverses such a transfer. Every call carries an idempotency key derived from our own records and
stored before the call: the same key always gets the first answer and never moves money twice.
Amounts cross this boundary as Decimal in the named currency; a gateway that needs minor units
converts here. Services only ever talk to `get_gateway()`: nothing outside a gateway imports `stripe`.
"""

import secrets
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from .errors import amount_check_positive


@dataclass(frozen=True)
class Card:
    number: str
    exp_month: int
    exp_year: int
    cvc: str
    holder: str = ""

    @property
    def last4(self) -> str:
        return self.number[-4:]


@dataclass(frozen=True)
class GatewayResult:
    status: str  # "succeeded", "declined" or "error"
    reference: str = ""
    error_code: str = ""
    error_message: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


class GatewayError(Exception):
    """The gateway could not be reached or answered nonsense: nothing is known to have moved."""


class WebhookInvalid(Exception):
    """A webhook whose signature does not verify (wrong secret, changed body, stale timestamp)."""


@dataclass(frozen=True)
class GatewayWebhookEvent:
    """A verified webhook event: the gateway's event id (unique), its type, the id of the object it
    is about (a PaymentIntent for `payment_intent.*`), and the whole payload as plain JSON."""

    event_id: str
    type: str
    object_id: str
    payload: dict
    # For a payment's events: what the gateway says it took, as Decimal in the currency (converted
    # from minor units by the gateway), and the charge's id ("" when none).
    amount: Decimal | None = None
    currency: str = ""
    charge_id: str = ""


@dataclass(frozen=True)
class GatewayRecord:
    """One money movement as the gateway's own books show it (for the reconciliation report)."""

    kind: str  # "charge", "refund", "transfer", "transfer_reversal"
    reference: str  # the gateway's id
    amount: Decimal
    currency: str
    status: str
    created: object = None  # datetime
    payment_reference: str = ""  # our Payment.reference (charges, refunds) when the gateway knows it
    idempotency_key: str = ""  # the key of the call that made it, when the gateway reports it


class PaymentGateway:
    name = "base"
    # Connect: money can be transferred to a merchant's connected account (Stripe). Without it,
    # merchants are paid by payout batches that staff pay by bank transfer.
    supports_transfers = False
    # The shopper's browser confirms the payment with the gateway's own script (Stripe.js) and the
    # gateway's signed webhook says it succeeded; without it, our card form confirms server-side.
    confirms_in_browser = False

    def create_payment(
        self,
        *,
        amount: Decimal,
        currency: str,
        reference: str,
        idempotency_key: str,
        transfer_group: str = "",
    ) -> str:
        """Register a payment of `amount` (above zero, else `InvalidPaymentAmount`); returns the
        gateway's id for it. `transfer_group` ties later transfers to it (Stripe Connect)."""
        raise NotImplementedError

    def confirm(self, *, payment_id: str, card: Card, idempotency_key: str) -> GatewayResult:
        """Charge the card for the payment's amount."""
        raise NotImplementedError

    def refund(self, *, payment_id: str, amount: Decimal, idempotency_key: str) -> GatewayResult:
        """Give back `amount` (above zero, else `InvalidPaymentAmount`; at most what was charged and
        not yet refunded)."""
        raise NotImplementedError

    def transfer(
        self,
        *,
        amount: Decimal,
        currency: str,
        destination: str,
        transfer_group: str,
        source_transaction: str,
        idempotency_key: str,
    ) -> GatewayResult:
        """Send `amount` to the connected account `destination`; `source_transaction` is the charge it
        comes from ("" for none). The result's reference is the transfer's id."""
        raise NotImplementedError

    def transfer_reverse(self, *, transfer_id: str, amount: Decimal, idempotency_key: str) -> GatewayResult:
        """Take back `amount` of a transfer from the connected account."""
        raise NotImplementedError

    def connected_account_create(
        self, *, merchant_reference: str, country: str, email: str, idempotency_key: str
    ) -> str:
        """Open a connected account for a merchant; returns its id."""
        raise NotImplementedError

    def account_link(self, *, account_id: str, refresh_url: str, return_url: str) -> str:
        """A one-time address where the merchant completes its connected account."""
        raise NotImplementedError

    def records(self, *, since, until) -> list[GatewayRecord]:
        """Every charge, refund, transfer and reversal the gateway recorded between the two instants."""
        raise NotImplementedError

    def connected_account_details_submitted(self, *, account_id: str) -> bool:
        """Whether the merchant finished the connected account's onboarding (read from the gateway)."""
        raise NotImplementedError

    # Browser confirmation (gateways with `confirms_in_browser`).
    def payment_client_secret(self, *, payment_id: str) -> str:
        """The secret the shopper's browser confirms the payment with."""
        raise NotImplementedError

    def payment_status(self, *, payment_id: str) -> str:
        raise NotImplementedError

    def webhook_event(self, *, payload: bytes, signature: str) -> GatewayWebhookEvent:
        """Verify a webhook's signature and timestamp; `WebhookInvalid` when they do not hold."""
        raise WebhookInvalid("this gateway sends no webhooks")


# The sandbox's documented test cards (any future expiry date, any 3-digit CVC).
SANDBOX_CARDS = {
    "4242424242424242": ("succeeded", "", ""),
    "5555555555554444": ("succeeded", "", ""),
    "4000000000000002": ("declined", "card_declined", gettext_noop("The card was declined.")),
    "4000000000009995": ("declined", "insufficient_funds", gettext_noop("The card has insufficient funds.")),
    "4000000000000119": (
        "error",
        "processing_error",
        gettext_noop("The card processor had an error. Try again."),
    ),
}
SANDBOX_UNKNOWN_CARD = (
    "declined",
    "card_declined",
    gettext_noop("The card was declined (sandbox: use a test card)."),
)


class SandboxGateway(PaymentGateway):
    """An offline card processor. It keeps its own books (`SandboxOperation`), like a real processor
    would on its side, and honours idempotency keys the way Stripe does."""

    name = "sandbox"

    def _replay(self, key):
        from .models import SandboxOperation

        return SandboxOperation.objects.filter(idempotency_key=key).first()

    def _record(self, **fields):
        from .models import SandboxOperation

        try:
            with transaction.atomic():
                return SandboxOperation.objects.create(**fields)
        except IntegrityError:  # the same key raced in: its first answer wins
            return SandboxOperation.objects.get(idempotency_key=fields["idempotency_key"])

    def create_payment(self, *, amount, currency, reference, idempotency_key, transfer_group=""):
        amount = amount_check_positive(amount)  # a processor never takes a charge of zero or less
        done = self._replay(idempotency_key)
        if done is None:
            intent = "sbpi_" + secrets.token_hex(8)
            done = self._record(
                idempotency_key=idempotency_key,
                kind="create",
                intent=intent,
                amount=amount,
                outcome="created",
                response={"currency": currency, "reference": reference},
            )
        return done.intent

    def confirm(self, *, payment_id, card, idempotency_key):
        from .models import SandboxOperation

        done = self._replay(idempotency_key)
        if done is not None:
            return GatewayResult(**done.response)
        created = SandboxOperation.objects.filter(intent=payment_id, kind="create").first()
        if created is None:
            raise GatewayError(f"no such sandbox payment {payment_id}")
        charged = SandboxOperation.objects.filter(
            intent=payment_id, kind="charge", outcome="succeeded"
        ).first()
        if charged is not None:  # a processor never charges one payment twice
            return GatewayResult(**charged.response)
        status, code, message = SANDBOX_CARDS.get(card.number, SANDBOX_UNKNOWN_CARD)
        result = GatewayResult(
            status=status, reference="sbch_" + secrets.token_hex(8), error_code=code, error_message=message
        )
        done = self._record(
            idempotency_key=idempotency_key,
            kind="charge",
            intent=payment_id,
            amount=created.amount,
            outcome=status,
            response=asdict(result),
        )
        return GatewayResult(**done.response)

    def refund(self, *, payment_id, amount, idempotency_key):
        from django.db.models import Sum

        from .models import SandboxOperation

        amount = amount_check_positive(amount)
        done = self._replay(idempotency_key)
        if done is not None:
            return GatewayResult(**done.response)
        charged = SandboxOperation.objects.filter(
            intent=payment_id, kind="charge", outcome="succeeded"
        ).first()
        refunded = SandboxOperation.objects.filter(
            intent=payment_id, kind="refund", outcome="succeeded"
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if charged is None:
            result = GatewayResult(
                status="error", error_code="not_charged", error_message="Nothing was charged."
            )
        elif refunded + amount > charged.amount:
            result = GatewayResult(
                status="error", error_code="amount_too_large", error_message="More than was charged."
            )
        else:
            result = GatewayResult(status="succeeded", reference="sbre_" + secrets.token_hex(8))
        done = self._record(
            idempotency_key=idempotency_key,
            kind="refund",
            intent=payment_id,
            amount=amount,
            outcome=result.status,
            response=asdict(result),
        )
        return GatewayResult(**done.response)

    def records(self, *, since, until):
        """The sandbox's books: every charge and refund it answered in [since, until), whatever the
        outcome (a declined charge is a record too: reconciliation ignores what moved no money)."""
        from .models import SandboxOperation

        operations = list(
            SandboxOperation.objects.filter(
                kind__in=("charge", "refund"), created_at__gte=since, created_at__lt=until
            ).order_by("id")
        )
        created = {
            op.intent: op.response
            for op in SandboxOperation.objects.filter(
                kind="create", intent__in={op.intent for op in operations}
            )
        }
        records = []
        for op in operations:
            intent = created.get(op.intent, {})
            records.append(
                GatewayRecord(
                    kind=op.kind,
                    reference=op.response.get("reference", ""),
                    amount=op.amount,
                    currency=intent.get("currency", "CNY"),
                    status=op.outcome,
                    created=op.created_at,
                    payment_reference=intent.get("reference", ""),
                    idempotency_key=op.idempotency_key,
                )
            )
        return records


def get_gateway() -> PaymentGateway:
    return import_string(settings.PAYMENT_GATEWAY_CLASS)()
