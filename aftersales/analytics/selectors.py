"""Reads for the quality pages: trends, breakdowns, the partner comparison, drill-down rows.

Each is a fixed number of grouped queries (per dimension or per center, never per request).
"""

from collections import Counter

from django.db.models import Count, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncMonth, TruncWeek

from aftersales.accounts.models import Team
from aftersales.analytics import kpis
from aftersales.catalog.models import Category, Product
from aftersales.field.models import ServiceCenter, Technician
from aftersales.followup.models import Survey
from aftersales.service.models import ServiceRequest
from aftersales.sla.models import TIER_LABELS

TRUNC = {"week": TruncWeek, "month": TruncMonth}

# dimension → the field of ServiceRequest read for it. The technician and the category
# are found from the assignee and the model in Python (`_regroup`): joining users,
# technicians, products and categories to every request of the period cost more than
# the rest of the reading.
DIMENSIONS = {
    "center": "service_center_id",
    "team": "team_id",
    "technician": "assignee_id",
    "category": "unit__product_id",
    "channel": "channel",
    "city_tier": "sla__tier",
}
TIER = "sla__tier"


def _groups(dimension: str) -> dict | None:
    """Value read → group, where they differ (assignee → technician, model → category;
    requests assigned to someone who is not a technician are in no technician's group)."""
    if dimension == "technician":
        return dict(Technician.objects.values_list("user_id", "pk"))
    if dimension == "category":
        return dict(Product.objects.values_list("pk", "category_id"))
    return None


def _regroup(groups: dict | None, counted: Counter) -> Counter:
    if groups is None:
        return counted
    regrouped = Counter()
    for value, n in counted.items():
        regrouped[groups.get(value)] += n
    return regrouped


# The filter parameter that selects one group of a breakdown.
FILTER_PARAM = {
    "center": "center",
    "team": "team",
    "technician": "technician",
    "category": "category",
    "channel": "channel",
    "city_tier": "city_tier",
}


def _labels(dimension: str, values: set) -> dict:
    """What each group is called (one small query for those named by a row)."""
    if dimension == "channel":
        return dict(ServiceRequest._meta.get_field("channel").choices)
    if dimension == "city_tier":
        return dict(TIER_LABELS)
    values = values - {None}
    if dimension == "technician":
        found = Technician.objects.filter(pk__in=values).select_related("user")
        return {t.pk: str(t.user) for t in found}
    model = {"center": ServiceCenter, "team": Team, "category": Category}[dimension]
    return dict(model.objects.filter(pk__in=values).values_list("pk", "name"))


# What the comparison table shows per center and for own / partner centers together.
COMPARED = (
    "opened",
    "time_to_resolve",
    "sla_resolution",
    "sla_onsite",
    "first_time_fix",
    "repeat_30",
    "reopen_rate",
    "csat",
    "complaint_rate",
    "cost_per_request",
)


def trend(flt: kpis.KpiFilter, period: str = "week") -> list[dict]:
    """Requests opened and resolved per week or month of the filter's period (2 queries)."""
    trunc = TRUNC[period]
    opened = (
        flt.in_period(flt.requests(), "received_at")
        .order_by()
        .annotate(bucket=trunc("received_at"))
        .values("bucket")
        .annotate(n=Count("pk"))
    )
    resolved = (
        flt.in_period(flt.requests(), "resolved_at")
        .order_by()
        .annotate(bucket=trunc("resolved_at"))
        .values("bucket")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(resolution_met=True)))
    )
    rows: dict = {}
    for row in opened:
        rows.setdefault(_day(row["bucket"]), {"opened": 0, "resolved": 0})["opened"] = row["n"]
    for row in resolved:
        slot = rows.setdefault(_day(row["bucket"]), {"opened": 0, "resolved": 0})
        slot["resolved"] = row["n"]
    return [{"bucket": day, **counts} for day, counts in sorted(rows.items())]


def _day(value):
    return value.date() if hasattr(value, "date") else value


TOP_TECHNICIANS = 10  # the dashboard's technician breakdown; scorecards show every one
DASHBOARD_BREAKDOWNS = {
    "center": None,
    "team": None,
    "technician": TOP_TECHNICIANS,
    "category": None,
    "channel": None,
    "city_tier": None,
}


def dashboard_figures(flt: kpis.KpiFilter, names, period: str) -> tuple:
    """Everything the dashboard shows: the KPIs named, the trend, the breakdowns."""
    return (
        kpis.compute_all(flt, names),
        trend(flt, period),
        breakdowns(flt, DASHBOARD_BREAKDOWNS),
    )


def dashboard_params(names, period: str) -> tuple:
    """What besides the filter decides the dashboard's figures (their key in the cache)."""
    return (tuple(names), period)


def _columns(qs, fields: list[str]) -> list[list]:
    """The fields of every row, column by column (one query). The city tier, a key of the
    request's `sla` JSON, is read as text: decoding a JSON value per row cost more than
    reading the rest of the row."""
    read, annotations = [], {}
    for i, field in enumerate(fields):
        if field.endswith(TIER):
            annotations[f"col{i}"] = KeyTextTransform("tier", field.removesuffix("__tier"))
            field = f"col{i}"
        read.append(field)
    rows = list(qs.order_by().annotate(**annotations).values_list(*read))
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in fields]


