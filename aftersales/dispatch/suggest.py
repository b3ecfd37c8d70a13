"""Suggest the best technician for one visit, with the reasons shown.

`rank_technicians` looks at each technician in turn: the skill, whether the visit's center
is one they cover, the earliest time they are free to get there (their busy intervals,
shift, the agreed window), the drive from their last known position (or their start), and
the SLA slack (deadline minus earliest arrival). Reasons are ``(code, params)`` pairs so
the web page can translate them. The order is deterministic: eligible first, then by
score, then by earliest start, then by technician id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .planner import Technician, VisitToPlan
from .travel import Point, StraightLineTravel, TravelTimes

# Score weights: points per minute, so a reason's effect on the order can be read off.
TRAVEL_WEIGHT = 1.0  # per minute of driving
WAIT_WEIGHT = 0.25  # per minute until the technician can start
OUTSIDE_CENTER_PENALTY = 60.0
SLA_BREACH_PENALTY = 500.0
SLACK_BONUS_CAP_MIN = 120  # slack beyond two hours earns nothing more
SLACK_WEIGHT = 0.1


@dataclass
class Suggestion:
    technician_id: int
    score: float
    reasons: list[tuple[str, dict]] = field(default_factory=list)
    eligible: bool = True
    start: datetime | None = None  # earliest start on site, when eligible


def _earliest_start(visit, tech, busy, travel_s, now):
    """Earliest (depart, arrive, start) respecting shift, busy times and window; or None."""
    depart = max(now, tech.shift.starts)
    window_start = visit.window[0] if visit.window else None
    latest = visit.window[1] if visit.window else None
    for _ in range(len(busy) + 1):
        arrive = depart + timedelta(seconds=travel_s)
        start = max(arrive, window_start) if window_start else arrive
        finish = start + visit.duration
        clash = [(b0, b1) for b0, b1 in busy if b0 < finish and b1 > depart]
        if not clash:
            if (latest and start > latest) or finish > tech.shift.ends:
                return None
            return depart, arrive, start
        depart = max(b1 for _, b1 in clash)
    return None


def rank_technicians(
    visit: VisitToPlan,
    technicians: list[Technician],
    busy: dict[int, list[tuple[datetime, datetime]]],
    travel: TravelTimes | None,
    now: datetime,
    *,
    positions: dict[int, Point] | None = None,
) -> list[Suggestion]:
    """Rank `technicians` for `visit`; see the module doc for what counts and how."""
    travel = travel or StraightLineTravel()
    positions = positions or {}
    origins = [positions.get(t.id, t.start) for t in technicians]
    points = list(dict.fromkeys([visit.location, *origins]))
    matrix = travel.matrix(points)
    where = {p: k for k, p in enumerate(points)}
    suggestions = []
    for tech, origin in zip(technicians, origins, strict=True):
        s = Suggestion(tech.id, 0.0)
        suggestions.append(s)
        if visit.pinned_to is not None and visit.pinned_to != tech.id:
            s.eligible = False
            s.reasons.append(("pinned_elsewhere", {"technician_id": visit.pinned_to}))
        if visit.skill is not None:
            if visit.skill in tech.skills:
                s.reasons.append(("skill_match", {"skill": visit.skill}))
            else:
                s.eligible = False
                s.reasons.append(("no_skill", {"skill": visit.skill}))
        if visit.center_id is not None and tech.centers:
            if visit.center_id in tech.centers:
                s.reasons.append(("covers_center", {"center_id": visit.center_id}))
            else:
                s.score -= OUTSIDE_CENTER_PENALTY
                s.reasons.append(("outside_center", {"center_id": visit.center_id}))
        travel_s = int(matrix[where[origin]][where[visit.location]])
        s.reasons.append(
            (
                "travel",
                {
                    "minutes": round(travel_s / 60),
                    "from": "last_position" if tech.id in positions else "start",
                },
            )
        )
        s.score -= TRAVEL_WEIGHT * travel_s / 60
        intervals = sorted(busy.get(tech.id, []))
        slot = _earliest_start(visit, tech, intervals, travel_s, now)
        if slot is None:
            s.eligible = False
            s.reasons.append(("no_free_time", {"busy_intervals": len(intervals)}))
        else:
            _, arrive, start = slot
            s.start = start
            wait_min = (start - max(now, tech.shift.starts)).total_seconds() / 60
            s.score -= WAIT_WEIGHT * max(0.0, wait_min)
            s.reasons.append(("free_from", {"start": start.isoformat()}))
            if visit.deadline is not None:
                slack_min = round((visit.deadline - arrive).total_seconds() / 60)
                if slack_min >= 0:
                    s.score += SLACK_WEIGHT * min(slack_min, SLACK_BONUS_CAP_MIN)
                    s.reasons.append(("sla_slack", {"minutes": slack_min}))
                else:
                    s.score -= SLA_BREACH_PENALTY
                    s.reasons.append(("sla_breach", {"minutes_late": -slack_min}))
        s.score = round(s.score, 2)
    far_future = datetime.max.replace(tzinfo=now.tzinfo)
    suggestions.sort(
        key=lambda s: (not s.eligible, -s.score, s.start or far_future, s.technician_id)
    )
    return suggestions
