"""Domain errors of logistics: stable codes, messages a person understands (marketplace/errors.py)."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError

# --- customs clearance and deadlines --------------------------------------------------------------


class DeclarationNotHeld(DomainError):
    code = "declaration_not_held"
    message = _("This parcel is not held by customs (it is %(status)s): there is nothing to resolve.")
    status = 409

    def __init__(self, status):
        super().__init__(status=status)


class UnknownResolution(DomainError):
    code = "unknown_resolution"
    message = _("Choose how to resolve the hold: a corrected document or a return to the sender.")


class ResolutionNoteRequired(DomainError):
    code = "resolution_note_required"
    message = _("Please write down what was checked or decided.")


class NotPlatformStaff(DomainError):
    code = "not_platform_staff"
    message = _("Only platform staff may do this.")
    status = 403


class BreachAlreadyResolved(DomainError):
    code = "breach_already_resolved"
    message = _("This late delivery was already resolved.")
    status = 409