def breakdown(flt: kpis.KpiFilter, dimension: str, limit: int | None = None) -> list[dict]:
    """One dimension of `breakdowns`."""
    return breakdowns(flt, {dimension: limit})[dimension]


def breakdowns(flt: kpis.KpiFilter, dimensions: dict) -> dict[str, list[dict]]:
    """Per center, team, technician, category, channel or city tier (the keys of
    `dimensions`, each with a limit or None), the same figures as the tiles: requests
    opened, resolved in time (of those resolved in the period), satisfied (CSAT 4–5); the
    `limit` groups with most requests opened first.

    Three narrow reads (the requests received, those resolved, the surveys answered: their
    group keys only) counted in Python for every dimension at once, plus the names of the
    groups: grouping in the database took three scans of the period per dimension.

    A technician's requests here are those assigned to them (the technician filter the
    rows link to also counts visits they made on others' requests)."""
    names = list(dimensions)
    keys = [DIMENSIONS[name] for name in names]
    received = _columns(flt.in_period(flt.requests(), "received_at"), keys)
    opened = [Counter(column) for column in received]
    resolved = _columns(
        flt.in_period(flt.requests(), "resolved_at").filter(resolution_met__isnull=False),
        [*keys, "resolution_met"],
    )
    in_time = resolved.pop()
    decided = [Counter(column) for column in resolved]
    met = [Counter(v for v, ok in zip(column, in_time, strict=True) if ok) for column in resolved]
    surveys = flt.of_requests(
        flt.in_period(Survey.objects.filter(csat__isnull=False), "answered_at")
    )
    answered = _columns(surveys, [*(f"request__{key}" for key in keys), "csat"])
    scores = answered.pop()
    happy = [
        Counter(v for v, score in zip(column, scores, strict=True) if score >= 4)
        for column in answered
    ]
    answered = [Counter(column) for column in answered]
    result = {}
    for i, name in enumerate(names):
        groups = _groups(name)
        opened[i], decided[i], met[i], answered[i], happy[i] = (
            _regroup(groups, counts[i]) for counts in (opened, decided, met, answered, happy)
        )
        seen = {*opened[i], *decided[i], *answered[i]}
        if name == "technician":
            seen.discard(None)  # requests nobody, or an agent, is assigned to
        labels = _labels(name, seen)
        rows = [
            {
                "value": value,
                "param": FILTER_PARAM[name],
                "label": labels.get(value, value) or "—",
                "opened": opened[i][value],
                "in_time": kpis._share(met[i][value], decided[i][value])
                if decided[i][value]
                else None,
                "satisfied": kpis._share(happy[i][value], answered[i][value])
                if answered[i][value]
                else None,
            }
            for value in seen
        ]
        rows.sort(key=lambda r: (-r["opened"], str(r["label"])))
        limit = dimensions[name]
        result[name] = rows[:limit] if limit else rows
    return result


def comparison(flt: kpis.KpiFilter, names=COMPARED) -> dict:
    """Own centers against partners: one row per kind and per active center, same KPIs.

    Each reading the KPIs share (`kpis.Figures`) is made once, grouped by the kind of
    center and once grouped by center, whatever the number of centers."""
    everywhere = flt.with_(center=None, center_kind="")
    by_kind = kpis.grouped(everywhere, "service_center__kind")
    by_center = kpis.grouped(everywhere, "service_center_id")
    rows = []
    for kind, label in ServiceCenter.Kind.choices:
        values = kpis.compute_all(flt.with_(center_kind=kind, center=None), names, by_kind(kind))
        rows.append({"kind": kind, "label": label, "center": None, "kpis": values})
    centers = ServiceCenter.objects.filter(active=True).order_by("kind", "code")
    if flt.center:
        centers = centers.filter(pk=flt.center)
    for center in centers:
        one = flt.with_(center=center.pk, center_kind="")
        values = kpis.compute_all(one, names, by_center(center.pk))
        rows.append({"kind": center.kind, "label": center.name, "center": center, "kpis": values})
    return {"names": list(names), "rows": rows}


def drilldown_rows(queryset):
    """The request list behind a number, with what its columns show (one query)."""
    return queryset.select_related(
        "customer", "service_center", "assignee", "unit__product"
    ).order_by("-received_at", "-pk")


# What a center's scorecard shows per technician.
PER_TECHNICIAN = ("resolved", "first_time_fix", "sla_onsite", "repeat_30", "csat")


def technicians_of_center(flt: kpis.KpiFilter, center_id: int, names=PER_TECHNICIAN) -> list:
    """Each active technician based at the center with the same KPIs (a few queries per
    technician and KPI: bounded by the center's staff, not by its requests)."""
    rows = []
    technicians = (
        Technician.objects.filter(home_center_id=center_id, active=True)
        .select_related("user")
        .order_by("user__username")
    )
    for technician in technicians:
        values = kpis.compute_all(flt.with_(technician=technician.pk), names)
        rows.append({"technician": technician, "kpis": values})
    return rows
