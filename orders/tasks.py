from celery import shared_task

from . import services


@shared_task
def orders_cancel_expired() -> int:
    """Cancel orders left unpaid past the payment timeout and release their stock."""
    return services.orders_cancel_expired()
