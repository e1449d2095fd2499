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
def product_import_run(*, import_id: int, language: str | None = None):
    """`language`: the uploader's, for the rare message that is stored as text (a whole-file failure);
    row errors are stored in English and translated when shown."""
    from django.utils import translation

    from .product_import import product_import_run as run

    with translation.override(language or settings.LANGUAGE_CODE):
        run(import_id=import_id)
