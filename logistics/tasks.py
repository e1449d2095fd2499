from celery import shared_task

# --- deadlines -------------------------------------------------------------------------------------


@shared_task
def logistics_deadlines_check() -> dict:
    """Record missed shipping and delivery deadlines (`services.deadlines.deadlines_check`)."""
    from .services import deadlines

    return deadlines.deadlines_check()
