"""Domain errors of merchant onboarding, review and discipline. Pages show the message, the API
answers `{code, detail}` (see `marketplace.errors.DomainError`)."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class MerchantError(DomainError):
    code = "merchant_error"


class NotAllowed(MerchantError):
    code = "not_allowed"
    status = 403
    message = _("You are not allowed to do this.")


class AlreadyMerchant(MerchantError):
    code = "already_merchant"
    message = _("This account already belongs to a merchant; sign out and create a new account to apply.")


class ApplicationNotEditable(MerchantError):
    code = "application_not_editable"
    message = _("This application can no longer be changed (it is %(state)s).")

    def __init__(self, state):
        super().__init__(state=state)


class IllegalTransition(MerchantError):
    code = "illegal_transition"
    status = 409
    message = _("An application that is %(state)s cannot be %(action)s.")

    def __init__(self, state, action):
        super().__init__(state=state, action=action)


class ApplicationIncomplete(MerchantError):
    code = "application_incomplete"
    message = _("The application is not complete: %(problems)s")

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(problems="; ".join(str(p) for p in self.problems))


class MainlandCompanyRefused(MerchantError):
    code = "mainland_company_refused"
    message = _(
        "Only companies registered outside mainland China may sell here (Hong Kong, Macau and Taiwan "
        "count as overseas)."
    )


class RegistrationBlacklisted(MerchantError):
    code = "registration_blacklisted"
    message = _("A company with this registration number is on the platform's blacklist and cannot apply.")


class RegistrationTaken(MerchantError):
    code = "registration_taken"
    message = _("A company with this registration number already sells on the platform.")


class InvalidAuthorization(MerchantError):
    code = "invalid_authorization"
    message = _("This brand authorization is not valid: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class InvalidDocument(MerchantError):
    code = "invalid_document"
    message = _("This file cannot be accepted: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class ReasonRequired(MerchantError):
    code = "reason_required"
    message = _("Please give a reason; it is recorded and shown to the merchant.")


class InvalidStatusChange(MerchantError):
    code = "invalid_status_change"
    status = 409
    message = _("This merchant is %(status)s, so it cannot be %(action)s.")

    def __init__(self, status, action):
        super().__init__(status=status, action=action)


class InvalidImportFile(MerchantError):
    code = "invalid_import_file"
    message = _("This file cannot be imported: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)
