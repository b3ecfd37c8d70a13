"""Day planning with real rows: Visit / Technician ↔ the pure planner's dataclasses.

- `plan_center_day(center, day, *, actor)` plans a center's open, not-started, not-pinned
  visits of a day across its available technicians (absent ones left out) with OR-Tools,
  and saves every assignment and route order through the visit services in one
  transaction. Visits pinned by hand (or already under way) stay where they are and take
  up their technician's time. What could not be placed comes back with the planner's
  reason as a sentence.
- `suggest_for(visit)` ranks the center's technicians for one visit, with reasons as
  sentences.
- `move(visit, technician, planned_start, actor)` is the dispatcher's hand move; it pins
  the visit so a later re-plan leaves it alone.

Who may: administrators, service managers and dispatchers for every center; partner staff
for their own center only. Agents, technicians and customers may not.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import Role, role_of
from aftersales.catalog.models import Category
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.dispatch import planner
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.dispatch.suggest import rank_technicians
from aftersales.dispatch.travel import Point, StraightLineTravel
from aftersales.field.models import ServiceCenter, Technician, TechnicianSkill
from aftersales.field.services import available_technicians
from aftersales.sla import engine

# A working day when the technician has no calendar of their own (local time).
DEFAULT_SHIFT = (datetime.time(8, 0), datetime.time(18, 0))
# Statuses the planner may (re)assign: nobody has set off yet.
PLANNABLE = (VisitStatus.UNSCHEDULED, VisitStatus.SCHEDULED)
# Statuses that hold a technician's time without being moved by the planner.
UNDER_WAY = (VisitStatus.TRAVELLING, VisitStatus.ON_SITE)

PLANNERS = frozenset({Role.ADMIN, Role.MANAGER, Role.DISPATCHER})


# --- Who may ------------------------------------------------------------------------------


def can_use_board(user) -> bool:
    """Open the dispatch board at all (which centers: `board_centers`)."""
    role = role_of(user)
    return role in PLANNERS or (role == Role.PARTNER and bool(user.service_center_id))


def board_centers(user):
    queryset = ServiceCenter.objects.filter(active=True)
    role = role_of(user)
    if role in PLANNERS:
        return queryset
    if role == Role.PARTNER and user.service_center_id:
        return queryset.filter(pk=user.service_center_id)
    return queryset.none()


def can_plan(user, center: ServiceCenter) -> bool:
    role = role_of(user)
    if role in PLANNERS:
        return True
    return role == Role.PARTNER and center is not None and center.pk == user.service_center_id


def check_plan(actor, center: ServiceCenter) -> None:
    """`actor` None is the system itself (demo data, scheduled jobs)."""
    if actor is not None and not can_plan(actor, center):
        raise NotAllowed(
            _("You may plan only your own service center's visits.")
            if role_of(actor) == Role.PARTNER
            else _("Only dispatchers, service managers and administrators may plan visits.")
        )


# --- Rows → planner -----------------------------------------------------------------------


def _tz():
    return timezone.get_current_timezone()


def _local(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, at, tzinfo=_tz())


def _point(pair) -> Point | None:
    if pair is None:
        return None
    lat, lon = pair
    if lat is None or lon is None:
        return None
    return Point(float(lat), float(lon))


def shift_of(technician: Technician, day: datetime.date) -> planner.Shift | None:
    """The technician's working hours on `day` on their calendar (first start to last end
    of the day's working periods), or the default day; None on a day off: a weekend, a
    public holiday (国庆, 春节…) or a day the manager entered as off. An adjusted working
    day (调休) is worked with the standard hours."""
    calendar = technician.calendar
    if calendar is None:
        return planner.Shift(_local(day, DEFAULT_SHIFT[0]), _local(day, DEFAULT_SHIFT[1]))
    # The calendar's periods and days come prefetched (`_technician_queryset`): keep only
    # the day asked about, so nothing more is read.
    days = [(d.date, d.is_working) for d in calendar.days.all() if d.date == day]
    rules = engine.Rules(
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        use_china_holidays=calendar.use_china_holidays,
        periods=engine.periods_by_weekday(calendar.periods.all()),
        days=dict(days),
        days_from=day,
        days_until=day,
        calendar_id=calendar.pk,
    )
    spans = engine.spans(rules, day)
    if not spans:
        return None
    return planner.Shift(spans[0][0].astimezone(_tz()), spans[-1][1].astimezone(_tz()))


def skill_key(category_id: int, level: int | None) -> str:
    """What a visit needs, for the planner: the category, and the least level if any."""
    return f"{category_id}@{level}" if level else str(category_id)


class _Skills:
    """Skill keys for the planner: a visit needs `skill_key(category, least level)`; a
    technician has the key of every needed one that one of their skills covers, at that
    level or above (a skill on 空调 covers 挂机; a trainee does not have what needs a
    senior, and a certificate that raises the level makes them have it)."""

    def __init__(self):
        self.parent = dict(Category.objects.values_list("pk", "parent_id"))

    def ancestors(self, category_id) -> set[int]:
        seen: set[int] = set()
        node = category_id
        while node is not None and node not in seen:
            seen.add(node)
            node = self.parent.get(node)
        return seen

    def keys_for(self, levels: dict[int, int], needed: set[tuple[int, int | None]]) -> frozenset:
        """`levels`: the technician's level per category; `needed`: (category, least level)."""
        keys = set()
        for category, least in needed:
            held = [levels[c] for c in self.ancestors(category) if c in levels]
            if held and max(held) >= (least or 0):
                keys.add(skill_key(category, least))
        return frozenset(keys)


