"""Celery tasks of logistics: thin, take ids, call services."""

from celery import shared_task
from django.conf import settings

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
