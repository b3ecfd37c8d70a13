"""The quality pages' figures, kept for a few minutes.

At a million requests the dashboard's figures take a couple of seconds to compute (see
`benchmarks/README.md`), and managers open it again and again with the same filter. So
each page's figures are computed at most once every `ANALYTICS_FIGURES_SECONDS` (default
300) per filter and reader, kept in the cache (shared between processes when
`CACHE_URL` names Redis), and the page says when they were computed, with a link that
computes them again. The job `warm-quality-figures` recomputes the dashboard as it opens
(the last 90 days, everything) a little more often than that, so the first manager of
the morning does not wait either. Work lists (the queue, the requests behind a number)
are never kept: they are always read live.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import astuple
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from aftersales.analytics.kpis import KpiFilter


def fresh_for() -> int:
    """Seconds the figures are kept (0: never kept, always computed)."""
    return int(getattr(settings, "ANALYTICS_FIGURES_SECONDS", 300))


def _key(parts: tuple) -> str:
    # No language: what is kept holds numbers, ids and lazy labels, translated on display.
    return "quality-figures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def kept_for(
    parts: tuple, compute: Callable[[], Any], *, refresh: bool = False
) -> tuple[Any, datetime.datetime]:
    """`compute()`'s result kept under `parts` (what the figures depend on: the page and
    its filter as plain values), and when it was computed; computed now when it is not
    kept or `refresh` is asked. Also used by the fault statistics."""
    seconds = fresh_for()
    key = _key(parts)
    if seconds and not refresh:
        found = cache.get(key)
        if found is not None:
            return found
    result = (compute(), timezone.now())
    if seconds:
        cache.set(key, result, seconds)
    return result


def kept(
    kind: str,
    flt: KpiFilter,
    compute: Callable[[], Any],
    *,
    user=None,
    params: tuple = (),
    refresh: bool = False,
) -> tuple[Any, datetime.datetime]:
    """`compute()`'s result for this page, filter and reader, and when it was computed:
    from the cache when it is there and `refresh` is not asked, else computed now."""
    # The whole filter but the visible-requests base, which `reader` stands for: None
    # when the filter reads every request (the back office), else the reader's own key.
    reader = None if flt.base is None else getattr(user, "pk", user)
    parts = (kind, astuple(flt.with_(base=None)), reader, params)
    return kept_for(parts, compute, refresh=refresh)
