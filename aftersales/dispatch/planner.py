"""Plan a day of field visits across a center's technicians (OR-Tools routing).

`plan_day(technicians, visits)` assigns and orders the visits so that every planned visit
starts inside its agreed window, is done by a technician with the needed skill (or the one
the dispatcher pinned it to) within that technician's shift, reaches as many visits as
possible before their SLA on-site deadlines (a soft limit: being late costs far more than
any detour, but a late visit is still planned, as early as possible, and marked late), and
the total travel time is as small as the solver finds within the time limit. Visits that
cannot be planned are returned with a reason code:

- ``pinned_technician_unavailable``: pinned to a technician who is not working that day;
- ``pinned_technician_lacks_skill``: pinned to a technician without the needed skill;
- ``no_skill``: no working technician has the skill;
- ``window_outside_shifts``: the window lies outside every capable technician's shift;
- ``does_not_fit_in_shift``: alone in an empty day, no capable technician could get
  there, do it and get back within the shift;
- ``no_capacity``: it could fit alone, but not with the rest of the day's work;
- ``not_solved``: the solver found no plan at all within the time limit.

Times are integer seconds from the day's earliest shift start inside the model, aware
datetimes outside.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from .travel import Point, StraightLineTravel, TravelTimes

# What dropping a visit costs the objective (in travel seconds): far more than any detour,
# so the solver drops a visit only when it cannot fit. Each priority step adds a tenth.
DROP_PENALTY = 10_000_000
# What each second of arriving after the SLA deadline costs: more than a second of travel,
# less than dropping a visit.
LATE_PENALTY = 50


class PlanningInputError(ValueError):
    """The planner was given something it cannot plan with (the message says what)."""


@dataclass(frozen=True)
class Shift:
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class Technician:
    id: int
    name: str
    start: Point
    shift: Shift
    skills: frozenset[str] = frozenset()
    end: Point | None = None  # where the day ends; None = back to `start`
    centers: frozenset[int] = frozenset()  # centers covered (used by suggestions)

    @property
    def end_point(self) -> Point:
        return self.end if self.end is not None else self.start


@dataclass(frozen=True)
class VisitToPlan:
    id: int
    location: Point
    duration: timedelta
    skill: str | None = None
    window: tuple[datetime, datetime] | None = None  # agreed with the customer: start within
    # SLA on-site deadline: arrive before it if at all possible. It is a soft limit: a
    # visit that cannot make it (or whose deadline has passed) is planned as early as it
    # can be and its stop says it is late — a customer already waiting is never dropped.
    deadline: datetime | None = None
    pinned_to: int | None = None  # technician id the dispatcher fixed it to
    priority: int = 0  # higher = dropping it costs more
    center_id: int | None = None  # the center whose area it is in (used by suggestions)

    def latest_arrival(self) -> datetime | None:
        """The latest start the customer agreed to (None = any); the deadline is soft."""
        return self.window[1] if self.window else None


@dataclass
class Stop:
    visit_id: int
    arrive: datetime
    start: datetime
    leave: datetime
    travel_s: int  # from the previous stop (or the technician's start)
    late: bool = False  # arrives after the visit's SLA deadline


@dataclass
class Route:
    technician_id: int
    stops: list[Stop] = field(default_factory=list)
    travel_s: int = 0  # including the way back to the end point
    work_s: int = 0
    ends: datetime | None = None  # back at the end point (None when no stops)


@dataclass
class Unplanned:
    visit_id: int
    reason: str
    detail: str


@dataclass
class Plan:
    routes: list[Route]
    unplanned: list[Unplanned]
    travel_s: int
    solve_s: float
    objective: int | None
    status: str

    @property
    def planned_count(self) -> int:
        return sum(len(r.stops) for r in self.routes)


def _seconds(dt: datetime, origin: datetime) -> int:
    return int((dt - origin).total_seconds())


def _check_inputs(technicians, visits) -> None:
    seen = set()
    for t in technicians:
        if t.id in seen:
            raise PlanningInputError(f"Technician {t.id} is listed twice.")
        seen.add(t.id)
        for dt in (t.shift.starts, t.shift.ends):
            if dt.tzinfo is None or dt.utcoffset() is None:
                raise PlanningInputError(f"Technician {t.id}: shift times must be time-zone aware.")
        if t.shift.ends <= t.shift.starts:
            raise PlanningInputError(f"Technician {t.id}: the shift ends before it starts.")
    seen = set()
    for v in visits:
        if v.id in seen:
            raise PlanningInputError(f"Visit {v.id} is listed twice.")
        seen.add(v.id)
        if v.duration <= timedelta(0):
            raise PlanningInputError(f"Visit {v.id}: the duration must be positive.")
        for dt in (*(v.window or ()), v.deadline):
            if dt is not None and (dt.tzinfo is None or dt.utcoffset() is None):
                raise PlanningInputError(f"Visit {v.id}: times must be time-zone aware.")
        if v.window and v.window[1] < v.window[0]:
            raise PlanningInputError(f"Visit {v.id}: the window ends before it starts.")


def _fmt(dt: datetime) -> str:
    return dt.strftime("%H:%M")


class _Screen:
    """Why a visit cannot be planned at all, before any solving (None = it could be)."""

    def __init__(self, technicians, travel_s):
        self.technicians = technicians
        self.by_id = {t.id: t for t in technicians}
        self.travel_s = travel_s  # (Point, Point) -> seconds

    def capable(self, v: VisitToPlan) -> list[Technician]:
        pool = [self.by_id[v.pinned_to]] if v.pinned_to is not None else self.technicians
        return [t for t in pool if v.skill is None or v.skill in t.skills]

    def reason(self, v: VisitToPlan) -> Unplanned | None:
        if v.pinned_to is not None and v.pinned_to not in self.by_id:
            return Unplanned(
                v.id,
                "pinned_technician_unavailable",
                f"Pinned to technician {v.pinned_to}, who has no shift in this plan.",
            )
        capable = self.capable(v)
        if not capable:
            if v.pinned_to is not None:
                tech = self.by_id[v.pinned_to]
                return Unplanned(
                    v.id,
                    "pinned_technician_lacks_skill",
                    f"Pinned to {tech.name}, who lacks the skill “{v.skill}”.",
                )
            return Unplanned(v.id, "no_skill", f"No technician on shift has the skill “{v.skill}”.")
        latest = v.latest_arrival()
        if v.window:
            ws, we = v.window
            if not any(
                max(ws, t.shift.starts) <= min(we, t.shift.ends - v.duration) for t in capable
            ):
                return Unplanned(
                    v.id,
                    "window_outside_shifts",
                    f"The window {_fmt(ws)}–{_fmt(we)} lies outside the shift of every "
                    f"technician able to do it ({len(capable)}).",
                )
        # Earliest arrival for each capable technician: straight from the start at shift start.
        arrivals = sorted(
            (t.shift.starts + timedelta(seconds=self.travel_s(t.start, v.location)), t.id, t)
            for t in capable
        )
        for arrive, _, t in arrivals:
            start = max(arrive, v.window[0]) if v.window else arrive
            done = start + v.duration + timedelta(seconds=self.travel_s(v.location, t.end_point))
            if (latest is None or start <= latest) and done <= t.shift.ends:
                return None
        return Unplanned(
            v.id,
            "does_not_fit_in_shift",
            f"Even alone in an empty day, no capable technician ({len(capable)}) can get "
            "there, do the work and be back within the shift.",
        )


def plan_day(
    technicians: list[Technician],
    visits: list[VisitToPlan],
    *,
    travel: TravelTimes | None = None,
    time_limit_s: float = 10,
    solution_limit: int | None = None,
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION",
) -> Plan:
    """Assign and order `visits` across `technicians` for one day (see the module doc)."""
    technicians, visits = list(technicians), list(visits)
    _check_inputs(technicians, visits)
    clock = time.perf_counter()
    if not visits or not technicians:
        unplanned = [
            Unplanned(v.id, "no_skill", "No technician is on shift in this plan.") for v in visits
        ]
        return Plan([Route(t.id) for t in technicians], unplanned, 0, 0.0, 0, "EMPTY")

    travel = travel or StraightLineTravel()
    points: list[Point] = []
    point_index: dict[Point, int] = {}
    for p in (
        [t.start for t in technicians]
        + [t.end_point for t in technicians]
        + [v.location for v in visits]
    ):
        if p not in point_index:
            point_index[p] = len(points)
            points.append(p)
    matrix = travel.matrix(points)
    if len(matrix) != len(points) or any(len(row) != len(points) for row in matrix):
        raise PlanningInputError("The travel-time provider returned a matrix of the wrong size.")
    if any(s < 0 for row in matrix for s in row):
        raise PlanningInputError("The travel-time provider returned a negative travel time.")

    def travel_s(a: Point, b: Point) -> int:
        return int(matrix[point_index[a]][point_index[b]])

    screen = _Screen(technicians, travel_s)
    unplanned: list[Unplanned] = []
    candidates: list[VisitToPlan] = []
    for v in visits:
        why = screen.reason(v)
        if why is None:
            candidates.append(v)
        else:
            unplanned.append(why)

    origin = min(t.shift.starts for t in technicians)
    horizon = max(_seconds(t.shift.ends, origin) for t in technicians)
    n_tech = len(technicians)
    # Nodes: technician starts [0, n), technician ends [n, 2n), visits [2n, 2n + len).
    node_points = (
        [t.start for t in technicians]
        + [t.end_point for t in technicians]
        + [v.location for v in candidates]
    )
    node_service = [0] * (2 * n_tech) + [int(v.duration.total_seconds()) for v in candidates]
    idx = [point_index[p] for p in node_points]
    travel_m = [[int(matrix[a][b]) for b in idx] for a in idx]
    time_m = [[travel_m[i][j] + node_service[i] for j in range(len(idx))] for i in range(len(idx))]

    manager = pywrapcp.RoutingIndexManager(
        len(node_points), n_tech, list(range(n_tech)), list(range(n_tech, 2 * n_tech))
    )
    routing = pywrapcp.RoutingModel(manager)
    travel_cb = routing.RegisterTransitMatrix(travel_m)
    time_cb = routing.RegisterTransitMatrix(time_m)
    routing.SetArcCostEvaluatorOfAllVehicles(travel_cb)
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    for vehicle, t in enumerate(technicians):
        lo, hi = _seconds(t.shift.starts, origin), _seconds(t.shift.ends, origin)
        time_dim.CumulVar(routing.Start(vehicle)).SetRange(lo, hi)
        time_dim.CumulVar(routing.End(vehicle)).SetRange(lo, hi)
    vehicle_of = {t.id: k for k, t in enumerate(technicians)}
    for k, v in enumerate(candidates):
        index = manager.NodeToIndex(2 * n_tech + k)
        lo = _seconds(v.window[0], origin) if v.window else 0
        latest = v.latest_arrival()
        hi = min(horizon, _seconds(latest, origin)) if latest else horizon
        time_dim.CumulVar(index).SetRange(max(lo, 0), hi)
        if v.deadline is not None:
            # Start of work stands in for arrival: with travel it is the same or later.
            due = max(0, _seconds(v.deadline, origin))
            time_dim.SetCumulVarSoftUpperBound(index, min(due, horizon), LATE_PENALTY)
        allowed = [vehicle_of[t.id] for t in screen.capable(v)]
        if len(allowed) < n_tech:
            # -1 keeps "not performed" possible, so the disjunction can still drop it.
            routing.VehicleVar(index).SetValues([-1, *allowed])
        penalty = max(DROP_PENALTY // 10, DROP_PENALTY + v.priority * DROP_PENALTY // 10)
        routing.AddDisjunction([index], penalty)
    for vehicle in range(n_tech):
        # Leave as late and come back as early as the plan allows (no idle time at the ends).
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(vehicle)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(vehicle)))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, first_solution
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = solution_limit
    solution = routing.SolveWithParameters(params)
    solve_s = time.perf_counter() - clock
    status = _status_name(routing.status())

    routes = [Route(t.id) for t in technicians]
    planned: set[int] = set()
    objective = None
    if solution is not None:
        objective = solution.ObjectiveValue()
        for vehicle, t in enumerate(technicians):
            route = routes[vehicle]
            index = routing.Start(vehicle)
            at = t.start
            clock_s = solution.Value(time_dim.CumulVar(index))
            index = solution.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                v = candidates[manager.IndexToNode(index) - 2 * n_tech]
                leg = travel_s(at, v.location)
                arrive = clock_s + leg
                start = solution.Value(time_dim.CumulVar(index))
                start = max(start, arrive)
                leave = start + int(v.duration.total_seconds())
                route.stops.append(
                    Stop(
                        v.id,
                        origin + timedelta(seconds=arrive),
                        origin + timedelta(seconds=start),
                        origin + timedelta(seconds=leave),
                        leg,
                        late=v.deadline is not None
                        and origin + timedelta(seconds=arrive) > v.deadline,
                    )
                )
                route.travel_s += leg
                route.work_s += leave - start
                planned.add(v.id)
                at, clock_s = v.location, leave
                index = solution.Value(routing.NextVar(index))
            if route.stops:
                back = travel_s(at, t.end_point)
                route.travel_s += back
                route.ends = origin + timedelta(seconds=clock_s + back)

    for v in candidates:
        if solution is None:
            unplanned.append(
                Unplanned(
                    v.id,
                    "not_solved",
                    f"The solver found no plan within {time_limit_s:g} s (status {status}).",
                )
            )
        elif v.id not in planned:
            capable = screen.capable(v)
            unplanned.append(
                Unplanned(
                    v.id,
                    "no_capacity",
                    f"Not enough time left in the day of the {len(capable)} technician(s) "
                    f"able to do it ({v.duration.total_seconds() / 60:.0f} min of work"
                    + (f", window {_fmt(v.window[0])}–{_fmt(v.window[1])}" if v.window else "")
                    + (f", deadline {_fmt(v.deadline)}" if v.deadline else "")
                    + ").",
                )
            )
    order = {v.id: k for k, v in enumerate(visits)}
    unplanned.sort(key=lambda u: order[u.visit_id])
    return Plan(
        routes=routes,
        unplanned=unplanned,
        travel_s=sum(r.travel_s for r in routes),
        solve_s=solve_s,
        objective=objective,
        status=status,
    )


def _status_name(code: int) -> str:
    try:
        name = routing_enums_pb2.RoutingSearchStatus.Value.Name(code)
    except (ValueError, AttributeError):
        return str(code)
    return name.removeprefix("ROUTING_")
