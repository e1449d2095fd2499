"""Domain errors of logistics: stable codes, messages a merchant, a shopper or staff understands."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError

# ---- shipping and quotes


class InvalidParcelWeight(DomainError):
    code = "invalid_weight"
    message = _("Please enter the parcel's weight in grams, from 1 to %(max)s.")

    def __init__(self, maximum):
        super().__init__(max=maximum)


class ParcelTooHeavy(DomainError):
    code = "too_heavy"
    message = _("%(provider)s takes parcels of at most %(max)s g; this one weighs %(weight)s g.")

    def __init__(self, provider, maximum, weight):
        super().__init__(provider=provider, max=maximum, weight=weight)


class ProviderNotOffered(DomainError):
    code = "provider_not_offered"
    message = _("%(provider)s does not carry this parcel (route, shipping mode or service unavailable).")

    def __init__(self, provider):
        super().__init__(provider=provider)


class OrderNotShippable(DomainError):
    code = "order_not_shippable"
    message = _("Order %(number)s cannot be shipped: it is %(status)s.")
    status = 409

    def __init__(self, number, status):
        super().__init__(number=number, status=status)


class OrderAlreadyShipped(DomainError):
    code = "order_already_shipped"
    message = _("Order %(number)s has already been shipped with %(provider)s, waybill %(waybill)s.")
    status = 409

    def __init__(self, number, provider, waybill):
        super().__init__(number=number, provider=provider, waybill=waybill)


class ShipmentNotFound(DomainError):
    code = "not_found"
    message = _("No such shipment.")
    status = 404


class BatchTooLarge(DomainError):
    code = "batch_too_large"
    message = _("Please ship at most %(max)s orders at once.")

    def __init__(self, maximum):
        super().__init__(max=maximum)


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


# ---- shipping templates



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
# ---- tracking


class WaybillNotFound(DomainError):
    code = "shipment_not_found"
    status = 404
    message = _("There is no parcel with waybill number %(waybill)s.")

    def __init__(self, waybill):
        super().__init__(waybill=waybill)


class EventNotAllowed(DomainError):
    """Someone who is neither platform staff nor a member of the shipment's store."""

    code = "event_not_allowed"
    status = 403
    message = _("Only platform staff or the store that shipped this parcel may add a tracking event.")


class EventKindNotAllowed(DomainError):
    code = "event_kind_not_allowed"
    status = 403
    message = _("“%(kind)s” can only be recorded by the platform's staff.")

    def __init__(self, kind):
        super().__init__(kind=kind)


class EventReasonRequired(DomainError):
    code = "event_reason_required"
    message = _("Please say why you are adding this event by hand.")


class EventTimeInvalid(DomainError):
    code = "event_time_invalid"
    message = _("The event's time must be after the parcel was shipped and not in the future.")
