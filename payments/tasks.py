"""Celery tasks of payments: thin, take ids, idempotent, call services."""

from celery import shared_task


@shared_task
def escrow_release_due() -> int:
    """Release every order whose confirmation period has passed (`services.release.escrow_release_due`)."""
    from .services import release

    return release.escrow_release_due()


@shared_task(bind=True, max_retries=5)
def reconciliation_daily(self, day: str | None = None) -> int:
    """Reconcile the previous Asia/Shanghai day (or `day`, YYYY-MM-DD) with the gateway and alert
    finance staff on a difference (`services.reconciliation.reconciliation_daily`). A run that could
    not reach the gateway is retried with backoff. Returns the run's id."""
    from datetime import date

    from .models import ReconciliationRun
    from .services import reconciliation

    run = reconciliation.reconciliation_daily(day=date.fromisoformat(day) if day else None)
    if run.status == ReconciliationRun.Status.FAILED:
        raise self.retry(countdown=60 * 2**self.request.retries)
    return run.pk


@shared_task
def deposits_check() -> dict:
    """The daily check of security deposits: remind, suspend, clear (`services.deposits.deposits_check`)."""
    from .services import deposits

    return deposits.deposits_check()
