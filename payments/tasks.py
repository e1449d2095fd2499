"""Celery tasks of payments: thin, take ids, idempotent, call services."""

from celery import shared_task

from .gateways import GatewayError


@shared_task
def escrow_release_due() -> int:
    """Release every order whose confirmation period has passed (`services.release.escrow_release_due`)."""
    from .services import release

    return release.escrow_release_due()


@shared_task(
    bind=True,
    autoretry_for=(GatewayError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def payout_transfer(self, payout_id: int) -> str:
    """Send a Stripe payout (its key was stored with it); a transient `GatewayError` is retried with
    backoff and the same key, so the money moves once."""
    from .services import payouts

    return payouts.payout_transfer_send(payout_id=payout_id).status


@shared_task
def payout_transfers_resume() -> int:
    """Queue again the Stripe payouts left requested or processing (`services.payout_transfers_resume`)."""
    from .services import payouts

    return payouts.payout_transfers_resume()


@shared_task
def payouts_run_scheduled() -> int:
    """The weekly payout run (`PAYOUT_WEEKDAY`)."""
    from .services import payouts

    return payouts.payouts_run_scheduled()


@shared_task
def compensations_pay_due() -> int:
    """Pay the buyers every compensation the logistics deadlines recorded and nobody has paid yet."""
    from .services import refunds

    return refunds.compensations_pay_due()


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
