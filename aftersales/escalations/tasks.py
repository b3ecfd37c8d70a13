"""Background jobs of the escalations app (scheduled in aftersales/celery.py)."""

from celery import shared_task

from aftersales.escalations import services


@shared_task(name="aftersales.escalations.tasks.watch_deadlines")
def watch_deadlines() -> int:
    """Warn and escalate on every deadline that is near or passed. Safe to run twice."""
    return services.watch()
