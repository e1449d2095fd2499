"""Celery tasks of payments: thin, take ids, idempotent, call services."""

from celery import shared_task


@shared_task
def escrow_release_due() -> int:
    """Release every order whose confirmation period has passed (`services.release.escrow_release_due`)."""
    from .services import release

    return release.escrow_release_due()
