"""Warranty background tasks: the daily contract run (`manage.py update_contracts`)."""

import datetime

from celery import shared_task

from aftersales.warranty import services


@shared_task(name="aftersales.warranty.tasks.update_contracts")
def update_contracts(today: str | None = None) -> dict:
    """Activate, expire and renew what is due as of `today` (YYYY-MM-DD, default: today).

    The same service function as the management command; safe to run twice or on
    several workers at once. Returns the contract numbers it moved, by move.
    """
    day = datetime.date.fromisoformat(today) if today else None
    result = services.update_contracts(day)
    return {"activated": result.activated, "expired": result.expired, "renewed": result.renewed}
