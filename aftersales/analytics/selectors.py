"""Reads for the quality pages: trends, breakdowns, the partner comparison, drill-down rows.

Each is a fixed number of grouped queries (per dimension or per center, never per request).
"""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth, TruncWeek

from aftersales.analytics import kpis
from aftersales.field.models import ServiceCenter, Technician
from aftersales.followup.models import Survey
from aftersales.service.models import ServiceRequest
from aftersales.sla.models import TIER_LABELS

TRUNC = {"week": TruncWeek, "month": TruncMonth}

# dimension → (field of ServiceRequest to group by, field naming the group)
DIMENSIONS = {
    "center": ("service_center_id", "service_center__name"),
    "team": ("team_id", "team__name"),
    "technician": ("assignee__technician__id", None),
    "category": ("unit__product__category_id", "unit__product__category__name"),
    "channel": ("channel", None),
    "city_tier": ("sla__tier", None),
}

# The filter parameter that selects one group of a breakdown.
FILTER_PARAM = {
    "center": "center",
    "team": "team",
    "technician": "technician",
    "category": "category",
    "channel": "channel",
    "city_tier": "city_tier",
}

# Groups named by a code rather than a row: the code's label.
CODE_LABELS = {
    "channel": lambda: dict(ServiceRequest._meta.get_field("channel").choices),
    "city_tier": lambda: TIER_LABELS,
}

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


def breakdown(flt: kpis.KpiFilter, dimension: str, limit: int | None = None) -> list[dict]:
    """Per center, team, technician, category, channel or city tier, the same figures as
    the tiles (3 queries, 4 for technicians): requests opened, resolved in time (of those
    resolved in the period), satisfied (CSAT 4–5); the `limit` groups with most requests
    opened first.

    A technician's requests here are those assigned to them (the technician filter the
    rows link to also counts visits they made on others' requests)."""
    key, name = DIMENSIONS[dimension]
    fields = [key] + ([name] if name else [])
    received = flt.in_period(flt.requests(), "received_at").order_by()
    opened = {row[key]: row for row in received.values(*fields).annotate(opened=Count("pk"))}
    resolved = flt.in_period(flt.requests(), "resolved_at").order_by()
    in_time = {
        row[key]: row
        for row in resolved.values(*fields).annotate(
            decided=Count("pk", filter=Q(resolution_met__isnull=False)),
            met=Count("pk", filter=Q(resolution_met=True)),
        )
    }
    surveys = (
        flt.in_period(Survey.objects.filter(csat__isnull=False), "answered_at")
        .filter(request__in=flt.requests().values("pk"))
        .order_by()
        .values(f"request__{key}")
        .annotate(n=Count("pk"), happy=Count("pk", filter=Q(csat__gte=4)))
    )
    happy = {row[f"request__{key}"]: row for row in surveys}
    labels = CODE_LABELS[dimension]() if dimension in CODE_LABELS else {}
    if dimension == "technician":  # one more query: their names
        found = Technician.objects.filter(pk__in={*opened, *in_time, *happy} - {None})
        labels = {t.pk: str(t.user) for t in found.select_related("user")}
    result = []
    for value in {*opened, *in_time, *happy}:
        if dimension == "technician" and value is None:
            continue  # requests nobody, or an agent, is assigned to: not a technician's
        row = opened.get(value) or in_time.get(value) or {}
        label = row.get(name) if name else labels.get(value, value)
        met, answered = in_time.get(value), happy.get(value)
        result.append(
            {
                "value": value,
                "param": FILTER_PARAM[dimension],
                "label": label or "—",
                "opened": (opened.get(value) or {}).get("opened", 0),
                "in_time": kpis._share(met["met"], met["decided"]) if met else None,
                "satisfied": kpis._share(answered["happy"], answered["n"]) if answered else None,
            }
        )
    result.sort(key=lambda r: (-r["opened"], str(r["label"])))
    return result[:limit] if limit else result


def comparison(flt: kpis.KpiFilter, names=COMPARED) -> dict:
    """Own centers against partners: one row per kind and per active center, same KPIs.

    A few queries per KPI and center: the number of centers bounds it, not of requests."""
    rows = []
    for kind, label in ServiceCenter.Kind.choices:
        values = kpis.compute_all(flt.with_(center_kind=kind, center=None), names)
        rows.append({"kind": kind, "label": label, "center": None, "kpis": values})
    centers = ServiceCenter.objects.filter(active=True).order_by("kind", "code")
    if flt.center:
        centers = centers.filter(pk=flt.center)
    for center in centers:
        values = kpis.compute_all(flt.with_(center=center.pk, center_kind=""), names)
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
