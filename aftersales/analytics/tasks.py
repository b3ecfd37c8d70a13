"""Background jobs of the quality reports (scheduled in aftersales/celery.py)."""

import datetime

from celery import shared_task

from aftersales.analytics import reports_services


@shared_task(name="aftersales.analytics.tasks.generate_report")
def generate_report(report_id: int) -> str | None:
    """Make one ordered report ("generate now"); returns its status afterwards."""
    report = reports_services.generate(report_id)
    return report.status if report is not None else None


@shared_task(name="aftersales.analytics.tasks.monthly_reports")
def monthly_reports(today: str | None = None) -> dict:
    """Last month's report of every active center, made and mailed once; the mails due.

    `today` (YYYY-MM-DD, default: today) decides which month is last month. Safe to run
    twice or on several workers at once.
    """
    day = datetime.date.fromisoformat(today) if today else None
    return reports_services.monthly_run(day)
