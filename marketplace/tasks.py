from celery import shared_task

from . import services


@shared_task
def catalog_refresh_listing_prices() -> int:
    """Safety net: bring every listing price in line with current variant prices and rates."""
    return services.products_refresh_listing_prices()


# The notification centre's email task lives beside its model; imported here so Celery finds it.
from .notifications.tasks import notification_email  # noqa: E402, F401
