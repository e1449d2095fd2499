from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services
from .context_processors import CART_SESSION_KEY


@receiver(user_logged_in)
def merge_session_cart(sender, request, user, **kwargs):
    """The cart a visitor filled before logging in joins the account's cart."""
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(CART_SESSION_KEY, None)
    if cart_id:
        services.cart_merge(cart_id=cart_id, user=user)
