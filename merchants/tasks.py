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


@shared_task
def product_import_run(*, import_id: int):
    from .product_import import product_import_run as run

    run(import_id=import_id)
