from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .models import Notification


@shared_task(ignore_result=True)
def notification_email(*, notification_id: int) -> None:
    """Email a notification in its recipient's language (`User.language`), with a link to the page."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.email:
        return
    english = (notification.user.language or "").startswith("en")
    subject = notification.title_en if english else notification.title_zh
    body = notification.body_en if english else notification.body_zh
    if notification.url:
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        body = f"{body}\n\n{site}{notification.url}".strip()
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
