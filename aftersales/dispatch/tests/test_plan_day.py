"""What a dispatcher checks in a planned day: who goes where, when, and why not."""

import random
from datetime import timedelta

import pytest

from aftersales.dispatch.planner import PlanningInputError, plan_day
from aftersales.dispatch.travel import FixedMatrixTravel, Point, StraightLineTravel

from .helpers import EAST, WEST, at, near, tech, visit

LIMIT = {"time_limit_s": 0.5}  # tiny days: the first solution is already the best


def route_of(plan, technician_id):
    return next(r for r in plan.routes if r.technician_id == technician_id)


def visit_ids(plan, technician_id):
    return [s.visit_id for s in route_of(plan, technician_id).stops]


def reasons(plan):
    return {u.visit_id: u.reason for u in plan.unplanned}


def test_technicians_at_opposite_ends_of_the_city_get_the_visits_near_them():
    # given one technician in the west and one in the east, two visits near each
    techs = [tech(1, WEST), tech(2, EAST)]
    visits = [
        visit(10, near(WEST, 0.01)),
        visit(11, near(EAST, -0.01)),
        visit(12, near(WEST, -0.01, 0.01)),
        visit(13, near(EAST, 0.01, -0.01)),
    ]
    # when the day is planned
    plan = plan_day(techs, visits, **LIMIT)
    # then each does the two near them and nothing is left over
    assert sorted(visit_ids(plan, 1)) == [10, 12]
    assert sorted(visit_ids(plan, 2)) == [11, 13]
    assert plan.unplanned == []
    assert plan.travel_s == sum(r.travel_s for r in plan.routes)


def test_a_visit_needing_a_skill_goes_to_the_technician_who_has_it():
    # given the washer job is next to the aircon-only technician
    techs = [tech(1, WEST, skills={"aircon"}), tech(2, EAST, skills={"washer"})]
    visits = [visit(10, near(WEST, 0.005), skill="washer")]
    # when planned, then the far-away washer technician still gets it
    plan = plan_day(techs, visits, **LIMIT)
    assert visit_ids(plan, 2) == [10]
    assert visit_ids(plan, 1) == []


def test_a_visit_with_an_afternoon_window_starts_inside_it():
    # given a customer who agreed to 14:00–16:00
    plan = plan_day([tech(1)], [visit(10, near(WEST, 0.02), window=(at(14), at(16)))], **LIMIT)
    # then the visit starts between 14:00 and 16:00
    (stop,) = route_of(plan, 1).stops
    assert at(14) <= stop.start <= at(16)
    assert stop.leave == stop.start + timedelta(minutes=60)
    assert stop.arrive <= stop.start


def test_a_deadline_forces_the_order_of_the_visits():
    # given two visits on a line going east: the far one must be reached by 09:30,
    # the near one has no deadline, so the short way (near first) would miss it
    a = near(WEST, 0, 0.05)
    b = near(WEST, 0, 0.10)
    visits = [visit(10, a, minutes=90), visit(11, b, minutes=30, deadline=at(9, 30))]
    plan = plan_day([tech(1, WEST)], visits, **LIMIT)
    # then the deadline visit is done first, arriving before 09:30
    assert visit_ids(plan, 1) == [11, 10]
    assert route_of(plan, 1).stops[0].arrive <= at(9, 30)


def test_a_pinned_visit_stays_with_its_technician():
    # given a visit next to technician 1, pinned by the dispatcher to technician 2
    techs = [tech(1, WEST), tech(2, EAST)]
    plan = plan_day(techs, [visit(10, near(WEST, 0.01), pinned_to=2)], **LIMIT)
    assert visit_ids(plan, 2) == [10]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"skill": "fridge"}, "no_skill"),
        ({"window": (at(19), at(21))}, "window_outside_shifts"),
        ({"pinned_to": 99}, "pinned_technician_unavailable"),
        ({"pinned_to": 2}, "pinned_technician_lacks_skill"),
        ({"minutes": 9 * 60 + 50}, "does_not_fit_in_shift"),
    ],
)
def test_a_visit_that_cannot_be_planned_says_why(kwargs, reason):
    # given an aircon technician working 08–18 and a washer technician, both in the west
    techs = [tech(1, WEST), tech(2, WEST, skills={"washer"})]
    kwargs = {"minutes": 60, **kwargs}
    # when a visit across the city is impossible in one specific way
    plan = plan_day(techs, [visit(10, EAST, **kwargs), visit(11, near(WEST, 0.01))], **LIMIT)
    # then it is listed with that reason and a detail, and the other visit is planned
    assert reasons(plan) == {10: reason}
    assert plan.unplanned[0].detail
    assert visit_ids(plan, 1) == [11]


def test_too_much_work_for_the_day_leaves_the_lowest_priority_out_for_lack_of_capacity():
    # given one technician with a ten-hour day and four three-hour visits
    visits = [visit(10 + k, near(WEST, 0.01 * k), minutes=180, priority=k) for k in range(4)]
    plan = plan_day([tech(1)], visits, **LIMIT)
    # then three fit and the one with the lowest priority is out for lack of capacity
    assert sorted(visit_ids(plan, 1)) == [11, 12, 13]
    assert reasons(plan) == {10: "no_capacity"}


def test_empty_inputs_give_an_empty_plan():
    assert plan_day([], [], **LIMIT).routes == []
    plan = plan_day([tech(1)], [], **LIMIT)
    assert [r.stops for r in plan.routes] == [[]] and plan.travel_s == 0
    plan = plan_day([], [visit(10, WEST)], **LIMIT)
    assert reasons(plan) == {10: "no_skill"}


