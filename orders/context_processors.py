from django.utils.functional import SimpleLazyObject

from . import selectors

CART_SESSION_KEY = "cart_id"


def cart(request):
    """The header's cart count: one query, only when a page shows it."""
    return {
        "cart_count": SimpleLazyObject(
            lambda: selectors.cart_count(user=request.user, cart_id=request.session.get(CART_SESSION_KEY))
        )
    }
