"""Domain errors of orders: stable codes, messages a shopper understands."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class CartEmpty(DomainError):
    code = "cart_empty"
    message = _("Your cart is empty.")


class ProductUnavailable(DomainError):
    code = "product_unavailable"
    message = _("“%(name)s” is no longer available. Please remove it from your cart.")

    def __init__(self, name):
        super().__init__(name=name)


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    message = _("Please choose a quantity between 1 and %(max)s.")

    def __init__(self, maximum):
        super().__init__(max=maximum)


class InsufficientStock(DomainError):
    code = "insufficient_stock"
    message = _("Only %(available)s of “%(name)s” left in stock.")

    def __init__(self, name, available):
        super().__init__(name=name, available=available)


class InvalidIdentityNumber(DomainError):
    code = "invalid_id_number"
    message = _("This resident ID number is not valid: %(reason)s.")

    def __init__(self, reason):
        super().__init__(reason=reason)


class MissingRealName(DomainError):
    code = "missing_real_name"
    message = _("Please enter the real name on the ID card.")


class DuplicateIdentity(DomainError):
    code = "duplicate_identity"
    message = _("You have already saved this ID number.")


class NotFound(DomainError):
    code = "not_found"
    message = _("We could not find that.")
    status = 404


class OrderLimitExceeded(DomainError):
    code = "order_limit_exceeded"
    message = _(
        "The goods from %(merchant)s come to %(goods)s, over the %(limit)s limit for one cross-border "
        "order. Please remove some items."
    )

    def __init__(self, merchant, goods, limit):
        super().__init__(merchant=merchant, goods=goods, limit=limit)


class ItemOverOrderLimit(DomainError):
    code = "item_over_order_limit"
    message = _(
        "“%(name)s” costs %(price)s, over the %(limit)s limit for one cross-border order, so it cannot be "
        "bought here."
    )

    def __init__(self, name, price, limit):
        super().__init__(name=name, price=price, limit=limit)


class AnnualLimitExceeded(DomainError):
    code = "annual_limit_exceeded"
    message = _(
        "This order's goods (%(goods)s) would exceed the buyer's annual cross-border quota of %(limit)s: "
        "%(remaining)s remains this year."
    )

    def __init__(self, goods, remaining, limit):
        super().__init__(goods=goods, remaining=remaining, limit=limit)


class IllegalTransition(DomainError):
    code = "illegal_transition"
    message = _("Order %(number)s cannot go from “%(from)s” to “%(to)s”.")

    def __init__(self, number, from_label, to_label):
        super().__init__(**{"number": number, "from": from_label, "to": to_label})


class OrderNotCancellable(DomainError):
    code = "order_not_cancellable"
    message = _("This order can no longer be cancelled (it is %(status)s).")

    def __init__(self, status):
        super().__init__(status=status)


class PriceNotPayable(DomainError):
    """A line whose price comes to nothing in CNY (a tiny price in a weak currency): money moved by a
    payment must be positive, so it cannot be bought."""

    code = "price_not_payable"
    message = _("“%(name)s” cannot be bought at its current price. Please remove it from your cart.")

    def __init__(self, name):
        super().__init__(name=name)


class CheckoutTotalNotPositive(DomainError):
    code = "checkout_total_not_positive"
    message = _(
        "This checkout comes to %(total)s; an order must be for more than nothing, so it was not placed."
    )

    def __init__(self, total):
        super().__init__(total=total)
