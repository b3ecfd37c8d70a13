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

import copy
import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Avg,
    BigIntegerField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
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

    @property
    def selects_all(self) -> bool:
        """Every request, whoever reads (the back office, no dimension chosen)."""
        dimensions = (self.team, self.center, self.technician, self.category, self.product)
        dimensions += (self.channel, self.city_tier, self.center_kind)
        return self.base is None and not any(dimensions)

    def of_requests(self, qs: QuerySet, field: str = "request") -> QuerySet:
        """Rows of another table (visits, surveys…) whose request the filter selects. No
        condition when it selects every request: "request IN (every id)" made PostgreSQL
        read the whole request table for nothing."""
        if self.selects_all:
            return qs.filter(**{f"{field}__isnull": False})
        return qs.filter(**{f"{field}__in": self.requests().values("pk")})

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


class _Micros(Func):
    """A moment as whole microseconds since 1970 (PostgreSQL)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICRO = datetime.timedelta(microseconds=1)
DAY_MICROS = 24 * 3600 * 1_000_000


def _rows_in_micros(qs: QuerySet, fields: list[str], moments: set[str]) -> list:
    """`qs.values_list(*fields)`, the fields named in `moments` as whole microseconds
    since 1970. Reading tens of thousands of timestamps cost more than the query: under
    Django, psycopg parses each one in Python (5 µs); integers load at once."""
    if connection.vendor == "postgresql":
        annotations = {f"moment{i}": _Micros(F(f)) for i, f in enumerate(fields) if f in moments}
        names = [f"moment{i}" if f in moments else f for i, f in enumerate(fields)]
        return list(qs.annotate(**annotations).values_list(*names))
    at = [i for i, f in enumerate(fields) if f in moments]
    rows = []
    for row in qs.values_list(*fields):
        row = list(row)
        for i in at:
            row[i] = (row[i] - EPOCH) // MICRO
        rows.append(row)
    return rows


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
    found = duration_percentiles_by(qs, start, end, None, fractions)
    return found.get(None) or [None] * len(fractions)


def duration_percentiles_by(
    qs: QuerySet,
    start: str,
    end: str | datetime.datetime,
    field: str | None,
    fractions=(0.5, 0.9),
) -> dict:
    """`duration_percentiles` per value of `field` (None: all rows together, key None)."""
    fixed = isinstance(end, datetime.datetime)
    qs = qs.filter(**{f"{start}__isnull": False}).order_by()
    if not fixed:
        qs = qs.filter(**{f"{end}__isnull": False})
    if connection.vendor == "postgresql":
        upper = Value(end, output_field=DateTimeField()) if fixed else F(end)
        span = ExpressionWrapper(upper - F(start), output_field=DurationField())
        columns = ["seconds"] + (["grp"] if field else [])
        qs = qs.annotate(seconds=_Epoch(span), **({"grp": F(field)} if field else {}))
        inner, params = qs.values(*columns).query.sql_with_params()
        sql = ", ".join(
            f"percentile_cont({float(f)}) WITHIN GROUP (ORDER BY seconds)" for f in fractions
        )
        group = " GROUP BY grp" if field else ""
        select = f"SELECT {'grp' if field else 'NULL'}, {sql} FROM ({inner}) AS durations{group}"
        with connection.cursor() as cursor:
            cursor.execute(select, params)
            rows = {row[0]: list(row[1:]) for row in cursor.fetchall()}
    else:  # SQLite: read the durations, interpolate as percentile_cont does
        names = [field] if field else []
        names += [start] if fixed else [start, end]
        spans: dict = {}
        for row in qs.values_list(*names).iterator():
            group, rest = (row[0], row[1:]) if field else (None, row)
            begin, finish = (rest[0], end) if fixed else rest
            spans.setdefault(group, []).append((finish - begin).total_seconds())
        rows = {
            group: [_interpolate(sorted(values), f) for f in fractions]
            for group, values in spans.items()
        }
    return {
        group: [None if s is None else _one(s / HOUR) for s in seconds]
        for group, seconds in rows.items()
        if field or any(s is not None for s in seconds)
    }


# --- The KPIs --------------------------------------------------------------------------------


def _resolved(flt: KpiFilter) -> QuerySet:
    return flt.in_period(flt.requests(), "resolved_at")


def _received(flt: KpiFilter) -> QuerySet:
    return flt.in_period(flt.requests(), "received_at")


def _backlog_population(flt: KpiFilter) -> QuerySet:
    _, until = flt.window()
    moment = until or timezone.now()
    # Never resolved and still counting, or resolved only after the moment. Written as
    # the two conditions of the indexes sr_never_resolved and sr_resolved, so the
    # database reads those few rows instead of the table.
    return flt.requests().filter(
        Q(received_at__lt=moment)
        & (
            (Q(resolved_at__isnull=True) & NEVER_RESOLVED_STATUSES)
            | (Q(resolved_at__gte=moment) & ~Q(status=Status.CANCELLED))
        )
    )


# The statuses of a request that was never resolved and still counts in a backlog (the
# condition of the index sr_never_resolved: keep the two the same).
NEVER_RESOLVED_STATUSES = ~Q(status__in=[Status.CANCELLED, Status.CLOSED])


def _next_same_fault():
    """When the unit next came back with a fault in common (received after this request
    was resolved); None if it has not. One subquery serves both windows (30 and 90 days)."""
    through = ServiceRequest.fault_codes.through
    return Subquery(
        through.objects.filter(
            servicerequest__unit_id=OuterRef("unit_id"),
            servicerequest__received_at__gt=OuterRef("resolved_at"),
            faultcode_id__in=through.objects.filter(
                servicerequest_id=OuterRef(OuterRef("pk"))
            ).values("faultcode_id"),
        )
        .order_by("servicerequest__received_at")
        .values("servicerequest__received_at")[:1],
        output_field=DateTimeField(),
    )


def _came_back_within(days: int) -> Q:
    """On a queryset annotated with `next_same_fault`: followed within `days` of resolving."""
    limit = ExpressionWrapper(
        F("resolved_at") + datetime.timedelta(days=days), output_field=DateTimeField()
    )
    return Q(next_same_fault__lte=limit)


def _repairs_resolved(flt: KpiFilter) -> QuerySet:
    return _resolved(flt).filter(kind=Kind.REPAIR, unit__isnull=False)


def _ftf_visits(flt: KpiFilter) -> QuerySet:
    visits = flt.of_requests(flt.in_period(Visit.objects.all(), "checked_out_at")).filter(
        first_time_fix__isnull=False
    )
    if flt.technician:
        visits = visits.filter(technician_id=flt.technician)
    return visits


def _surveys(flt: KpiFilter) -> QuerySet:
    return flt.of_requests(flt.in_period(Survey.objects.all(), "answered_at"))


def _complaint_parts(flt: KpiFilter) -> list[tuple[QuerySet, str]]:
    """The complaints in the period about the filter's requests: those about a request
    of it, and those about none made by a request of it; each with the request it counts
    for."""
    complaints = flt.in_period(Complaint.objects.all(), "created_at")
    return [
        (flt.of_requests(complaints, "about_request"), "about_request"),
        (flt.of_requests(complaints.filter(about_request__isnull=True)), "request"),
    ]


def _complaints(flt: KpiFilter) -> QuerySet:
    (about, _field), (own, _field) = _complaint_parts(flt)
    return about | own


# --- Readings shared by several KPIs ----------------------------------------------------
#
# A family reads one set of rows once for every KPI that needs it, optionally grouped by a
# field of ServiceRequest (the comparison of centers reads each family once for all
# centers): `family(flt, field)` → {group value (None when not grouped): reading}.

EVER_RESOLVED = Q(resolved_at__isnull=False) | Q(reopen_count__gt=0)
RECEIVED = {
    "n": Count("pk"),
    "answered": Count("pk", filter=Q(first_response_at__isnull=False)),
    "response_n": Count("pk", filter=Q(response_met__isnull=False)),
    "response_met": Count("pk", filter=Q(response_met=True)),
    "onsite_n": Count("pk", filter=Q(onsite_met__isnull=False)),
    "onsite_met": Count("pk", filter=Q(onsite_met=True)),
    "ever_resolved": Count("pk", filter=EVER_RESOLVED),
    "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
    "not_complaints": Count("pk", filter=~Q(kind=Kind.COMPLAINT)),
}
RESOLVED = {
    "n": Count("pk"),
    "resolution_n": Count("pk", filter=Q(resolution_met__isnull=False)),
    "resolution_met": Count("pk", filter=Q(resolution_met=True)),
}
SURVEYS = {
    "csat_n": Count("pk", filter=Q(csat__isnull=False)),
    "csat_mean": Avg("csat"),
    "happy": Count("pk", filter=Q(csat__gte=4)),
    "nps_n": Count("pk", filter=Q(nps__isnull=False)),
    "promoters": Count("pk", filter=Q(nps__gte=9)),
    "detractors": Count("pk", filter=Q(nps__lte=6)),
}
FTF = {"n": Count("pk"), "fixed": Count("pk", filter=Q(first_time_fix=True))}


def _zeros(aggregates: dict) -> dict:
    return {key: None if isinstance(agg, Avg) else 0 for key, agg in aggregates.items()}


def _aggregated(qs: QuerySet, field: str | None, aggregates: dict) -> dict:
    if field is None:
        return {None: qs.aggregate(**aggregates)}
    rows = qs.order_by().values(field).annotate(**aggregates)
    return {row.pop(field): row for row in rows}


def _via(prefix: str, field: str | None) -> str | None:
    return None if field is None else f"{prefix}__{field}"


def _repeats(flt: KpiFilter, field: str | None) -> dict:
    """Repairs resolved in the period, and how many came back within 30 / 90 days: the
    rule of `_came_back_within`, matched here in Python from three reads (the repairs,
    their fault codes, the later requests on their units with theirs). Asking the
    database for each repair's next same-fault request took a subquery per repair
    (1.1 s for 50,000 repairs)."""
    through = ServiceRequest.fault_codes.through
    repairs = _repairs_resolved(flt).order_by()
    rows = _rows_in_micros(
        repairs, ["pk", field or "kind", "unit_id", "resolved_at"], {"resolved_at"}
    )
    if not rows:
        return {}
    faults_of: dict = {}
    mine = through.objects.filter(servicerequest__in=repairs.values("pk"))
    for request_id, fault in mine.values_list("servicerequest_id", "faultcode_id"):
        faults_of.setdefault(request_id, set()).add(fault)
    later: dict = {}
    after = through.objects.filter(
        servicerequest__unit_id__in=repairs.values("unit_id"),
        servicerequest__received_at__gt=EPOCH + min(row[3] for row in rows) * MICRO,
    )
    fields = ["servicerequest__unit_id", "servicerequest__received_at", "faultcode_id"]
    for unit, received_at, fault in _rows_in_micros(after, fields, {fields[1]}):
        later.setdefault(unit, []).append((received_at, fault))
    result: dict = {}
    for pk, group, unit, resolved_at in rows:
        row = result.setdefault(group if field else None, {"n": 0, "repeat_30": 0, "repeat_90": 0})
        row["n"] += 1
        faults = faults_of.get(pk, ())
        came_back = min(
            (at for at, fault in later.get(unit, ()) if at > resolved_at and fault in faults),
            default=None,
        )
        if came_back is not None:
            row["repeat_30"] += came_back - resolved_at <= 30 * DAY_MICROS
            row["repeat_90"] += came_back - resolved_at <= 90 * DAY_MICROS
    return result


def _complaint_counts(flt: KpiFilter, field: str | None) -> dict:
    """Complaints in the period about the filter's requests, by the group of the request
    they are about (or, about none, of the complaint request itself)."""
    counts: dict = {}
    for qs, prefix in _complaint_parts(flt):
        for group, row in _aggregated(qs, _via(prefix, field), {"n": Count("pk")}).items():
            counts[group] = counts.get(group, 0) + row["n"]
    return counts


FAMILIES = {
    "received": (lambda f, g: _aggregated(_received(f), g, RECEIVED), _zeros(RECEIVED)),
    "resolved": (lambda f, g: _aggregated(_resolved(f), g, RESOLVED), _zeros(RESOLVED)),
    "surveys": (
        lambda f, g: _aggregated(_surveys(f), _via("request", g), SURVEYS),
        _zeros(SURVEYS),
    ),
    "ftf": (
        lambda f, g: _aggregated(_ftf_visits(f), _via("request", g), FTF),
        _zeros(FTF),
    ),
    "repeats": (_repeats, {"n": 0, "repeat_30": 0, "repeat_90": 0}),
    "complaints": (_complaint_counts, 0),
    "resolve_times": (
        lambda f, g: duration_percentiles_by(_resolved(f), "received_at", "resolved_at", g),
        [None, None],
    ),
    "response_times": (
        lambda f, g: duration_percentiles_by(
            _received(f).filter(first_response_at__isnull=False),
            "received_at",
            "first_response_at",
            g,
        ),
        [None, None],
    ),
    "money": (
        lambda f, g: costs.by_group(_resolved(f), g) if g else {None: costs.totals(_resolved(f))},
        None,  # an empty group: costs.RequestMoney()
    ),
}


class Figures:
    """The readings the KPIs of one filter share, each read once (and, for a comparison,
    once for all groups: `grouped`). At a million requests each reading of a period costs
    a scan of ~100,000 rows; the dashboard's 18 figures took 30 such readings apart."""

    def __init__(self, flt: KpiFilter, *, field: str | None = None, group=None, shared=None):
        self.flt, self.field, self.group = flt, field, group
        self.shared = {} if shared is None else shared  # family → {group: reading}

    def __getattr__(self, family: str):
        if family not in FAMILIES:
            raise AttributeError(family)
        read, empty = FAMILIES[family]
        if family not in self.shared:
            self.shared[family] = read(self.flt, self.field)
        found = self.shared[family].get(self.group)
        if found is None:
            found = costs.RequestMoney() if family == "money" else copy.deepcopy(empty)
        return found


