"""Background jobs of the follow-up app (scheduled in aftersales/celery.py)."""

from celery import shared_task

from aftersales.followup import surveys


@shared_task(name="aftersales.followup.tasks.send_due_surveys")
def send_due_surveys() -> int:
    """Send the survey link of every follow-up by message whose day has come."""
    return surveys.send_due()
