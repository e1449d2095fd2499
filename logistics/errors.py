"""Domain errors of logistics. Pages show the message, the API answers `{code, detail}` (see
`marketplace.errors.DomainError`)."""

# ---- shipping templates
from django.utils.translation import gettext_lazy as _  # noqa: E402

from marketplace.errors import DomainError  # noqa: E402


class ShippingTemplateError(DomainError):
    code = "shipping_template_error"


class ShippingTemplateNotAllowed(ShippingTemplateError):
    code = "not_allowed"
    status = 403
    message = _("Only the store's own staff may change its shipping templates.")


class ShippingTemplateNotFound(ShippingTemplateError):
    code = "not_found"
    status = 404
    message = _("No such shipping template in your store.")


class ShippingTemplateExists(ShippingTemplateError):
    code = "shipping_template_exists"
    status = 409
    message = _("Your store already has a shipping template for %(mode)s; change that one.")

    def __init__(self, mode):
        super().__init__(mode=mode)


class InvalidShippingTemplate(ShippingTemplateError):
    code = "invalid_shipping_template"
    message = _("This shipping template cannot be saved: %(reason)s")

    def __init__(self, reason):
        self.reason = reason
        super().__init__(reason=reason)