def grouped(flt: KpiFilter, field: str) -> Callable[[object], Figures]:
    """Figures per value of `field` (e.g. "service_center_id"), every family read once for
    all the groups: `grouped(flt, field)(value)`."""
    shared: dict = {}

    def of(value) -> Figures:
        return Figures(flt, field=field, group=value, shared=shared)

    return of


def _count(name: str, family: str):
    def kpi(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
        n = getattr(fig or Figures(flt), family)["n"]
        return Kpi(name, n, n)

    return kpi


opened = _count("opened", "received")
resolved = _count("resolved", "resolved")


def closed(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    n = flt.in_period(flt.requests(), "closed_at").count()
    return Kpi("closed", n, n)


def backlog(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
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


def first_response(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    fig = fig or Figures(flt)
    median, p90 = fig.response_times
    return Kpi("first_response", median, fig.received["answered"], {"p90": p90})


def time_to_resolve(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    fig = fig or Figures(flt)
    median, p90 = fig.resolve_times
    return Kpi("time_to_resolve", median, fig.resolved["n"], {"p90": p90})


def _met_share(name: str, family: str, prefix: str):
    def kpi(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
        row = getattr(fig or Figures(flt), family)
        n, met = row[f"{prefix}_n"], row[f"{prefix}_met"]
        return Kpi(name, _share(met, n), n, {"met": met})

    return kpi


sla_response = _met_share("sla_response", "received", "response")
sla_resolution = _met_share("sla_resolution", "resolved", "resolution")
sla_onsite = _met_share("sla_onsite", "received", "onsite")


def first_time_fix(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    row = (fig or Figures(flt)).ftf
    return Kpi("first_time_fix", _share(row["fixed"], row["n"]), row["n"], {"fixed": row["fixed"]})


def _repeat(days: int):
    def kpi(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
        row = (fig or Figures(flt)).repeats
        repeats = row[f"repeat_{days}"]
        return Kpi(f"repeat_{days}", _share(repeats, row["n"]), row["n"], {"repeats": repeats})

    return kpi


repeat_30 = _repeat(30)
repeat_90 = _repeat(90)


def _ever_resolved(flt: KpiFilter) -> QuerySet:
    return _received(flt).filter(EVER_RESOLVED)


def reopen_rate(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    row = (fig or Figures(flt)).received
    n, reopened = row["ever_resolved"], row["reopened"]
    return Kpi("reopen_rate", _share(reopened, n), n, {"reopened": reopened})


def csat(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    row = (fig or Figures(flt)).surveys
    n = row["csat_n"]
    mean = _one(row["csat_mean"]) if n else None
    return Kpi("csat", mean, n, {"satisfied": _share(row["happy"], n)})


def nps(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    row = (fig or Figures(flt)).surveys
    n, promoters, detractors = row["nps_n"], row["promoters"], row["detractors"]
    value = _one(100 * (promoters - detractors) / n) if n else None
    return Kpi("nps", value, n, {"promoters": promoters, "detractors": detractors})


def complaint_rate(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    fig = fig or Figures(flt)
    requests, complaints = fig.received["not_complaints"], fig.complaints
    return Kpi("complaint_rate", _share(complaints, requests), requests, {"complaints": complaints})


def cost_per_request(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    money = (fig or Figures(flt)).money
    return Kpi("cost_per_request", money.cost_per_request, money.requests, money.as_dict())


def revenue(flt: KpiFilter, fig: Figures | None = None) -> Kpi:
    money = (fig or Figures(flt)).money
    return Kpi("revenue", money.revenue, money.requests, money.as_dict())


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
    def narrow(qs):
        return qs.annotate(next_same_fault=_next_same_fault()).filter(_came_back_within(days))

    return (("repeated", _("repeated"), narrow),)


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
    return KPIS[name].compute(flt, Figures(flt))


def compute_all(flt: KpiFilter, names=None, figures: Figures | None = None) -> dict[str, Kpi]:
    """The KPIs named (all by default), sharing their readings (`Figures`)."""
    figures = figures or Figures(flt)
    return {name: KPIS[name].compute(flt, figures) for name in names or KPIS}


def drilldown(name: str, flt: KpiFilter, subset: str = "") -> QuerySet:
    """The requests behind a KPI's number (optionally only its `subset`, e.g. "missed")."""
    definition = KPIS[name]
    qs = definition.population(flt)
    for key, _label, narrow in definition.subsets:
        if key == subset:
            qs = narrow(qs)
    return qs
