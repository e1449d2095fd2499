"""A merchant connects the account its money is paid to: a Stripe Express connected account.

`payout_account_connect` opens the connected account once (the idempotency key is derived from the
merchant's id, and the account's id is stored on `PayoutAccount` right after the call; two clicks at
once get the same account from Stripe) and returns a one-time onboarding address (an account link).
`payout_account_refresh` reads back from Stripe whether the merchant finished onboarding. No lock is
held during a gateway call. Only the store's owner may do either.
"""

from django.db import transaction

from ..errors import GatewayUnavailable, PayoutAccountNotAllowed, TransfersNotAvailable
from ..gateways import GatewayError, get_gateway
from ..models import PayoutAccount

__all__ = ["payout_account_connect", "payout_account_refresh"]


def _check_owner(*, merchant, actor) -> None:
    membership = getattr(actor, "merchant_membership", None) if actor and actor.is_authenticated else None
    if membership is None or membership.merchant_id != merchant.pk or membership.role != "owner":
        raise PayoutAccountNotAllowed()


def _gateway():
    gateway = get_gateway()
    if not gateway.supports_transfers:
        raise TransfersNotAvailable()
    return gateway


def payout_account_connect(*, merchant, actor, refresh_url: str, return_url: str) -> str:
    """The onboarding address of the merchant's connected account (made first if it has none)."""
    _check_owner(merchant=merchant, actor=actor)
    gateway = _gateway()
    with transaction.atomic():
        account, _created = PayoutAccount.objects.get_or_create(merchant=merchant)
    try:
        account_id = account.stripe_account_id
        if not account_id:
            account_id = gateway.connected_account_create(
                merchant_reference=merchant.slug,
                country=str(merchant.country),
                email=merchant.contact_email or actor.email,
                idempotency_key=f"merchant-{merchant.pk}:connected-account",
            )
            PayoutAccount.objects.filter(pk=account.pk, stripe_account_id="").update(
                stripe_account_id=account_id
            )
            account.refresh_from_db(fields=["stripe_account_id"])
            account_id = account.stripe_account_id
        return gateway.account_link(account_id=account_id, refresh_url=refresh_url, return_url=return_url)
    except GatewayError as exc:
        raise GatewayUnavailable() from exc


def payout_account_refresh(*, merchant, actor) -> PayoutAccount | None:
    """Read from Stripe whether onboarding is complete; store it. None when nothing is connected."""
    _check_owner(merchant=merchant, actor=actor)
    gateway = _gateway()
    account = PayoutAccount.objects.filter(merchant=merchant).exclude(stripe_account_id="").first()
    if account is None:
        return None
    try:
        submitted = gateway.connected_account_details_submitted(account_id=account.stripe_account_id)
    except GatewayError as exc:
        raise GatewayUnavailable() from exc
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().get(pk=account.pk)
        if account.stripe_details_submitted != submitted:
            account.stripe_details_submitted = submitted
            account.save(update_fields=["stripe_details_submitted", "updated_at"])
    return account
