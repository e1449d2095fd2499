"""Celery tasks of logistics: thin, take ids, call services."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _


@shared_task
def shipment_notify_buyer(*, shipment_id: int):
    """Tell the buyer the order is on its way (in the site's default language: accounts do not
    record one yet)."""
    from .models import Shipment

    shipment = Shipment.objects.select_related("order__user", "provider").filter(pk=shipment_id).first()
    if shipment is None or not shipment.order.user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Order %(number)s has shipped") % {"number": shipment.order.number}
        body = _(
            "Your order %(number)s is on its way with %(provider)s, waybill %(waybill)s. "
            "Expected delivery: %(start)s to %(end)s. Track it on your order page."
        ) % {
            "number": shipment.order.number,
            "provider": shipment.provider.name,
            "waybill": shipment.waybill_number,
            "start": shipment.expected_from.isoformat(),
            "end": shipment.expected_by.isoformat(),
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [shipment.order.user.email])


# --- deadlines -------------------------------------------------------------------------------------


@shared_task
def logistics_deadlines_check() -> dict:
    """Record missed shipping and delivery deadlines (`services.deadlines.deadlines_check`)."""
    from .services import deadlines

    return deadlines.deadlines_check()
@shared_task
def carriers_simulate() -> int:
    """The demo's carriers: post the due tracking scans of undelivered parcels (logistics/simulator.py).
    Scheduled in CELERY_BEAT_SCHEDULE while CARRIER_SIMULATOR_ENABLED."""
    if not settings.CARRIER_SIMULATOR_ENABLED:
        return 0
    from . import simulator

    return simulator.simulate()
