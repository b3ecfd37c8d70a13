"""The service-level clocks of a request: response, resolution, on-site arrival, updates.

The SLA app says what is promised (policy, calendar, targets, city tier); this module
keeps each request's clocks true to it as the request lives: started at creation from
`received_at`, recomputed when the priority, the plan or the need for a visit changes,
paused while waiting (as the policy says), stopped — met or breached — when the clock's
event happens. Functions set fields on the request and return what to tell the timeline;
`service.services` saves them in the same transaction as the change that caused them.
"""

import datetime
import math
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.service.choices import DONE_STATUSES, OPEN_STATUSES, Status
from aftersales.sla import engine
from aftersales.sla import services as sla

# The fields `restart` clears besides the deadlines.
RESTART_FIELDS = [
    "first_response_at", "response_met", "resolution_met", "paused_at", "paused_minutes",
    "last_update_at",
]  # fmt: skip
# The fields `start` writes, for `save(update_fields=...)`.
DEADLINE_FIELDS = [
    "response_due_at", "resolution_due_at", "onsite_due_at",
    "response_warn_at", "resolution_warn_at", "onsite_warn_at", "update_due_at", "sla",
]  # fmt: skip


def plan_code(request) -> str | None:
    """The service plan the request is handled under, from its warranty decision."""
    plan = (request.entitlement or {}).get("plan") or {}
    return plan.get("code") or None


def _city(request) -> str:
    return getattr(request.customer, "city", "") or ""


def _warn_at(policy, start, minutes: float, business: bool):
    """When `warn_at_percent` of a clock of `minutes` has been used."""
    used = datetime.timedelta(minutes=math.floor(minutes * policy.warn_at_percent / 100))
    if business:
        return engine.add_business_time(policy.calendar, start, used)
    return start + used


def start(request, *, since: datetime.datetime | None = None) -> dict:
    """Compute every deadline from `since` (default `received_at`); returns the snapshot.

    Time already paused counts: the resolution deadline moves by it, as when it was paused.
    """
    since = since or request.received_at
    found = sla.deadlines_for(
        received_at=since,
        priority=request.priority,
        plan_code=plan_code(request),
        city=_city(request),
        needs_visit=request.needs_visit,
    )
    policy = found.policy
    request.response_due_at = found.response_due_at
    request.response_warn_at = _warn_at(policy, since, found.response_minutes, True)
    resolution_minutes = found.resolution_minutes + request.paused_minutes
    request.resolution_due_at = (
        engine.add_business_time(
            policy.calendar,
            found.resolution_due_at,
            datetime.timedelta(minutes=request.paused_minutes),
        )
        if request.paused_minutes
        else found.resolution_due_at
    )
    request.resolution_warn_at = _warn_at(policy, since, resolution_minutes, True)
    request.onsite_due_at = found.onsite_due_at
    request.onsite_warn_at = (
        _warn_at(policy, since, found.onsite_hours * 60, False) if found.onsite_due_at else None
    )
    # Business hours, unless the calendar never closes (gold: around the clock).
    business = not policy.calendar.always_open
    request.sla = {
        **found.as_json(),
        # The promises in minutes, and whether they count business time, for the page.
        "targets": {
            "response": [found.response_minutes, business],
            "resolution": [found.resolution_minutes, business],
            **({"onsite": [found.onsite_hours * 60, False]} if found.onsite_due_at else {}),
            **(
                {"update": [policy.update_every_hours * 60, False]}
                if policy.update_every_hours
                else {}
            ),
        },
    }
    _schedule_update(request, policy, request.last_update_at or since)
    return request.sla


def _schedule_update(request, policy, last) -> None:
    hours = policy.update_every_hours
    if not hours or not request.is_open or request.status == Status.WAITING_CUSTOMER:
        request.update_due_at = None
    else:
        request.update_due_at = last + datetime.timedelta(hours=hours)


