"""Background jobs of the quality reports (scheduled in aftersales/celery.py)."""

import datetime

from celery import shared_task

from aftersales.analytics import access, figures_cache, kpis, reports_services, selectors
from aftersales.analytics.forms import KpiFilterForm


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


@shared_task(name="aftersales.analytics.tasks.warm_figures")
def warm_figures() -> int:
    """Compute the dashboard as it opens (the last 90 days, every request, by week) for
    managers (with money) and the rest of the back office, so that nobody waits for it."""
    flt = KpiFilterForm(None).to_filter()
    everything = list(kpis.KPIS)
    without_money = [name for name in everything if name not in access.MONEY_KPIS]
    for names in (everything, without_money):
        figures_cache.kept(
            "dashboard",
            flt,
            lambda names=names: selectors.dashboard_figures(flt, names, "week"),
            params=selectors.dashboard_params(names, "week"),
            refresh=True,
        )
    return 2
