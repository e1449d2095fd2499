"""Reads of the notification centre: always one person's own notifications."""

from .models import Notification


def notifications_for(user, *, unread_only: bool = False):
    """`user`'s notifications, newest first (one query per page: nothing is joined or prefetched,
    a notification carries its own text and link)."""
    queryset = Notification.objects.filter(user=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def unread_count(user) -> int:
    """The bell's number: one COUNT on the (user, read_at, -created_at) index."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
