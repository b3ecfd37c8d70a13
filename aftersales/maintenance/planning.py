"""Pure date and hour arithmetic of maintenance plans (no database): when is a unit due
next, which contract year a day falls in. `services.plan_visits` applies it."""

from __future__ import annotations

import datetime
import math

from dateutil.relativedelta import relativedelta


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day of the month N months later (31 Jan + 1 month = 28/29 Feb)."""
    return day + relativedelta(months=months)


def calendar_dues(
    anchor: datetime.date, months: int, today: datetime.date, until: datetime.date
) -> list[datetime.date]:
    """Due dates anchor + k·N months (k ≥ 1) from `today` to `until`.

    Occurrences before `today` are not owed any more: a plan created for a unit installed
    years ago starts with the next date, not with a backlog of missed visits.
    """
    if months < 1:
        return []
    due, step = add_months(anchor, months), 1
    while due < today:
        step += 1
        due = add_months(anchor, months * step)
    dues = []
    while due <= until:
        dues.append(due)
        step += 1
        due = add_months(anchor, months * step)
    return dues


def hours_due(hours: float | None, every: int | None, last_multiple: int | None) -> int | None:
    """The multiple of `every` hours the unit has crossed since the last job, if any.

    A unit that jumped several multiples (first report, or a long silence) gets one job,
    at the highest multiple crossed."""
    if hours is None or not every:
        return None
    crossed = math.floor(hours / every) * every
    if crossed < every or crossed <= (last_multiple or 0):
        return None
    return int(crossed)


def hours_forecast(
    hours: float | None,
    rate: float | None,
    every: int | None,
    last_multiple: int | None,
    today: datetime.date,
    until: datetime.date,
) -> tuple[datetime.date, int] | None:
    """(day, multiple): when, at `rate` hours a day, the unit reaches the next multiple of
    `every` not yet planned, if that is by `until`. So hours-based visits are made ahead
    like calendar ones, and the multiple, once planned, is not planned again when the
    unit really gets there."""
    if hours is None or not rate or rate <= 0 or not every:
        return None
    following = (math.floor(hours / every) + 1) * every
    if following <= (last_multiple or 0):
        return None
    day = today + datetime.timedelta(days=math.ceil((following - hours) / rate))
    return (day, int(following)) if day <= until else None


def contract_year(
    starts_on: datetime.date, day: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """[first day, first day of the next) of the contract year holding `day`: years count
    from the contract's start, not from 1 January."""
    years = max(0, relativedelta(day, starts_on).years)
    start = starts_on + relativedelta(years=years)
    return start, starts_on + relativedelta(years=years + 1)


def due_week(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the week `day` falls in: the visit's window."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def plain_number(value) -> str | None:
    """A limit as people write it: 5, 0.45 (a decimal field keeps 5.000, 0.450)."""
    if value is None:
        return None
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def limits_text(item: dict) -> str:
    """An item's acceptable range for people: "5 – 12 °C", "≥ 0.45 MPa", "≤ 50 ppm"."""
    low, high = plain_number(item.get("low")), plain_number(item.get("high"))
    unit = item.get("unit") or ""
    if low is not None and high is not None:
        return f"{low} – {high} {unit}".strip()
    if low is not None:
        return f"≥ {low} {unit}".strip()
    if high is not None:
        return f"≤ {high} {unit}".strip()
    return ""
