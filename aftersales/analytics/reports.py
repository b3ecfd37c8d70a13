"""The figures of one service center's calendar month, for the monthly quality report.

`month_figures(center, month)` gathers what the PDF shows (`reports_pdf.render` draws
it): the center's scorecard KPIs for the month with the month before beside them, each
marked better or worse by its `higher_is_better`; the weekly trend; the center's
technicians; and the worst of the month: the missed deadlines and the complaints, with
the requests behind them.

The report is one document for everyone who may read it (back office and the center's
own partner staff), so it leaves out cost and revenue, which only managers may see
(`access.MONEY_KPIS`). It counts every request of the center, whoever asks: the readers
are decided when it is listed, not when it is made.

Labels stay lazy translations, so the same figures can be drawn in either language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from aftersales.analytics import access, kpis, selectors
from aftersales.complaints.models import Severity
from aftersales.field.models import ServiceCenter

# The scorecard's KPIs, less the money only managers may read.
REPORT_KPIS = tuple(name for name in kpis.KPIS if name not in access.MONEY_KPIS)
# The deadlines whose misses the report lists, each counted in the KPI of that name.
DEADLINES = ("sla_response", "sla_resolution", "sla_onsite")
# How many missed-deadline requests and complaints the report lists (the counts are full).
WORST_LIMIT = 10

UP, DOWN, SAME = "up", "down", "same"
BETTER, WORSE = "better", "worse"


# --- Months --------------------------------------------------------------------------------


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return first_of(first_of(month) - datetime.timedelta(days=1))


def last_day(month: datetime.date) -> datetime.date:
    following = (first_of(month) + datetime.timedelta(days=32)).replace(day=1)
    return following - datetime.timedelta(days=1)


def month_filter(center_id: int, month: datetime.date) -> kpis.KpiFilter:
    return kpis.KpiFilter(start=first_of(month), end=last_day(month), center=center_id)


# --- The figures ---------------------------------------------------------------------------


@dataclass
class KpiLine:
    name: str
    label: str
    unit: str
    value: Decimal | int | None
    previous: Decimal | int | None
    count: int
    change: str = ""  # up, down, same; "" when either month has no value
    verdict: str = ""  # better, worse; "" when unchanged or neither is better


@dataclass
class MissedRequest:
    number: str
    subject: str
    received_at: datetime.datetime
    missed: list[str]  # the KPI names of the deadlines it missed this month


@dataclass
class ComplaintLine:
    number: str
    about: str  # the number of the request complained about, or ""
    severity: str
    created_at: datetime.datetime


@dataclass
class MonthFigures:
    center_id: int
    center_name: str
    center_code: str
    center_kind: str
    month: datetime.date
    previous: datetime.date
    kpis: list[KpiLine]
    trend: list[dict]  # per week: bucket (its Monday), opened, resolved
    technician_kpis: list[str]
    technicians: list[dict]  # name, values (in the order of technician_kpis)
    missed: dict[str, int]  # deadline KPI name → how many missed
    missed_requests: list[MissedRequest] = field(default_factory=list)
    complaint_count: int = 0
    complaints: list[ComplaintLine] = field(default_factory=list)

    def kpi(self, name: str) -> KpiLine:
        return next(line for line in self.kpis if line.name == name)


def compare(value, previous, higher_is_better: bool | None) -> tuple[str, str]:
    """(change, verdict) of a figure against the month before."""
    if value is None or previous is None:
        return "", ""
    if value == previous:
        return SAME, ""
    change = UP if value > previous else DOWN
    if higher_is_better is None:
        return change, ""
    return change, BETTER if (value > previous) == higher_is_better else WORSE


def month_figures(center: ServiceCenter, month: datetime.date) -> MonthFigures:
    """Everything the report of `center` for `month` shows (a few queries per KPI, per
    technician and KPI: bounded by the center's staff, never by its requests)."""
    month = first_of(month)
    flt = month_filter(center.pk, month)
    before = previous_month(month)
    now = kpis.compute_all(flt, REPORT_KPIS)
    then = kpis.compute_all(month_filter(center.pk, before), REPORT_KPIS)
    lines = []
    for name in REPORT_KPIS:
        definition = kpis.KPIS[name]
        change, verdict = compare(now[name].value, then[name].value, definition.higher_is_better)
        lines.append(
            KpiLine(
                name=name,
                label=definition.label,
                unit=definition.unit,
                value=now[name].value,
                previous=then[name].value,
                count=now[name].count,
                change=change,
                verdict=verdict,
            )
        )
    technicians = [
        {
            "name": row["technician"].user.display_name,
            "values": [row["kpis"][name].value for name in selectors.PER_TECHNICIAN],
        }
        for row in selectors.technicians_of_center(flt, center.pk)
    ]
    complaints = kpis._complaints(flt)
    return MonthFigures(
        center_id=center.pk,
        center_name=center.name,
        center_code=center.code,
        center_kind=ServiceCenter.Kind(center.kind).label,
        month=month,
        previous=before,
        kpis=lines,
        trend=selectors.trend(flt, "week"),
        technician_kpis=list(selectors.PER_TECHNICIAN),
        technicians=technicians,
        missed={name: now[name].count - now[name].extra["met"] for name in DEADLINES},
        missed_requests=_missed_requests(flt),
        complaint_count=complaints.count(),
        complaints=[
            ComplaintLine(
                number=c.request.number,
                about=c.about_request.number if c.about_request_id else "",
                severity=_severity(c.severity),
                created_at=c.created_at,
            )
            for c in complaints.select_related("request", "about_request").order_by(
                "created_at", "pk"
            )[:WORST_LIMIT]
        ],
    )


def _severity(value: str):
    # The lazy label, so that each language's PDF says it in its own words.
    return Severity(value).label if value in Severity.values else value


def _missed_requests(flt: kpis.KpiFilter) -> list[MissedRequest]:
    """The month's requests that missed a deadline, oldest first (one query). A response
    or on-site miss counts in the month the request came in, a resolution miss in the
    month it was resolved: the same moments as the KPIs."""
    since, until = flt.window()
    received = Q(received_at__gte=since, received_at__lt=until)
    resolved = Q(resolved_at__gte=since, resolved_at__lt=until)
    rows = (
        flt.requests()
        .filter(
            (received & (Q(response_met=False) | Q(onsite_met=False)))
            | (resolved & Q(resolution_met=False))
        )
        .order_by("received_at", "pk")
        .values(
            "number",
            "subject",
            "received_at",
            "resolved_at",
            "response_met",
            "resolution_met",
            "onsite_met",
        )[:WORST_LIMIT]
    )
    found = []
    for row in rows:
        came_in = since <= row["received_at"] < until
        done = row["resolved_at"] is not None and since <= row["resolved_at"] < until
        missed = [
            name
            for name, flag, counts in (
                ("sla_response", row["response_met"], came_in),
                ("sla_resolution", row["resolution_met"], done),
                ("sla_onsite", row["onsite_met"], came_in),
            )
            if counts and flag is False
        ]
        found.append(MissedRequest(row["number"], row["subject"], row["received_at"], missed))
    return found
