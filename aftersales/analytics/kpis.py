"""Service-quality KPIs over a filter, each one or a few aggregate queries.

A `KpiFilter` picks the requests (team, service center, technician, product category or
model, channel, city tier) and a period. Each KPI says which moment puts a request in
the period, and `population(name, filter)` is the set of requests it counts: the same
queryset `drilldown` gives the pages, so every number leads to the requests behind it.

KPI: which requests it counts (in the period) → its value.

- opened / resolved / closed: received / resolved / closed → how many.
- backlog: received before the period's end, not resolved by then, not cancelled →
  how many; their age in days (median, oldest, per age band).
- first_response: received and answered → hours to the first response (median, p90).
- time_to_resolve: resolved → hours from received to resolved (median, p90).
- sla_response / sla_onsite: received, clock decided → share met.
- sla_resolution: resolved, clock decided → share met.
- first_time_fix: visits checked out where the technician said whether it fixed the
  problem → share that did (the requests behind it: those with such a visit).
- repeat_30 / repeat_90: repairs of a unit, resolved → share followed within 30 / 90
  days of resolving by a request on the same unit with a fault code in common.
- reopen_rate: received and resolved at least once → share reopened.
- csat: surveys answered → mean score 1–5 (and share of 4 or 5).
- nps: surveys answered → % promoters (9–10) minus % detractors (0–6).
- complaint_rate: received, other than complaints → complaints opened in the period
  about them (or, when about no request, made by requests in the filter) per 100.
- cost_per_request / revenue: resolved → `analytics.costs` over those requests.

Shares are percentages with one decimal; times are hours with one decimal. Percentiles
run in the database on PostgreSQL (`percentile_cont`); on SQLite the durations are read
in one query and interpolated the same way.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.analytics import costs
from aftersales.catalog.models import Category
from aftersales.complaints.models import Complaint
from aftersales.dispatch.models import Visit
from aftersales.field.models import Technician
from aftersales.followup.models import Survey
from aftersales.service.choices import Kind, Status
from aftersales.service.models import ServiceRequest

ONE_DECIMAL = Decimal("0.1")
HOUR = 3600.0
AGE_BANDS = ((0, 2), (3, 7), (8, 30), (31, None))  # days, inclusive


@dataclass(frozen=True)
class KpiFilter:
    """Which requests and which period; `end` is the last day included."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    team: int | None = None
    center: int | None = None
    technician: int | None = None  # field.Technician id
    category: int | None = None  # a category and those under it
    product: int | None = None  # the model
    channel: str = ""
    city_tier: str = ""
    center_kind: str = ""  # "own" or "partner": the requests' service centers
    # Who may see what: the caller's visible requests (None: all of them).
    base: QuerySet | None = field(default=None, compare=False, repr=False)

    def window(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """[from, until) in the current time zone."""
        tz = timezone.get_current_timezone()

        def midnight(day):
            return datetime.datetime.combine(day, datetime.time(), tzinfo=tz)

        since = midnight(self.start) if self.start else None
        until = midnight(self.end + datetime.timedelta(days=1)) if self.end else None
        return since, until

    def with_(self, **changes) -> KpiFilter:
        return replace(self, **changes)

    def requests(self) -> QuerySet:
        """The requests the filter's dimensions select (any period)."""
        qs = ServiceRequest.objects.all() if self.base is None else self.base
        if self.team:
            qs = qs.filter(team_id=self.team)
        if self.center:
            qs = qs.filter(service_center_id=self.center)
        if self.technician:
            qs = qs.filter(
                Q(assignee_id__in=Technician.objects.filter(pk=self.technician).values("user_id"))
                | Q(pk__in=Visit.objects.filter(technician_id=self.technician).values("request_id"))
            )
        if self.category:
            qs = qs.filter(unit__product__category_id__in=_category_and_below(self.category))
        if self.product:
            qs = qs.filter(unit__product_id=self.product)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.city_tier:
            qs = qs.filter(sla__tier=self.city_tier)
        if self.center_kind:
            qs = qs.filter(service_center__kind=self.center_kind)
        return qs

    def in_period(self, qs: QuerySet, moment: str) -> QuerySet:
        since, until = self.window()
        if since:
            qs = qs.filter(**{f"{moment}__gte": since})
        if until:
            qs = qs.filter(**{f"{moment}__lt": until})
        return qs


def _category_and_below(category_id: int) -> list[int]:
    """The category and every category under it (one query over the small catalogue)."""
    children: dict = {}
    for pk, parent in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = [], [category_id]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


@dataclass
class Kpi:
    name: str
    value: Decimal | int | None
    count: int  # how many requests (or visits, surveys) it is computed over
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        def plain(v):
            return str(v) if isinstance(v, Decimal) else v

        return {
            "name": self.name,
            "value": plain(self.value),
            "count": self.count,
            **{k: plain(v) for k, v in self.extra.items()},
        }


def _one(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    return _one(100 * part / whole) if whole else None


def _hours(start: str, end: str):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


# --- Percentiles ---------------------------------------------------------------------------


class _Epoch(Func):
    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    output_field = FloatField()


def _interpolate(ordered: list[float], fraction: float) -> float | None:
    """percentile_cont: linear interpolation between the closest ranks."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def duration_percentiles(
    qs: QuerySet, start: str, end: str | datetime.datetime, fractions=(0.5, 0.9)
) -> list:
    """Percentiles of `end - start` in hours over the rows of `qs` where both are set;
    `end` is a field name or one moment (e.g. the ages of a backlog)."""
    fixed = isinstance(end, datetime.datetime)
    qs = qs.filter(**{f"{start}__isnull": False}).order_by()
    if not fixed:
        qs = qs.filter(**{f"{end}__isnull": False})
    if connection.vendor == "postgresql":
        upper = Value(end, output_field=DateTimeField()) if fixed else F(end)
        span = ExpressionWrapper(upper - F(start), output_field=DurationField())
        inner, params = qs.annotate(seconds=_Epoch(span)).values("seconds").query.sql_with_params()
        sql = ", ".join(
            f"percentile_cont({float(f)}) WITHIN GROUP (ORDER BY seconds)" for f in fractions
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {sql} FROM ({inner}) AS durations", params)
            seconds = list(cursor.fetchone())
    else:  # SQLite: read the durations, interpolate as percentile_cont does
        if fixed:
            pairs = ((a, end) for a in qs.values_list(start, flat=True).iterator())
        else:
            pairs = qs.values_list(start, end).iterator()
        ordered = sorted((b - a).total_seconds() for a, b in pairs)
        seconds = [_interpolate(ordered, f) for f in fractions]
    return [None if s is None else _one(s / HOUR) for s in seconds]


# --- The KPIs --------------------------------------------------------------------------------


def _resolved(flt: KpiFilter) -> QuerySet:
    return flt.in_period(flt.requests(), "resolved_at")


def _received(flt: KpiFilter) -> QuerySet:
    return flt.in_period(flt.requests(), "received_at")


def _backlog_population(flt: KpiFilter) -> QuerySet:
    _, until = flt.window()
    moment = until or timezone.now()
    return (
        flt.requests()
        .filter(received_at__lt=moment)
        .exclude(status=Status.CANCELLED)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=moment))
        .exclude(status=Status.CLOSED, resolved_at__isnull=True)
    )


def _later_same_fault(days: int):
    """A later request on the same unit, within `days` of resolving, with a fault in common."""
    through = ServiceRequest.fault_codes.through
    limit = ExpressionWrapper(
        OuterRef("resolved_at") + datetime.timedelta(days=days), output_field=DateTimeField()
    )
    return Exists(
        through.objects.filter(
            servicerequest__unit_id=OuterRef("unit_id"),
            servicerequest__received_at__gt=OuterRef("resolved_at"),
            servicerequest__received_at__lte=limit,
            faultcode_id__in=through.objects.filter(
                servicerequest_id=OuterRef(OuterRef("pk"))
            ).values("faultcode_id"),
        )
    )


def _repairs_resolved(flt: KpiFilter) -> QuerySet:
    return _resolved(flt).filter(kind=Kind.REPAIR, unit__isnull=False)


def _ftf_visits(flt: KpiFilter) -> QuerySet:
    visits = flt.in_period(Visit.objects.all(), "checked_out_at").filter(
        request__in=flt.requests().values("pk"), first_time_fix__isnull=False
    )
    if flt.technician:
        visits = visits.filter(technician_id=flt.technician)
    return visits


def _surveys(flt: KpiFilter) -> QuerySet:
    return flt.in_period(Survey.objects.all(), "answered_at").filter(
        request__in=flt.requests().values("pk")
    )


def _complaints(flt: KpiFilter) -> QuerySet:
    mine = flt.requests().values("pk")
    return flt.in_period(Complaint.objects.all(), "created_at").filter(
        Q(about_request__in=mine) | Q(about_request__isnull=True, request__in=mine)
    )


def opened(flt: KpiFilter) -> Kpi:
    n = _received(flt).count()
    return Kpi("opened", n, n)


def resolved(flt: KpiFilter) -> Kpi:
    n = _resolved(flt).count()
    return Kpi("resolved", n, n)


def closed(flt: KpiFilter) -> Kpi:
    n = flt.in_period(flt.requests(), "closed_at").count()
    return Kpi("closed", n, n)


def backlog(flt: KpiFilter) -> Kpi:
    _, until = flt.window()
    moment = until or timezone.now()
    qs = _backlog_population(flt)
    bands = {}
    for low, high in AGE_BANDS:
        condition = Q(received_at__lte=moment - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(received_at__gt=moment - datetime.timedelta(days=high + 1))
        bands[f"{low}-{high}" if high is not None else f"{low}+"] = Count("pk", filter=condition)
    row = qs.order_by().aggregate(n=Count("pk"), **bands)
    n = row.pop("n")
    ages = duration_percentiles(qs, "received_at", moment, fractions=(0.5, 1.0))
    median, oldest = (None if h is None else _one(h / 24) for h in ages)
    return Kpi("backlog", n, n, {"median_age_days": median, "oldest_days": oldest, "bands": row})


def first_response(flt: KpiFilter) -> Kpi:
    qs = _received(flt).filter(first_response_at__isnull=False)
    median, p90 = duration_percentiles(qs, "received_at", "first_response_at")
    return Kpi("first_response", median, qs.count(), {"p90": p90})


def time_to_resolve(flt: KpiFilter) -> Kpi:
    qs = _resolved(flt)
    median, p90 = duration_percentiles(qs, "received_at", "resolved_at")
    return Kpi("time_to_resolve", median, qs.count(), {"p90": p90})


def _met_share(name: str, qs: QuerySet, flag: str) -> Kpi:
    row = qs.filter(**{f"{flag}__isnull": False}).aggregate(
        n=Count("pk"), met=Count("pk", filter=Q(**{flag: True}))
    )
    return Kpi(name, _share(row["met"], row["n"]), row["n"], {"met": row["met"]})


def sla_response(flt: KpiFilter) -> Kpi:
    return _met_share("sla_response", _received(flt), "response_met")


def sla_resolution(flt: KpiFilter) -> Kpi:
    return _met_share("sla_resolution", _resolved(flt), "resolution_met")


def sla_onsite(flt: KpiFilter) -> Kpi:
    return _met_share("sla_onsite", _received(flt), "onsite_met")


def first_time_fix(flt: KpiFilter) -> Kpi:
    row = _ftf_visits(flt).aggregate(
        n=Count("pk"), fixed=Count("pk", filter=Q(first_time_fix=True))
    )
    return Kpi("first_time_fix", _share(row["fixed"], row["n"]), row["n"], {"fixed": row["fixed"]})


def _repeat(days: int):
    def kpi(flt: KpiFilter) -> Kpi:
        row = (
            _repairs_resolved(flt)
            .annotate(repeated=_later_same_fault(days))
            .aggregate(n=Count("pk"), repeats=Count("pk", filter=Q(repeated=True)))
        )
        return Kpi(
            f"repeat_{days}",
            _share(row["repeats"], row["n"]),
            row["n"],
            {"repeats": row["repeats"]},
        )

    return kpi


repeat_30 = _repeat(30)
repeat_90 = _repeat(90)


def _ever_resolved(flt: KpiFilter) -> QuerySet:
    return _received(flt).filter(Q(resolved_at__isnull=False) | Q(reopen_count__gt=0))


def reopen_rate(flt: KpiFilter) -> Kpi:
    row = _ever_resolved(flt).aggregate(
        n=Count("pk"), reopened=Count("pk", filter=Q(reopen_count__gt=0))
    )
    return Kpi(
        "reopen_rate", _share(row["reopened"], row["n"]), row["n"], {"reopened": row["reopened"]}
    )


def csat(flt: KpiFilter) -> Kpi:
    row = (
        _surveys(flt)
        .filter(csat__isnull=False)
        .aggregate(n=Count("pk"), mean=Avg("csat"), happy=Count("pk", filter=Q(csat__gte=4)))
    )
    return Kpi(
        "csat",
        _one(row["mean"]) if row["n"] else None,
        row["n"],
        {"satisfied": _share(row["happy"], row["n"])},
    )


def nps(flt: KpiFilter) -> Kpi:
    row = (
        _surveys(flt)
        .filter(nps__isnull=False)
        .aggregate(
            n=Count("pk"),
            promoters=Count("pk", filter=Q(nps__gte=9)),
            detractors=Count("pk", filter=Q(nps__lte=6)),
        )
    )
    n = row["n"]
    value = _one(100 * (row["promoters"] - row["detractors"]) / n) if n else None
    return Kpi("nps", value, n, {"promoters": row["promoters"], "detractors": row["detractors"]})


def complaint_rate(flt: KpiFilter) -> Kpi:
    requests = _received(flt).exclude(kind=Kind.COMPLAINT).count()
    complaints = _complaints(flt).count()
    return Kpi("complaint_rate", _share(complaints, requests), requests, {"complaints": complaints})


def _cost_kpi(money: costs.RequestMoney) -> Kpi:
    return Kpi("cost_per_request", money.cost_per_request, money.requests, money.as_dict())


def _revenue_kpi(money: costs.RequestMoney) -> Kpi:
    return Kpi("revenue", money.revenue, money.requests, money.as_dict())


MONEY = {"cost_per_request": _cost_kpi, "revenue": _revenue_kpi}


def cost_per_request(flt: KpiFilter) -> Kpi:
    return _cost_kpi(costs.totals(_resolved(flt)))


def revenue(flt: KpiFilter) -> Kpi:
    return _revenue_kpi(costs.totals(_resolved(flt)))


@dataclass(frozen=True)
class KpiDef:
    label: str
    compute: object
    population: object  # filter -> the requests behind the number
    unit: str = ""  # "", "%", "h", "CNY", "/5"
    higher_is_better: bool | None = True
    subsets: tuple = ()  # (name, label, filter on the population)


def _from_visits(flt):
    return flt.requests().filter(pk__in=_ftf_visits(flt).values("request_id"))


def _from_surveys(flt):
    return flt.requests().filter(pk__in=_surveys(flt).values("request_id"))


def _complained_about(flt):
    """The complaints and the requests they were about, of those the reader may see."""
    complaints = _complaints(flt)
    visible = ServiceRequest.objects.all() if flt.base is None else flt.base
    return visible.filter(
        Q(pk__in=complaints.values("request_id"))
        | Q(pk__in=complaints.filter(about_request__isnull=False).values("about_request_id"))
    )


def _repeat_subsets(days):
    return (("repeated", _("repeated"), lambda qs: qs.filter(_later_same_fault(days))),)


KPIS: dict[str, KpiDef] = {
    "opened": KpiDef(_("Requests opened"), opened, _received, higher_is_better=None),
    "resolved": KpiDef(_("Requests resolved"), resolved, _resolved),
    "closed": KpiDef(
        _("Requests closed"), closed, lambda f: f.in_period(f.requests(), "closed_at")
    ),
    "backlog": KpiDef(_("Backlog"), backlog, _backlog_population, higher_is_better=False),
    "first_response": KpiDef(
        _("First response (median)"),
        first_response,
        lambda f: _received(f).filter(first_response_at__isnull=False),
        "h",
        False,
    ),
    "time_to_resolve": KpiDef(
        _("Time to resolve (median)"), time_to_resolve, _resolved, "h", False
    ),
    "sla_response": KpiDef(
        _("Response in time"),
        sla_response,
        lambda f: _received(f).filter(response_met__isnull=False),
        "%",
        subsets=(("missed", _("missed"), lambda qs: qs.filter(response_met=False)),),
    ),
    "sla_resolution": KpiDef(
        _("Resolved in time"),
        sla_resolution,
        lambda f: _resolved(f).filter(resolution_met__isnull=False),
        "%",
        subsets=(("missed", _("missed"), lambda qs: qs.filter(resolution_met=False)),),
    ),
    "sla_onsite": KpiDef(
        _("On site in time"),
        sla_onsite,
        lambda f: _received(f).filter(onsite_met__isnull=False),
        "%",
        subsets=(("missed", _("missed"), lambda qs: qs.filter(onsite_met=False)),),
    ),
    "first_time_fix": KpiDef(_("First-time fix"), first_time_fix, _from_visits, "%"),
    "repeat_30": KpiDef(
        _("Repeat repairs within 30 days"),
        repeat_30,
        _repairs_resolved,
        "%",
        False,
        _repeat_subsets(30),
    ),
    "repeat_90": KpiDef(
        _("Repeat repairs within 90 days"),
        repeat_90,
        _repairs_resolved,
        "%",
        False,
        _repeat_subsets(90),
    ),
    "reopen_rate": KpiDef(
        _("Reopened"),
        reopen_rate,
        _ever_resolved,
        "%",
        False,
        (("reopened", _("reopened"), lambda qs: qs.filter(reopen_count__gt=0)),),
    ),
    "csat": KpiDef(_("Satisfaction (CSAT)"), csat, _from_surveys, "/5"),
    "nps": KpiDef(_("NPS"), nps, _from_surveys),
    "complaint_rate": KpiDef(
        _("Complaints per 100 requests"), complaint_rate, _complained_about, "%", False
    ),
    "cost_per_request": KpiDef(_("Cost per request"), cost_per_request, _resolved, "CNY", False),
    "revenue": KpiDef(_("Revenue"), revenue, _resolved, "CNY"),
}


def compute(name: str, flt: KpiFilter) -> Kpi:
    return KPIS[name].compute(flt)


def compute_all(flt: KpiFilter, names=None) -> dict[str, Kpi]:
    """The KPIs named (all by default); cost and revenue share one reading of the money."""
    result, money = {}, None
    for name in names or KPIS:
        if name in MONEY:
            money = money or costs.totals(_resolved(flt))
            result[name] = MONEY[name](money)
        else:
            result[name] = KPIS[name].compute(flt)
    return result


def drilldown(name: str, flt: KpiFilter, subset: str = "") -> QuerySet:
    """The requests behind a KPI's number (optionally only its `subset`, e.g. "missed")."""
    definition = KPIS[name]
    qs = definition.population(flt)
    for key, _label, narrow in definition.subsets:
        if key == subset:
            qs = narrow(qs)
    return qs
