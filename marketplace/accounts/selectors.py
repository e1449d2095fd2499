from django.utils import timezone

from ..models import ApiToken


def api_tokens_live(user):
    """The account's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")
