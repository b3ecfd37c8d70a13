"""Background jobs of the monitoring app (scheduled in aftersales/celery.py)."""

from celery import shared_task

from aftersales.iot import services


@shared_task(name="aftersales.iot.tasks.watch_units")
def watch_units() -> int:
    """Fire the silence rules for units not heard from for too long. Safe to run twice."""
    return services.watch_silence()


@shared_task(name="aftersales.iot.tasks.prune_readings")
def prune_readings() -> int:
    """Readings older than IOT_KEEP_READINGS_DAYS deleted. Safe to run twice."""
    return services.prune_readings()