def _needs(visits) -> set[tuple[int, int | None]]:
    return {(v.skill_id, v.skill_level) for v in visits if v.skill_id}


def _technician_queryset(queryset):
    return queryset.select_related("user", "home_center", "calendar").prefetch_related(
        "calendar__periods",
        "calendar__days",
        Prefetch("skills", queryset=TechnicianSkill.objects.select_related("category")),
    )


def _to_planner_technician(tech: Technician, day, skills: _Skills, needed: set[int]):
    shift = shift_of(tech, day)
    start = _point(tech.start_point)
    if shift is None or start is None:
        return None
    return planner.Technician(
        id=tech.pk,
        name=str(tech.user),
        start=start,
        shift=shift,
        skills=skills.keys_for({s.category_id: s.level for s in tech.skills.all()}, needed),
        centers=frozenset({tech.home_center_id}),
    )


def _to_planner_visit(visit: Visit, *, pinned_at: datetime.datetime | None = None):
    location = _point(visit.position)
    if location is None:
        return None
    window = None
    if pinned_at is not None:
        window = (pinned_at, pinned_at)
    elif visit.window_start and visit.window_end:
        window = (visit.window_start, visit.window_end)
    return planner.VisitToPlan(
        id=visit.pk,
        location=location,
        duration=datetime.timedelta(minutes=visit.duration_minutes),
        skill=(
            skill_key(visit.skill_id, visit.skill_level)
            if visit.skill_id and pinned_at is None
            else None
        ),
        window=window,
        deadline=visit.onsite_due_at if pinned_at is None else None,
        pinned_to=visit.technician_id if pinned_at is not None else None,
        center_id=visit.center_id,
    )


# --- Reasons as sentences ------------------------------------------------------------------

UNPLANNED_REASONS = {
    "pinned_technician_unavailable": gettext_lazy(
        "It is pinned to a technician who is not working that day; move it by hand."
    ),
    "pinned_technician_lacks_skill": gettext_lazy(
        "It is pinned to a technician who lacks the required skill."
    ),
    "no_skill": gettext_lazy("No technician working that day has the required skill."),
    "window_after_deadline": gettext_lazy(
        "The window agreed with the customer opens after the on-site deadline."
    ),
    "window_outside_shifts": gettext_lazy(
        "The window agreed with the customer lies outside the working hours of every "
        "technician able to do it."
    ),
    "deadline_unreachable": gettext_lazy(
        "No technician able to do it can arrive before the on-site deadline, even leaving "
        "first thing in the morning."
    ),
    "does_not_fit_in_shift": gettext_lazy(
        "Even alone in an empty day, no technician able to do it can get there, do the work "
        "and be back within working hours."
    ),
    "no_capacity": gettext_lazy(
        "The technicians able to do it have no time left that day with the rest of the work."
    ),
    "not_solved": gettext_lazy("The planner found no plan in the time allowed; try again."),
    "no_location": gettext_lazy("Neither the visit nor its service center has coordinates."),
    "no_technicians": gettext_lazy("No technician of this center is working that day."),
}


