"""Read-side queries over what units reported."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, JSONField, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from aftersales.iot import charts
from aftersales.iot.models import Alarm, MonitorRule, RuleKind, Telemetry, UnitState


def _hours_in(metrics) -> float | None:
    """The hours of use in a message's or state's metrics, if it carries a number."""
    value = (metrics or {}).get(settings.IOT_HOURS_METRIC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def usage(
    unit_ids: Iterable[int], *, days: int = 30, now: datetime.datetime | None = None
) -> tuple[dict[int, float], dict[int, float]]:
    """(hours, rates) in one query: the hours of use each unit last reported (metric
    `IOT_HOURS_METRIC`), and its hours per day over the last `days` (from the first
    reading in that window to its latest state). Units that never reported hours are
    left out of both; those with less than a day of history, or whose hours did not
    grow, out of the rates."""
    now = now or timezone.now()
    first = Telemetry.objects.filter(
        unit_id=OuterRef("unit_id"), at__gte=now - datetime.timedelta(days=days)
    ).order_by("at")
    rows = (
        UnitState.objects.filter(unit_id__in=list(unit_ids))
        .annotate(
            first_at=Subquery(first.values("at")[:1]),
            first_metrics=Subquery(first.values("metrics")[:1], output_field=JSONField()),
        )
        .values_list("unit_id", "last_seen_at", "metrics", "first_at", "first_metrics")
    )
    hours, rates = {}, {}
    for unit_id, last_at, metrics, first_at, first_metrics in rows:
        latest, earliest = _hours_in(metrics), _hours_in(first_metrics)
        if latest is None:
            continue
        hours[unit_id] = latest
        if earliest is None or first_at is None:
            continue
        span = (last_at - first_at).total_seconds() / 86400
        if span >= 1 and latest > earliest:
            rates[unit_id] = (latest - earliest) / span
    return hours, rates


# --- Monitoring pages -------------------------------------------------------------------

# The chart's periods (query string `period`), the first is the default.
PERIODS = {
    "24h": datetime.timedelta(hours=24),
    "7d": datetime.timedelta(days=7),
    "30d": datetime.timedelta(days=30),
}
# More points than this are averaged per time slice: a month of one reading a minute
# would be 43,200 points for a 640-pixel line.
CHART_POINTS = 240
# A unit not heard from for this long is listed as silent on /monitoring/ (the silence
# rules have their own times).
SILENT_AFTER = datetime.timedelta(hours=1)
LIST_LIMIT = 50


def rules():
    """Every rule with its model and how many of its alarms are open (one query)."""
    return MonitorRule.objects.select_related("product").annotate(
        open_alarms=Count("alarms", filter=Q(alarms__cleared_at=None))
    )


def open_alarms(unit=None, limit: int = 100):
    found = Alarm.objects.filter(cleared_at=None).select_related(
        "unit__product", "unit__customer", "rule", "request"
    )
    if unit is not None:
        found = found.filter(unit=unit)
    return found[:limit]


def units_overview(now: datetime.datetime | None = None, limit: int = LIST_LIMIT) -> dict:
    """How many monitored units were heard from lately and how many are silent, and the
    most recent / longest silent of each (three queries)."""
    now = now or timezone.now()
    cut = now - SILENT_AFTER
    counts = UnitState.objects.aggregate(
        heard=Count("pk", filter=Q(last_seen_at__gte=cut)),
        silent=Count("pk", filter=Q(last_seen_at__lt=cut)),
    )
    states = UnitState.objects.select_related("unit__product", "unit__customer")
    return {
        **counts,
        "silent_after": SILENT_AFTER,
        "heard_units": list(states.filter(last_seen_at__gte=cut).order_by("-last_seen_at")[:limit]),
        "silent_units": list(states.filter(last_seen_at__lt=cut).order_by("last_seen_at")[:limit]),
    }


def numeric_metrics(state: UnitState | None) -> list[str]:
    if state is None:
        return []
    return sorted(k for k, v in (state.metrics or {}).items() if _is_number(v))


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def series(unit_id: int, metric: str, since: datetime.datetime, until: datetime.datetime):
    """(at, value) of `metric` from `since`, oldest first; averaged per slice when long."""
    rows = (
        Telemetry.objects.filter(unit_id=unit_id, at__gte=since, at__lte=until)
        .annotate(value=KT(f"metrics__{metric}"))
        .filter(value__isnull=False)
        .order_by("at")
        .values_list("at", "value")
    )
    points = []
    for at, raw in rows:
        try:
            points.append((at, float(raw)))
        except (TypeError, ValueError):
            continue
    return _thinned(points, since, until)


def _thinned(points: list, since, until) -> list:
    if len(points) <= CHART_POINTS:
        return points
    span = (until - since) / CHART_POINTS
    slices: dict[int, list] = {}
    for at, value in points:
        slices.setdefault(int((at - since) / span), []).append((at, value))
    return [
        (group[len(group) // 2][0], sum(v for _at, v in group) / len(group))
        for _index, group in sorted(slices.items())
    ]


def _thresholds(product_id: int) -> dict[str, list[float]]:
    """The thresholds of the model's active over / under rules, by metric."""
    found: dict[str, list[float]] = {}
    rows = MonitorRule.objects.filter(
        product_id=product_id, active=True, kind__in=[RuleKind.OVER, RuleKind.UNDER]
    ).values_list("metric", "threshold")
    for metric, threshold in rows:
        found.setdefault(metric, []).append(threshold)
    return found


def unit_panel(unit, *, metric: str = "", period: str = "", now=None) -> dict:
    """What the unit page shows: last state, open alarms, and a metric over a period."""
    now = now or timezone.now()
    state = UnitState.objects.filter(unit=unit).first()
    metrics = numeric_metrics(state)
    limits = _thresholds(unit.product_id)
    if metric not in metrics:
        # By default the metric a rule watches: what someone will want to see first.
        watched = [m for m in metrics if m in limits]
        metric = (watched or metrics or [""])[0]
    period = period if period in PERIODS else next(iter(PERIODS))
    since = now - PERIODS[period]
    points = series(unit.pk, metric, since, now) if metric else []
    thresholds = limits.get(metric, [])
    return {
        "state": state,
        "silent": state is not None and state.last_seen_at < now - SILENT_AFTER,
        "readings": sorted((state.metrics or {}).items()) if state else [],
        "alarms": list(open_alarms(unit=unit)),
        "metrics": metrics,
        "metric": metric,
        "periods": list(PERIODS),
        "period": period,
        "chart": charts.line_chart(points, since, now, thresholds=thresholds),
    }
