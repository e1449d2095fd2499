"""Domain errors of after-sales cases: stable codes, messages the shopper, the store and the
arbitrator understand (pages show the message, the API answers with both)."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class CaseNotFound(DomainError):
    """Someone else's order or case: answered as if it did not exist."""

    code = "case_not_found"
    status = 404
    message = _("We could not find that order or request.")


class CaseNotAllowed(DomainError):
    code = "case_not_allowed"
    status = 403
    message = _("You may not do this on this after-sales request.")


class OrderNotEligible(DomainError):
    code = "case_order_not_eligible"
    status = 409
    message = _("An after-sales request cannot be opened on this order: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class CaseAlreadyOpen(DomainError):
    code = "case_already_open"
    status = 409
    message = _("This order already has an open after-sales request (%(number)s). Please follow that one.")

    def __init__(self, number=""):
        super().__init__(number=number)


class InvalidCaseLines(DomainError):
    code = "case_invalid_lines"
    message = _("Please choose the items and quantities of this order: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class InvalidCaseChoice(DomainError):
    code = "case_invalid_choice"
    message = _("This choice is not available: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class ChangedMindNotAccepted(DomainError):
    code = "case_changed_mind_not_accepted"
    message = _(
        "This store does not take back goods for a change of mind. Choose another reason if the goods "
        "have a problem."
    )


class ChangedMindNeedsReturn(DomainError):
    code = "case_changed_mind_needs_return"
    message = _("A change of mind is a return: please choose “Return and refund”.")


class InvalidCaseAmount(DomainError):
    code = "case_invalid_amount"
    message = _("Please enter an amount in yuan above zero with at most two decimals.")


class AmountAboveMaximum(DomainError):
    code = "case_amount_above_maximum"
    message = _("The refund can be at most %(maximum)s for these items (what was paid for them).")

    def __init__(self, maximum):
        super().__init__(maximum=maximum)


class OfferNotLower(DomainError):
    code = "case_offer_not_lower"
    message = _(
        "A partial refund must be less than the %(requested)s asked for. To give it all, accept the request."
    )

    def __init__(self, requested):
        super().__init__(requested=requested)


class TextRequired(DomainError):
    code = "case_text_required"
    message = _("Please write %(what)s.")

    def __init__(self, what):
        super().__init__(what=what)


class TextTooLong(DomainError):
    code = "case_text_too_long"
    message = _("Please keep %(what)s under %(limit)s characters.")

    def __init__(self, what, limit):
        super().__init__(what=what, limit=limit)


class TooManyPhotos(DomainError):
    code = "case_too_many_photos"
    message = _("Please attach at most %(limit)s photos.")

    def __init__(self, limit):
        super().__init__(limit=limit)


class CaseStateChanged(DomainError):
    """The case is not (or no longer) in a state that allows the action: another party or the
    deadline job got there first, or the action never applied."""

    code = "case_state_conflict"
    status = 409
    message = _("This request is now “%(status)s”: this step is no longer possible.")

    def __init__(self, status_label):
        super().__init__(status=status_label)


class ReturnNotExpected(DomainError):
    code = "case_return_not_expected"
    status = 409
    message = _("No return is expected on this request.")


class ReturnNotDelivered(DomainError):
    code = "case_return_not_delivered"
    status = 409
    message = _("The returned parcel has not been delivered to the store yet.")


class EscalationNotAllowed(DomainError):
    code = "case_escalation_not_allowed"
    status = 409
    message = _(
        "Platform arbitration is for a request the store refused, a partial offer not agreed, or returned "
        "goods the store disputes."
    )


class InvalidDeadline(DomainError):
    code = "case_invalid_deadline"
    message = _("The deadline must be in the future and within 30 days.")


class RefundNotPossible(DomainError):
    code = "case_refund_not_possible"
    status = 409
    message = _("The refund cannot be paid now: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class ReturnAddressMissing(DomainError):
    code = "case_return_address_missing"
    status = 409
    message = _("The store has not given a return address yet. Please message the store, then try again.")