def unplanned_sentence(code: str) -> str:
    return str(UNPLANNED_REASONS.get(code, code))


def _minutes(value) -> str:
    return _("%(minutes)s min") % {"minutes": value}


def suggestion_sentence(code: str, params: dict, names: dict[int, str]) -> str:
    """One reason of `suggest.rank_technicians` as a sentence."""
    if code == "pinned_elsewhere":
        name = names.get(params.get("technician_id"), "?")
        return _("Pinned to %(name)s by the dispatcher.") % {"name": name}
    if code == "skill_match":
        return _("Has the required skill.")
    if code == "no_skill":
        return _("Lacks the required skill.")
    if code == "covers_center":
        return _("Works for this visit's service center.")
    if code == "outside_center":
        return _("Works for another service center.")
    if code == "travel":
        if params.get("from") == "last_position":
            return _("%(minutes)s of driving from the last check-in.") % {
                "minutes": _minutes(params.get("minutes"))
            }
        return _("%(minutes)s of driving from the start of the day.") % {
            "minutes": _minutes(params.get("minutes"))
        }
    if code == "no_free_time":
        return _("No free time for it that day (%(count)s visits already planned).") % {
            "count": params.get("busy_intervals", 0)
        }
    if code == "free_from":
        start = parse_datetime(params.get("start", ""))
        when = time_format(timezone.localtime(start), "H:i") if start else "?"
        return _("Can start at %(time)s.") % {"time": when}
    if code == "sla_slack":
        return _("Arrives %(minutes)s before the on-site deadline.") % {
            "minutes": _minutes(params.get("minutes"))
        }
    if code == "sla_breach":
        return _("Arrives %(minutes)s after the on-site deadline.") % {
            "minutes": _minutes(params.get("minutes_late"))
        }
    return code


# --- Saving through the visit services ----------------------------------------------------


def _schedule(visit, *, actor, technician, planned_start, sequence=None, pinned=False):
    from aftersales.dispatch import services

    return services.schedule(
        visit,
        actor=actor,
        technician=technician,
        planned_start=planned_start,
        sequence=sequence,
        pinned=pinned,
    )


def _unschedule(visit, *, actor):
    from aftersales.dispatch import services

    return services.unschedule(visit, actor=actor)


# --- Planning a day -----------------------------------------------------------------------


@dataclass
class Placed:
    visit: Visit
    technician: Technician
    planned_start: datetime.datetime
    sequence: int
    travel_minutes: int


@dataclass
class NotPlaced:
    visit: Visit
    reason: str  # the planner's code
    message: str  # the code as a sentence

    def __str__(self) -> str:
        return self.message


@dataclass
class PlanResult:
    center: ServiceCenter
    day: datetime.date
    placed: list[Placed] = field(default_factory=list)
    unplanned: list[NotPlaced] = field(default_factory=list)
    kept: list[Visit] = field(default_factory=list)  # pinned or under way: left alone
    technicians: list[Technician] = field(default_factory=list)  # those planned with
    travel_minutes: int = 0
    solve_seconds: float = 0.0
    status: str = ""

    def as_data(self) -> dict:
        """A JSON-friendly summary (the board keeps the last run's in the session)."""
        return {
            "center": self.center.pk,
            "day": self.day.isoformat(),
            "placed": [p.visit.pk for p in self.placed],
            "unplanned": [[u.visit.pk, u.reason] for u in self.unplanned],
            "kept": [v.pk for v in self.kept],
            "travel_minutes": self.travel_minutes,
            "solve_seconds": round(self.solve_seconds, 2),
        }


