"""Read-side queries of the SLA pages and API, each a bounded number of SQL queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from aftersales.sla import engine
from aftersales.sla.models import BusinessCalendar, SlaPolicy, SlaTarget, Weekday, WorkingPeriod


@dataclass(frozen=True)
class DayRow:
    """A special day of a year on a calendar: off, or worked although it usually is not."""

    date: datetime.date
    is_working: bool
    name: str
    source: str  # "entered" (by a manager) or "holiday_data"
    overrides: bool  # an entered day that changes what the holiday data says
    entered: bool


def year_days(calendar: BusinessCalendar, year: int) -> list[DayRow]:
    """The year's days off and adjusted working days, from the holiday data (when the
    calendar follows it) and entered by managers, in date order (one query)."""
    rows: dict[datetime.date, DayRow] = {}
    follows = calendar.use_china_holidays and not calendar.always_open
    if follows and engine.china_year_known(year):
        day = datetime.date(year, 1, 1)
        while day.year == year:
            special = engine.china_day(day)
            if special is not None:
                rows[day] = DayRow(day, special[0], special[1], "holiday_data", False, False)
            day += engine.DAY
    entered = calendar.days.filter(date__year=year) if calendar.pk else ()
    for entry in entered:
        package = rows.get(entry.date)
        rows[entry.date] = DayRow(
            entry.date,
            entry.is_working,
            entry.name or (package.name if package else ""),
            "entered",
            package is not None and package.is_working != entry.is_working,
            True,
        )
    return [rows[day] for day in sorted(rows)]


def week_rows(calendar: BusinessCalendar) -> list[dict]:
    """Each weekday with its working periods (uses prefetched periods when present)."""
    periods: dict[int, list[WorkingPeriod]] = {}
    for period in calendar.periods.all():
        periods.setdefault(period.weekday, []).append(period)
    return [
        {"weekday": day, "label": day.label, "periods": periods.get(day.value, [])}
        for day in Weekday
    ]


def calendar_rows():
    return BusinessCalendar.objects.annotate(
        policy_count=Count("policies", distinct=True), day_count=Count("days", distinct=True)
    ).prefetch_related("periods")


def policy_rows():
    return SlaPolicy.objects.select_related("plan", "calendar").prefetch_related(
        Prefetch("targets", queryset=SlaTarget.objects.order_by("id"))
    )
