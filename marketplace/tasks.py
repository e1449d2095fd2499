from celery import shared_task

from . import services


@shared_task
def catalog_refresh_listing_prices() -> int:
    """Safety net: bring every listing price in line with current variant prices and rates."""
    return services.products_refresh_listing_prices()
