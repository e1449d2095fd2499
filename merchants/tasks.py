from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task
def notification_send(*, subject: str, body: str, recipients: list[str]):
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@shared_task
def brand_authorizations_expire_daily():
    from .services import brand_authorizations_expire

    return brand_authorizations_expire()
