"""Read-side queries over what units reported."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from aftersales.iot.models import UnitState


def usage_hours(unit_ids: Iterable[int]) -> dict[int, float]:
    """Hours of use last reported by each unit (metric `IOT_HOURS_METRIC`), one query.

    Units that never reported it are left out.
    """
    metric = settings.IOT_HOURS_METRIC
    hours = {}
    for unit_id, metrics in UnitState.objects.filter(unit_id__in=list(unit_ids)).values_list(
        "unit_id", "metrics"
    ):
        value = (metrics or {}).get(metric)
        if isinstance(value, int | float) and not isinstance(value, bool):
            hours[unit_id] = float(value)
    return hours