def _earliest_starts(route: planner.Route, shift: planner.Shift, rows: dict) -> dict:
    """Each stop as early as its route allows: leave at the start of the shift, start on
    arrival or when the window opens. The solver only promises a feasible time, often late
    in the day; in the same order, an earlier start still meets every window end, deadline
    and the shift's end, and a pinned visit (a window of one instant) keeps its time."""
    starts, clock = {}, shift.starts
    for stop in route.stops:
        row = rows[stop.visit_id]
        start = clock + datetime.timedelta(seconds=stop.travel_s)
        if row.window is not None:
            start = max(start, row.window[0])
        start = min(start, stop.start)  # never later than the solver's own plan
        starts[stop.visit_id] = start
        clock = start + row.duration
    return starts


def day_visits(center: ServiceCenter, day: datetime.date):
    """Open visits of a center on a day, with what the board and the planner read."""
    return Visit.objects.filter(
        center=center, day=day, status__in=(*PLANNABLE, *UNDER_WAY)
    ).select_related("center", "skill", "request", "technician__user")


def plan_center_day(
    center: ServiceCenter,
    day: datetime.date,
    *,
    actor,
    time_limit_s: float = 10,
    travel=None,
) -> PlanResult:
    """Plan `center`'s visits of `day` (see the module doc) and save the plan."""
    check_plan(actor, center)
    if not isinstance(day, datetime.date):
        raise DomainError(_("Choose the day to plan."), field="day")
    with transaction.atomic():
        # Lock the day's visits so two dispatchers planning at once queue up.
        visits = list(day_visits(center, day).select_for_update(of=("self",)))
        techs = list(_technician_queryset(available_technicians(center, day)))
        tech_by_id = {t.pk: t for t in techs}
        skills = _Skills()
        needed = _needs(visits)
        planner_techs = []
        for tech in techs:
            row = _to_planner_technician(tech, day, skills, needed)
            if row is not None:
                planner_techs.append(row)
        usable = {t.id for t in planner_techs}

        result = PlanResult(center=center, day=day, technicians=[tech_by_id[i] for i in usable])
        result.technicians.sort(key=lambda t: t.user.username)
        to_plan, fixed, by_id = [], [], {}
        for visit in visits:
            by_id[visit.pk] = visit
            keep = visit.status in UNDER_WAY or visit.pinned
            if keep:
                result.kept.append(visit)
                if visit.pinned and visit.technician_id not in usable:
                    # Left where the dispatcher put it, but said: it needs a hand move.
                    code = "pinned_technician_unavailable"
                    result.unplanned.append(NotPlaced(visit, code, unplanned_sentence(code)))
                if visit.technician_id in usable and visit.planned_start:
                    row = _to_planner_visit(visit, pinned_at=visit.planned_start)
                    if row is not None:
                        fixed.append(row)
                continue
            row = _to_planner_visit(visit)
            if row is None:
                result.unplanned.append(
                    NotPlaced(visit, "no_location", unplanned_sentence("no_location"))
                )
            else:
                to_plan.append(row)

        plan = planner.plan_day(
            planner_techs,
            fixed + to_plan,
            travel=travel or StraightLineTravel(),
            time_limit_s=time_limit_s,
        )
        result.solve_seconds = plan.solve_s
        result.status = plan.status
        result.travel_minutes = round(plan.travel_s / 60)
        fixed_ids = {v.id for v in fixed}
        rows_by_id = {v.id: v for v in fixed + to_plan}
        shifts = {t.id: t.shift for t in planner_techs}
        for route in plan.routes:
            tech = tech_by_id[route.technician_id]
            starts = _earliest_starts(route, shifts[route.technician_id], rows_by_id)
            for order, stop in enumerate(route.stops, start=1):
                if stop.visit_id in fixed_ids:
                    continue
                visit = by_id[stop.visit_id]
                result.placed.append(
                    Placed(visit, tech, starts[stop.visit_id], order, round(stop.travel_s / 60))
                )
        if not planner_techs:
            code = "no_technicians"
            for row in to_plan:
                result.unplanned.append(NotPlaced(by_id[row.id], code, unplanned_sentence(code)))
        else:
            for miss in plan.unplanned:
                if miss.visit_id in fixed_ids:
                    continue
                result.unplanned.append(
                    NotPlaced(by_id[miss.visit_id], miss.reason, unplanned_sentence(miss.reason))
                )

        for p in result.placed:
            v = p.visit
            if (
                v.status == VisitStatus.SCHEDULED
                and v.technician_id == p.technician.pk
                and v.planned_start == p.planned_start
                and v.sequence == p.sequence
            ):
                continue  # already exactly so: no new timeline entry
            p.visit = (
                _schedule(
                    v,
                    actor=actor,
                    technician=p.technician,
                    planned_start=p.planned_start,
                    sequence=p.sequence,
                    pinned=False,
                )
                or v
            )
        for u in result.unplanned:
            if u.visit.status == VisitStatus.SCHEDULED and not u.visit.pinned:
                u.visit = _unschedule(u.visit, actor=actor) or u.visit
    result.placed.sort(key=lambda p: (p.technician.user.username, p.sequence))
    return result