def test_a_custom_travel_time_provider_is_used():
    # given a table where going to B is quick only through A
    home, a, b = Point(31.0, 121.0), Point(31.0, 121.1), Point(31.0, 121.2)
    table = {
        (home, a): 600, (a, home): 600,
        (home, b): 5000, (b, home): 700,
        (a, b): 300, (b, a): 5000,
    }  # fmt: skip
    plan = plan_day(
        [tech(1, home)], [visit(10, b), visit(11, a)], travel=FixedMatrixTravel(table), **LIMIT
    )
    # then the route follows the table: home → A → B → home = 600 + 300 + 700
    assert visit_ids(plan, 1) == [11, 10]
    assert [s.travel_s for s in route_of(plan, 1).stops] == [600, 300]
    assert plan.travel_s == 1600


def test_the_straight_line_provider_never_says_zero_minutes_between_two_addresses():
    travel = StraightLineTravel()
    assert travel.matrix([WEST, WEST]) == [[0, 0], [0, 0]]
    assert travel.seconds(WEST, near(WEST, 0.0001)) == 300
    # 0.3° of longitude at 31.23° N ≈ 28.5 km, × 1.3 road factor at 30 km/h ≈ 74 min
    assert 73 * 60 <= travel.seconds(WEST, EAST) <= 75 * 60


@pytest.mark.parametrize(
    ("technicians", "visits", "message"),
    [
        ([tech(1), tech(1)], [], "listed twice"),
        ([tech(1, shift=(18, 8))], [], "ends before it starts"),
        ([tech(1)], [visit(10, WEST, minutes=0)], "duration"),
        ([tech(1)], [visit(10, WEST, window=(at(16), at(14)))], "window ends"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(technicians, visits, message):
    with pytest.raises(PlanningInputError, match=message):
        plan_day(technicians, visits, **LIMIT)


def test_a_random_day_never_overlaps_stops_and_respects_windows_skills_and_shifts():
    # given a seeded day of 30 visits for 4 technicians with windows and deadlines
    rng = random.Random(5)
    skills = ["aircon", "washer", "fridge"]
    techs = [
        tech(
            k,
            Point(31.2 + rng.uniform(0, 0.1), 121.4 + rng.uniform(0, 0.2)),
            skills=set(rng.sample(skills, 2)),
            shift=(8 + k % 2, 17 + k % 2),
        )
        for k in range(1, 5)
    ]
    visits = []
    for k in range(30):
        window = deadline = None
        if rng.random() < 0.3:
            h = rng.randint(9, 14)
            window = (at(h), at(h + 2))
        elif rng.random() < 0.2:
            deadline = at(rng.randint(10, 16))
        visits.append(
            visit(
                100 + k,
                Point(31.15 + rng.uniform(0, 0.2), 121.35 + rng.uniform(0, 0.3)),
                minutes=rng.choice([30, 45, 60, 90]),
                skill=rng.choice(skills),
                window=window,
                deadline=deadline,
            )
        )
    plan = plan_day(techs, visits, **LIMIT)
    by_id = {v.id: v for v in visits}
    by_tech = {t.id: t for t in techs}
    # then every visit is either planned once or listed with a reason
    planned = [s.visit_id for r in plan.routes for s in r.stops]
    assert sorted(planned + [u.visit_id for u in plan.unplanned]) == sorted(by_id)
    assert len(planned) >= 20
    travel = StraightLineTravel()
    for route in plan.routes:
        t = by_tech[route.technician_id]
        previous_leave, previous_at = t.shift.starts, t.start
        for stop in route.stops:
            v = by_id[stop.visit_id]
            assert v.skill in t.skills
            assert stop.travel_s == travel.seconds(previous_at, v.location)
            assert stop.arrive >= previous_leave + timedelta(seconds=stop.travel_s)
            assert stop.arrive <= stop.start and stop.leave == stop.start + v.duration
            if v.window:
                assert v.window[0] <= stop.start <= v.window[1]
            if v.deadline:
                assert stop.arrive <= v.deadline
            previous_leave, previous_at = stop.leave, v.location
        assert previous_leave + timedelta(seconds=travel.seconds(previous_at, t.start)) <= (
            t.shift.ends
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deadline": at(8, 5)},  # cannot be reached in five minutes
        {"deadline": at(7)},  # passed before the day began
        {"window": (at(15), at(16)), "deadline": at(12)},  # the customer chose later
    ],
)
def test_a_late_visit_is_still_planned_and_marked_late(kwargs):
    # given a visit across the city whose SLA deadline cannot be met
    techs = [tech(1, WEST)]
    plan = plan_day(techs, [visit(10, EAST, minutes=60, **kwargs)], **LIMIT)
    # then it is planned anyway, and its stop says it is late
    [stop] = route_of(plan, 1).stops
    assert (stop.visit_id, stop.late) == (10, True)
    assert plan.unplanned == []


def test_the_deadline_decides_who_goes_first():
    # given two visits for one technician, the far one due early
    techs = [tech(1, WEST)]
    visits = [visit(10, near(WEST, 0.01)), visit(11, EAST, deadline=at(9, 30))]
    plan = plan_day(techs, visits, **LIMIT)
    # then the one with the deadline is visited first, in time
    stops = route_of(plan, 1).stops
    assert [s.visit_id for s in stops] == [11, 10]
    assert not stops[0].late
