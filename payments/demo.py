"""Demo data of payments: the demo stores have paid their security deposits, through the same service
and sandbox card as a store would, so the ledger holds the entries."""

import uuid

from .errors import DepositNothingDue
from .gateways import Card


def seed_deposits(*, merchants, fallback_user, log=print) -> int:
    """Each store pays what it owes on its deposit (its owner, or `fallback_user` for a demo store
    without an account). Returns how many paid."""
    from merchants.models import MerchantMember

    from . import services

    paid = 0
    for merchant in merchants:
        owner = MerchantMember.objects.filter(merchant=merchant).select_related("user").order_by("pk").first()
        user = owner.user if owner else fallback_user
        try:
            payment = services.deposit_payment_due(merchant=merchant, user=user)
        except DepositNothingDue:
            continue
        services.payment_confirm(
            payment=payment,
            user=user,
            card=Card("4242424242424242", 12, 2030, "123"),
            idempotency_key=uuid.uuid4().hex,
        )
        paid += 1
    log(f"{paid} stores paid their security deposits.")
    return paid