# --- Suggesting a technician --------------------------------------------------------------


@dataclass
class SuggestionRow:
    technician: Technician
    score: float
    eligible: bool
    start: datetime.datetime | None
    reasons: list[str]


def _busy_by_technician(day, exclude_visit_id=None) -> dict[int, list]:
    busy: dict[int, list] = {}
    rows = Visit.objects.filter(
        day=day,
        technician__isnull=False,
        planned_start__isnull=False,
        status__in=(VisitStatus.SCHEDULED, *UNDER_WAY),
    ).exclude(pk=exclude_visit_id)
    for tech_id, start, minutes in rows.values_list(
        "technician_id", "planned_start", "duration_minutes"
    ):
        busy.setdefault(tech_id, []).append((start, start + datetime.timedelta(minutes=minutes)))
    return busy


def suggest_for(visit: Visit, *, now: datetime.datetime | None = None) -> list[SuggestionRow]:
    """The center's technicians working on the visit's day (today when it has none), best
    first, each with the reasons as sentences."""
    day = visit.day or timezone.localdate()
    now = now or timezone.now()
    now = max(now, _local(day, datetime.time(0, 0)))
    techs = list(_technician_queryset(available_technicians(visit.center, day)))
    skills = _Skills()
    needed = _needs([visit])
    rows, by_id, positions = [], {}, {}
    for tech in techs:
        row = _to_planner_technician(tech, day, skills, needed)
        if row is None:
            continue
        rows.append(row)
        by_id[tech.pk] = tech
        if (
            tech.last_seen_at
            and timezone.localtime(tech.last_seen_at).date() == day
            and tech.last_latitude is not None
        ):
            positions[tech.pk] = Point(float(tech.last_latitude), float(tech.last_longitude))
    target = _to_planner_visit(visit)
    if target is None:
        raise DomainError(unplanned_sentence("no_location"))
    if visit.pinned and visit.technician_id:
        target = planner.VisitToPlan(**{**target.__dict__, "pinned_to": visit.technician_id})
    names = {pk: str(t.user) for pk, t in by_id.items()}
    ranked = rank_technicians(
        target,
        rows,
        _busy_by_technician(day, exclude_visit_id=visit.pk),
        StraightLineTravel(),
        now,
        positions=positions,
    )
    return [
        SuggestionRow(
            technician=by_id[s.technician_id],
            score=s.score,
            eligible=s.eligible,
            start=s.start,
            reasons=[suggestion_sentence(code, params, names) for code, params in s.reasons],
        )
        for s in ranked
    ]


# --- Moving by hand -----------------------------------------------------------------------


def move(visit: Visit, technician: Technician, planned_start: datetime.datetime, actor) -> Visit:
    """Put `visit` on `technician` at `planned_start` by hand; it becomes pinned. The visit
    services refuse an absent, inactive, unskilled or other center's technician, a start
    outside the agreed window, and a visit already under way."""
    check_plan(actor, visit.center)
    with transaction.atomic():
        return (
            _schedule(
                visit,
                actor=actor,
                technician=technician,
                planned_start=planned_start,
                sequence=None,
                pinned=True,
            )
            or visit
        )
