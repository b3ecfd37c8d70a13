"""Background work of the outbox. Both tasks are safe to run twice and at the same time
on several workers: a message is claimed before it is sent, and a sent one is not sent
again.

Periodic: `deliver_due` every 30 seconds (picks up retries whose time has come, messages
whose worker died, and anything a broker outage kept from being delivered at once).
"""

from celery import shared_task

from aftersales.notifications import services


@shared_task(ignore_result=True)
def deliver_message(message_id: int) -> str | None:
    """Send one outbox message if it is due; returns its status afterwards."""
    message = services.deliver(message_id)
    return message.status if message is not None else None


@shared_task(ignore_result=True)
def deliver_due(limit: int = 100) -> dict[str, int]:
    """Deliver every due message (up to `limit` per run)."""
    return services.deliver_due(limit=limit)


@shared_task(ignore_result=True)
def deliver_queued() -> int:
    """Send what this web process's requests queued, in batches (see `deliverer`)."""
    from aftersales.notifications import deliverer

    return deliverer.drain()