def summary(request) -> dict:
    """The deadlines as the timeline shows them."""
    return {
        "policy": (request.sla or {}).get("policy", {}).get("name", ""),
        "tier": (request.sla or {}).get("tier", ""),
        "response_due_at": _iso(request.response_due_at),
        "resolution_due_at": _iso(request.resolution_due_at),
        "onsite_due_at": _iso(request.onsite_due_at),
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def restart(request, now) -> dict:
    """A reopened request: its problem is back, so every clock starts again from now."""
    request.first_response_at = None
    request.response_met = request.resolution_met = None
    request.paused_at = None
    request.paused_minutes = 0
    request.last_update_at = now
    return start(request, since=now)


# --- Events that move the clocks --------------------------------------------------------


def _policy(request):
    return sla.policy_for(plan_code(request))


def status_changed(
    request, source: str, target: str, now, *, on_site: bool = False
) -> tuple[list[str], dict | None]:
    """Pause, resume or stop the clocks for a move; returns (fields changed, event data).

    `on_site`: the move is made by field staff starting work at the customer's, which
    stops the on-site clock (until visits with check-in exist, that is the arrival).
    """
    changed, data = [], None
    if on_site and target == Status.IN_PROGRESS and request.onsite_due_at:
        changed += arrived(request, now)
    policy = _policy(request)
    pauses_before = source in OPEN_STATUSES and sla.pauses_on(policy, source)
    pauses_after = target in OPEN_STATUSES and sla.pauses_on(policy, target)
    if pauses_before and not pauses_after and request.paused_at:
        due, minutes = sla.extend_for_pause(
            policy, request.resolution_due_at, request.paused_at, now
        )
        request.resolution_due_at = due
        if request.resolution_warn_at:
            request.resolution_warn_at = engine.add_business_time(
                policy.calendar, request.resolution_warn_at, datetime.timedelta(minutes=minutes)
            )
        request.paused_minutes += minutes
        request.paused_at = None
        changed += ["resolution_due_at", "resolution_warn_at", "paused_minutes", "paused_at"]
        data = {"clock": "resumed", "paused_minutes": minutes, "resolution_due_at": _iso(due)}
    elif pauses_after and not pauses_before:
        request.paused_at = now
        changed.append("paused_at")
        data = {"clock": "paused", "status": target}
    if target == Status.RESOLVED:
        changed += _stop_response(request, now)
        request.resolution_met = bool(
            request.resolution_due_at is None or now <= request.resolution_due_at
        )
        changed.append("resolution_met")
        data = {**(data or {}), "clock": "stopped", "resolution_met": request.resolution_met}
    if (
        target in DONE_STATUSES
        or target == Status.WAITING_CUSTOMER
        or (source == Status.WAITING_CUSTOMER and target in OPEN_STATUSES)
    ):
        _schedule_update(request, policy, request.last_update_at or request.received_at)
        changed.append("update_due_at")
    return changed, data


def _stop_response(request, now) -> list[str]:
    if request.first_response_at is not None:
        return []
    request.first_response_at = now
    request.response_met = bool(request.response_due_at is None or now <= request.response_due_at)
    return ["first_response_at", "response_met"]


def responded(request, now) -> list[str]:
    """News reached the customer (a message, a call): the first stops the response clock,
    each restarts the update clock."""
    if not request.is_open:
        return []
    changed = _stop_response(request, now)
    request.last_update_at = now
    _schedule_update(request, _policy(request), now)
    return [*changed, "last_update_at", "update_due_at"]


def arrived(request, now) -> list[str]:
    """The technician is on site: the on-site clock stops (field service calls this)."""
    if request.arrived_at is not None:
        return []
    request.arrived_at = now
    request.onsite_met = (
        None if request.onsite_due_at is None else bool(now <= request.onsite_due_at)
    )
    return ["arrived_at", "onsite_met"]


def time_left(request, now=None):
    """(clock, due) of the nearest running deadline of an open request, or None."""
    if not request.is_open:
        return None
    now = now or timezone.now()
    running = [
        ("response", request.first_response_at is None and request.response_due_at),
        ("onsite", request.arrived_at is None and request.onsite_due_at),
        ("resolution", request.paused_at is None and request.resolution_due_at),
    ]
    running = [(name, due) for name, due in running if due]
    return min(running, key=lambda item: item[1]) if running else None


@dataclass(frozen=True)
class ClockRow:
    """One clock as the request page shows it."""

    clock: str  # response, resolution, onsite, update
    due_at: datetime.datetime | None
    done_at: datetime.datetime | None
    state: str  # met, breached, running, at_risk, late, paused, stopped
    target: str  # "4 h business time", "24 h"


def rows(request, now=None) -> list[ClockRow]:
    now = now or timezone.now()
    targets = (request.sla or {}).get("targets", {})
    found = [
        _row("response", request.response_due_at, request.response_warn_at,
             request.first_response_at, request.response_met, request, now, targets),
        _row("resolution", request.resolution_due_at, request.resolution_warn_at,
             request.resolved_at, request.resolution_met, request, now, targets),
    ]  # fmt: skip
    if request.onsite_due_at:
        found.append(
            _row("onsite", request.onsite_due_at, request.onsite_warn_at, request.arrived_at,
                 request.onsite_met, request, now, targets)
        )  # fmt: skip
    if request.update_due_at:
        found.append(_row("update", request.update_due_at, None, None, None, request, now, targets))
    return found


def _row(clock, due, warn, done, met, request, now, targets) -> ClockRow:
    if met is True:
        state = "met"
    elif met is False:
        state = "breached"
    elif not request.is_open or due is None:
        state = "stopped"
    elif clock == "resolution" and request.paused_at:
        state = "paused"
    elif due < now:
        state = "late"
    elif warn is not None and warn <= now:
        state = "at_risk"
    else:
        state = "running"
    return ClockRow(clock, due, done, state, target_text(targets.get(clock)))


def target_text(target) -> str:
    """[minutes, business?] as people say it: "4 h (business hours)", "24 h"."""
    if not target:
        return ""
    minutes, business = target
    hours, rest = divmod(int(minutes), 60)
    amount = (
        _("%(h)s h %(m)s min") % {"h": hours, "m": rest} if rest else _("%(h)s h") % {"h": hours}
    )
    return _("%(amount)s of business hours") % {"amount": amount} if business else amount
