"""Domain errors of payments and refunds."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class InvalidCard(DomainError):
    code = "invalid_card"
    message = _("Please check the card details: %(reason)s.")

    def __init__(self, reason):
        super().__init__(reason=reason)


class PaymentAlreadyMade(DomainError):
    code = "payment_already_made"
    message = _("This payment has already been made; you were not charged again.")
    status = 409


class PaymentCancelled(DomainError):
    code = "payment_cancelled"
    message = _("These orders were cancelled, so there is nothing to pay. Please check out again.")
    status = 409


class PaymentInProgress(DomainError):
    code = "payment_in_progress"
    message = _("A payment for these orders is already being processed. Please wait a moment.")
    status = 409


class RefundInProgress(DomainError):
    code = "refund_in_progress"
    message = _("A refund for this order is already being processed.")
    status = 409


class RefundFailed(DomainError):
    code = "refund_failed"
    message = _("The refund could not be processed (%(reason)s). The order is unchanged; please try again.")
    status = 502

    def __init__(self, reason):
        super().__init__(reason=reason)


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    message = _("This request key was already used for a different request.")
    status = 409


class LedgerUnbalanced(Exception):
    """A programming error: a ledger transaction whose entries do not sum to zero."""


class InvalidPaymentAmount(DomainError):
    """Money moved by a payment or a refund is always above zero: a charge or refund of zero or less is
    refused by every service and gateway (and the database's check constraints)."""

    code = "invalid_payment_amount"
    message = _("A payment or refund must be for more than zero (this one is %(amount)s).")

    def __init__(self, amount):
        super().__init__(amount=amount)


def amount_check_positive(amount) -> Decimal:
    """The amount as a finite Decimal above zero, or `InvalidPaymentAmount`."""
    value = getattr(amount, "amount", amount)
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise InvalidPaymentAmount(value) from exc
    if not value.is_finite() or value <= 0:
        raise InvalidPaymentAmount(value)
    return value


class OrderNotReleasable(DomainError):
    code = "order_not_releasable"
    message = _("The payment for this order cannot be released now: the order is %(status)s.")
    status = 409

    def __init__(self, status):
        super().__init__(status=status)


class ReleaseOnHold(DomainError):
    code = "release_on_hold"
    message = _(
        "The payment for this order is on hold while the platform looks into it, so it cannot be "
        "released yet. We will let you know when the hold is lifted."
    )
    status = 409


class ReleaseHoldExists(DomainError):
    code = "release_hold_exists"
    message = _("This order's payment is already on hold.")
    status = 409


class NotFinanceStaff(DomainError):
    code = "not_finance_staff"
    message = _("Only platform finance staff may do this.")
    status = 403


class PayoutBelowMinimum(DomainError):
    code = "payout_below_minimum"
    message = _("A payout must be at least %(minimum)s.")

    def __init__(self, minimum):
        super().__init__(minimum=minimum)


class PayoutExceedsBalance(DomainError):
    code = "payout_exceeds_balance"
    message = _("You can pay out at most your available balance, %(available)s.")
    status = 409

    def __init__(self, available):
        super().__init__(available=available)


class PayoutAccountIncomplete(DomainError):
    code = "payout_account_incomplete"
    message = _(
        "Enter your bank account (account holder, bank and IBAN) or connect Stripe before requesting "
        "a payout."
    )
    status = 409


class NotMerchantMember(DomainError):
    code = "not_merchant_member"
    message = _("Only the store's own staff may do this.")
    status = 403


class PayoutNotChangeable(DomainError):
    code = "payout_not_changeable"
    message = _("This payout is %(status)s and cannot be changed.")
    status = 409

    def __init__(self, status):
        super().__init__(status=status)


class NothingToBatch(DomainError):
    code = "nothing_to_batch"
    message = _("No bank payout is waiting to be batched.")
    status = 409


class BatchAlreadyPaid(DomainError):
    code = "batch_already_paid"
    message = _("This batch was already marked paid (bank reference %(reference)s).")
    status = 409

    def __init__(self, reference):
        super().__init__(reference=reference)


class BankReferenceRequired(DomainError):
    code = "bank_reference_required"
    message = _("Enter the bank's reference for this payment.")


class ReasonRequired(DomainError):
    code = "reason_required"
    message = _("Say why the payout failed.")


class OrderNotRefundable(DomainError):
    code = "order_not_refundable"
    message = _("This order cannot be refunded now: it is %(status)s.")
    status = 409

    def __init__(self, status):
        super().__init__(status=status)


class TransferInProgress(DomainError):
    code = "transfer_in_progress"
    message = _(
        "The transfer of this order's money to the store is still being processed. Try the refund again "
        "in a few minutes."
    )
    status = 409


class NothingToRefund(DomainError):
    code = "nothing_to_refund"
    message = _("Everything paid for this order has already been given back.")
    status = 409


class FinancePeriodInvalid(DomainError):
    code = "finance_period_invalid"
    message = _("Choose a period that ends after it starts and spans at most %(days)s days.")

    def __init__(self, days):
        super().__init__(days=days)


class OrderNotHoldable(DomainError):
    code = "order_not_holdable"
    message = _("There is no held payment to stop on this order: the order is %(status)s.")
    status = 409

    def __init__(self, status):
        super().__init__(status=status)


class DepositNothingDue(DomainError):
    code = "deposit_nothing_due"
    message = _("Your security deposit is paid in full: there is nothing to pay.")
    status = 409


class DepositNotPayable(DomainError):
    code = "deposit_not_payable"
    message = _("A store that is %(status)s cannot pay a security deposit.")
    status = 409

    def __init__(self, status):
        super().__init__(status=status)


class HoldReasonRequired(DomainError):
    code = "hold_reason_required"
    message = _("Please give the reason for holding the payment.")


class TransfersNotAvailable(DomainError):
    code = "transfers_not_available"
    message = _(
        "Payouts to a connected account need Stripe, which is not switched on here: "
        "your store is paid by bank transfer instead."
    )
    status = 409


class PayoutAccountNotAllowed(DomainError):
    code = "payout_account_not_allowed"
    message = _("Only the store's owner may connect the account its money is paid to.")
    status = 403


class GatewayUnavailable(DomainError):
    code = "gateway_unavailable"
    message = _("The payment provider cannot be reached right now. Please try again shortly.")
    status = 503


class PayoutsHeld(DomainError):
    code = "payouts_held"
    message = _(
        "Payouts are held while your store is %(status)s: the balance stays available for refunds to buyers."
    )
    status = 409

    def __init__(self, status):
        super().__init__(status=status)
