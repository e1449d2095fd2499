"""Domain errors of the platform core. Each has a stable `code` and a message a person understands;
pages show the message (`middleware.DomainErrorMiddleware`), the API answers with both
(`exception_handlers.domain_exception_handler`)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    message = _("The request could not be completed.")
    status = 400

    def __init__(self, message=None, **params):
        self.params = params
        if message is not None:
            self.message = message
        super().__init__(str(self.message))

    def __str__(self):
        return str(self.message) % self.params if self.params else str(self.message)


class ExchangeRateMissing(DomainError):
    code = "exchange_rate_missing"
    message = _("There is no exchange rate for %(currency)s yet.")

    def __init__(self, currency):
        super().__init__(currency=currency)


class InvalidExchangeRate(DomainError):
    code = "invalid_exchange_rate"
    message = _("An exchange rate must be a positive number.")


class UnknownCurrency(DomainError):
    code = "unknown_currency"
    message = _("%(currency)s is not a settlement currency of the platform.")

    def __init__(self, currency):
        super().__init__(currency=currency)


class ProductNotAllowed(DomainError):
    code = "product_not_allowed"
    message = _("This product cannot be listed: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class ProductNotOwned(DomainError):
    """Another store's product (or variant, or image): pages and the API answer 404."""

    code = "product_not_owned"
    status = 404
    message = _("This product does not belong to your store.")


class StoreNotApproved(DomainError):
    """An applicant's store: it lists products once the platform approves the application."""

    code = "store_not_approved"
    status = 403
    message = _("Your store is not approved yet: you can list products once your application is approved.")


class InvalidVariant(DomainError):
    code = "invalid_variant"
    message = _("This variant cannot be saved: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class InvalidProductImage(DomainError):
    code = "invalid_product_image"
    message = _("This image cannot be accepted: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


# --- Requests the platform refuses before any view sees them (middleware and API parsers) -------------


class UnstorableCharacter(DomainError):
    """A NUL or a lone UTF-16 surrogate: PostgreSQL cannot store either in a text column."""

    code = "unstorable_character"
    message = _(
        "The request contains a character that cannot be stored (a NUL or an unpaired surrogate) "
        "%(where)s. Remove it and try again."
    )

    def __init__(self, where):
        super().__init__(where=where)


class MalformedRequest(DomainError):
    code = "malformed_request"
    message = _("The request could not be read: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class RequestTooDeep(DomainError):
    code = "request_too_deep"
    message = _("The JSON body is nested more than %(limit)s levels deep.")

    def __init__(self, limit):
        super().__init__(limit=limit)


class InvalidIdentifier(DomainError):
    """An ID number, phone, registration number, SKU or waybill number that has no canonical form
    (`marketplace.identifiers`)."""

    code = "invalid_identifier"
    message = _("This %(kind)s is not valid: %(reason)s.")

    def __init__(self, kind, reason):
        super().__init__(kind=kind, reason=reason)
        self.kind = kind
        self.reason = reason
