"""Background jobs of the maintenance app (scheduled in aftersales/celery.py)."""

from celery import shared_task

from aftersales.maintenance import services


@shared_task(name="aftersales.maintenance.tasks.plan_visits")
def plan_visits(horizon_days: int = 30) -> int:
    """Create the maintenance visits due in the coming weeks. Safe to run twice."""
    return len(services.plan_visits(horizon_days=horizon_days))
