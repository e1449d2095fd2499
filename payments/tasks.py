"""Celery tasks of payments: thin, take ids, idempotent, call services."""

from celery import shared_task


@shared_task
def escrow_release_due() -> int:
    """Release every order whose confirmation period has passed (`services.release.escrow_release_due`)."""
    from .services import release

    return release.escrow_release_due()


@shared_task
def deposits_check() -> dict:
    """The daily check of security deposits: remind, suspend, clear (`services.deposits.deposits_check`)."""
    from .services import deposits

    return deposits.deposits_check()
