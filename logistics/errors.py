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
