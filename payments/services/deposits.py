"""Security deposits: a store pays its deposit through the gateway, the ledger holds it, and a daily
check keeps it at the required amount (docs/rules.md, "Security deposit and the merchant's finance
pages").

- The requirement (`merchant_selectors.deposit_requirement`): 150,000 CNY, 300,000 CNY for a store
  with any product in a category marked `special_deposit`, converted to the store's settlement
  currency at the current rate and rounded once to its minor unit (`marketplace.money.from_cny`).
- Paying: `deposit_payment_start` makes (or reuses) one `Payment(purpose=deposit)` for what is due;
  it is paid on the ordinary card page, and `core.payment_succeeded` hands it to
  `deposit_payment_succeeded`, which posts gateway_clearing +D / merchant_deposit -D (in the store's
  currency) and, once the deposit is whole, opens a store that was waiting for it.
- Draws (refunds and compensation after release, posted by their own services) lower the deposit the
  ledger holds. `deposits_check` (daily) reminds a store whose deposit fell short, and suspends it
  through `merchants.services.merchant_suspend` when the shortfall is still there
  `SECURITY_DEPOSIT_GRACE_DAYS` (15) days after the reminder; a top-up clears the shortfall.

Locks, always in this order: the payment, then the deposit row, then the merchant (the payment page's
confirmation holds the payment's lock when it calls `deposit_payment_succeeded`).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.money import Money

from marketplace.money import format_money
from marketplace.selectors import catalog_changed
from merchants import services as merchant_services
from merchants.errors import NotAllowed
from merchants.models import Merchant, MerchantEvent, SecurityDeposit

from .. import merchant_selectors
from ..errors import DepositNothingDue, DepositNotPayable, PaymentInProgress, amount_check_positive
from ..gateways import get_gateway
from ..models import LedgerAccount, LedgerTransaction, Payment, PaymentAttempt
from .core import _reference, ledger_post
from .refunds import DEPOSIT_DRAW_FOLLOWUPS

__all__ = [
    "deposit_payment_start",
    "deposit_payment_due",
    "deposit_payment_create",
    "deposit_payment_succeeded",
    "deposits_check",
    "deposit_check_merchant",
    "deposit_system_user",
]

PAYABLE = (Merchant.Status.APPROVED, Merchant.Status.SUSPENDED)


def deposit_system_user():
    """The account the daily check suspends stores as (suspensions are staff acts): a staff account
    that cannot sign in, created on first use."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=settings.DEPOSIT_SYSTEM_USERNAME,
        defaults={
            "email": f"{settings.DEPOSIT_SYSTEM_USERNAME}@platform.invalid",
            "is_staff": True,
            "is_active": False,
            "role": User.Role.STAFF,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _deposit_locked(merchant: Merchant) -> SecurityDeposit:
    """The merchant's deposit row under its lock, made at today's requirement the first time."""
    deposit = SecurityDeposit.objects.select_for_update().filter(merchant=merchant).first()
    if deposit is not None:
        return deposit
    requirement = merchant_selectors.deposit_requirement(merchant)
    try:
        with transaction.atomic():
            SecurityDeposit.objects.create(
                merchant=merchant,
                required=Money(requirement.required, requirement.currency),
                required_cny=requirement.required_cny,
                special=requirement.special,
                rate=requirement.rate,
            )
    except IntegrityError:  # made a moment ago by a concurrent request: use it
        pass
    return SecurityDeposit.objects.select_for_update().get(merchant=merchant)


def _requirement_refresh(deposit: SecurityDeposit, merchant: Merchant, **kwargs):
    """Store today's requirement on the (locked) deposit row; returns it."""
    requirement = merchant_selectors.deposit_requirement(merchant, deposit, **kwargs)
    required = Money(requirement.required, requirement.currency)
    if (deposit.required, deposit.required_cny, deposit.special) != (
        required,
        requirement.required_cny,
        requirement.special,
    ):
        deposit.required = required
        deposit.required_cny = requirement.required_cny
        deposit.special = requirement.special
        deposit.rate = requirement.rate
        deposit.save(update_fields=["required", "required_cny", "special", "rate", "updated_at"])
    return requirement


def _open_payment(merchant: Merchant, *, lock: bool = False) -> Payment | None:
    payments = Payment.objects.filter(
        merchant=merchant, purpose=Payment.Purpose.DEPOSIT, status=Payment.Status.REQUIRES_PAYMENT
    )
    return (payments.select_for_update() if lock else payments).first()


def deposit_payment_create(*, merchant: Merchant, user, amount: Money) -> Payment:
    """A deposit payment of `amount` (in the store's currency) for `user` to pay on the card page."""
    amount_check_positive(amount)
    return Payment.objects.create(
        reference=_reference(),
        user=user,
        purpose=Payment.Purpose.DEPOSIT,
        merchant=merchant,
        amount=amount,
        checkout_key=f"deposit-{merchant.pk}-{secrets.token_hex(12)}",
        gateway=get_gateway().name,
    )


def deposit_payment_start(*, merchant: Merchant, actor) -> Payment:
    """The payment for what the store owes on its deposit now: the whole deposit, or the shortfall as
    a top-up. The one still waiting is reused when it is for that amount; otherwise it is cancelled
    and a new one made. Only the store's own staff may start it; a store still applying or
    blacklisted cannot."""
    if not (actor and actor.is_authenticated and actor.merchant and actor.merchant.pk == merchant.pk):
        raise NotAllowed()
    return deposit_payment_due(merchant=merchant, user=actor)


def deposit_payment_due(*, merchant: Merchant, user) -> Payment:
    """`deposit_payment_start` without asking who `user` is: for the platform's own tools (the demo)."""
    with transaction.atomic():
        waiting = _open_payment(merchant, lock=True)
        deposit = _deposit_locked(merchant)
        merchant = Merchant.objects.get(pk=merchant.pk)
        if merchant.status not in PAYABLE:
            raise DepositNotPayable(merchant.get_status_display())
        requirement = _requirement_refresh(deposit, merchant)
        due = requirement.required - merchant_selectors.deposit_held(merchant)
        if due <= 0:
            raise DepositNothingDue()
        amount = Money(due, requirement.currency)
        current = _open_payment(merchant)
        if current is not None and (waiting is None or current.pk != waiting.pk):
            return current  # made by a concurrent request after we looked: it is for today's amount
        if waiting is not None:
            if waiting.amount == amount:
                return waiting
            if waiting.attempts.filter(status=PaymentAttempt.Status.PROCESSING).exists():
                raise PaymentInProgress()
            waiting.status = Payment.Status.CANCELLED
            waiting.save(update_fields=["status"])
        return deposit_payment_create(merchant=merchant, user=user, amount=amount)


def deposit_payment_succeeded(*, payment: Payment, actor=None) -> LedgerTransaction:
    """The gateway took a deposit payment (called by `core.payment_succeeded`, which holds the
    payment's lock and has marked it paid): the money is held on the store's deposit account, and a
    deposit paid in full opens a store that was waiting for it and clears a shortfall."""
    merchant = payment.merchant
    txn = ledger_post(
        kind=LedgerTransaction.Kind.DEPOSIT_PAID,
        entries=[
            (LedgerAccount.GATEWAY_CLEARING, None, payment.amount),
            (LedgerAccount.MERCHANT_DEPOSIT, None, -payment.amount, merchant),
        ],
        payment=payment,
        merchant=merchant,
        description=f"deposit payment {payment.reference}",
    )
    deposit = _deposit_locked(merchant)
    held = merchant_selectors.deposit_held(merchant)
    # The amount asked for was fixed when the payment started: today's rate does not move it.
    if held >= deposit.required.amount:
        _deposit_whole(deposit, merchant, actor=actor, now=timezone.now(), paid=payment.amount)
    return txn


def _deposit_whole(deposit: SecurityDeposit, merchant: Merchant, *, actor, now, paid=None) -> None:
    """The deposit is at or above the requirement: the first time, the store opens; a shortfall ends."""
    fields = []
    if deposit.paid_at is None:
        deposit.paid_at = now
        fields.append("paid_at")
        merchant_services.merchant_event_record(
            merchant=merchant,
            kind=MerchantEvent.Kind.DEPOSIT_PAID,
            actor=actor,
            note=format_money(paid or deposit.required),
        )
    elif deposit.shortfall_since is not None:
        merchant_services.merchant_event_record(
            merchant=merchant,
            kind=MerchantEvent.Kind.DEPOSIT_TOPPED_UP,
            actor=actor,
            note=format_money(paid) if paid else "",
        )
    if deposit.shortfall_since is not None:
        deposit.shortfall_since = deposit.reminded_at = deposit.suspended_at = None
        fields += ["shortfall_since", "reminded_at", "suspended_at"]
    if fields:
        deposit.save(update_fields=[*fields, "updated_at"])
    if Merchant.objects.filter(pk=merchant.pk, awaiting_deposit=True).update(awaiting_deposit=False):
        catalog_changed()  # the store opens: its listings may show


def deposits_check(*, now=None) -> dict[str, int]:
    """The daily check of every deposit once paid in full (each in its own transaction, under the
    deposit's lock, so it is idempotent and safe beside a top-up): below the requirement, the store is
    reminded once (email and event) and `shortfall_since` recorded; still short
    `SECURITY_DEPOSIT_GRACE_DAYS` after the reminder, it is suspended once through
    `merchant_suspend`; back at the requirement, the shortfall is cleared. Returns the counts."""
    now = now or timezone.now()
    counts = {"reminded": 0, "suspended": 0, "cleared": 0}
    pks = list(
        SecurityDeposit.objects.filter(paid_at__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    for pk in pks:
        outcome = _deposit_check_one(pk, now=now)
        if outcome:
            counts[outcome] += 1
    return counts


def deposit_check_merchant(merchant_id: int, *, now=None) -> str | None:
    """The daily check for one store, at once: `DEPOSIT_DRAW_FOLLOWUPS` calls it after a refund or a
    compensation drew on its deposit, so the reminder does not wait for the night."""
    pk = (
        SecurityDeposit.objects.filter(merchant_id=merchant_id, paid_at__isnull=False)
        .values_list("pk", flat=True)
        .first()
    )
    return _deposit_check_one(pk, now=now or timezone.now()) if pk else None


def _deposit_check_one(pk: int, *, now) -> str | None:
    """Check one deposit under its lock: "reminded", "suspended", "cleared" or None (nothing to do)."""
    grace = timedelta(days=settings.SECURITY_DEPOSIT_GRACE_DAYS)
    with transaction.atomic():
        deposit = SecurityDeposit.objects.select_for_update().get(pk=pk)
        merchant = Merchant.objects.get(pk=deposit.merchant_id)
        if merchant.status not in PAYABLE:
            return None  # blacklisted: its money is frozen, the store already closed
        requirement = _requirement_refresh(deposit, merchant)
        held = merchant_selectors.deposit_held(merchant)
        if held >= requirement.required:
            if deposit.shortfall_since is None:
                return None
            _deposit_whole(deposit, merchant, actor=None, now=now)
            return "cleared"
        shortfall = Money(requirement.required - held, requirement.currency)
        if deposit.shortfall_since is None:
            deposit.shortfall_since = deposit.reminded_at = now
            deposit.save(update_fields=["shortfall_since", "reminded_at", "updated_at"])
            deadline = timezone.localtime(now + grace)
            merchant_services.merchant_event_record(
                merchant=merchant,
                kind=MerchantEvent.Kind.DEPOSIT_SHORTFALL,
                note=format_money(shortfall),
                subject=gettext_lazy("Please top up your security deposit"),
                body=gettext_lazy(
                    "Your security deposit is below the required %(required)s: the platform holds "
                    "%(held)s. Please pay the %(shortfall)s missing in the seller dashboard "
                    "(Finance) by %(deadline)s, or your store will be suspended."
                ),
                # Amounts written in each reader's language (callables: notify renders them per language).
                params={
                    "required": lambda: format_money(requirement.required, requirement.currency),
                    "held": lambda: format_money(held, requirement.currency),
                    "shortfall": lambda: format_money(shortfall),
                    "deadline": f"{deadline:%Y-%m-%d %H:%M}",
                },
                url=reverse("seller_finance:overview"),
                shortfall=str(shortfall.amount),
            )
            return "reminded"
        if deposit.suspended_at is None and deposit.reminded_at + grace <= now:
            if merchant.status == Merchant.Status.APPROVED:
                merchant_services.merchant_suspend(
                    merchant=merchant,
                    actor=deposit_system_user(),
                    reason=_(
                        "The security deposit is %(shortfall)s below the required amount %(days)s "
                        "days after the reminder."
                    )
                    % {"shortfall": format_money(shortfall), "days": settings.SECURITY_DEPOSIT_GRACE_DAYS},
                )
            deposit.suspended_at = now
            deposit.save(update_fields=["suspended_at", "updated_at"])
            return "suspended"
    return None


if deposit_check_merchant not in DEPOSIT_DRAW_FOLLOWUPS:
    DEPOSIT_DRAW_FOLLOWUPS.append(deposit_check_merchant)
