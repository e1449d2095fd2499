"""The demo's notification centres: the seeding flows (checkouts, shipments, penalties, deposits)
notify through the services like any other run; here each person's older notifications are marked
read, so the bell shows a few unread and the list shows both kinds."""

from django.db.models import Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from .models import Notification

UNREAD_KEPT = 3


def seed_notifications(*, log) -> int:
    """Mark all but each person's `UNREAD_KEPT` newest notifications read. Idempotent: a second run
    finds nothing more to mark. Returns how many it marked."""
    ranked = Notification.objects.annotate(
        rank=Window(RowNumber(), partition_by=["user_id"], order_by=["-created_at", "-id"])
    ).values_list("pk", "rank")
    older = [pk for pk, rank in ranked if rank > UNREAD_KEPT]
    marked = Notification.objects.filter(pk__in=older, read_at__isnull=True).update(read_at=timezone.now())
    log(f"{Notification.objects.count()} notifications; {marked} older ones marked read.")
    return marked
