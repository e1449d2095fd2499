from celery import shared_task

from . import services


@shared_task
def orders_cancel_expired() -> int:
    """Cancel orders left unpaid past the payment timeout and release their stock."""
    return services.orders_cancel_expired()


@shared_task
def cases_deadlines_check() -> dict:
    """Apply the after-sales deadlines that passed (`cases.services.cases_deadlines_check`)."""
    from .cases import services as case_services

    return case_services.cases_deadlines_check()
