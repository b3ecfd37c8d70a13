"""A dispatcher plans a center's day, asks who should go, and moves a visit by hand."""

import datetime
from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.dispatch import planning
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.field.models import Absence, SkillLevel, Technician, TechnicianSkill
from aftersales.service.models import TimelineEvent
from aftersales.testing.factories import (
    CategoryFactory,
    ServiceRequestFactory,
    UserFactory,
)

DAY = datetime.date(2026, 11, 25)  # a Wednesday
TIME_LIMIT = 2


def at(hour, minute=0):
    return datetime.datetime.combine(DAY, datetime.time(hour, minute), tzinfo=planning._tz())


# --- Fixtures (also used by the board tests) ----------------------------------------------


@pytest.fixture
def aircon(db):
    return CategoryFactory(code="AC", name="空调")


@pytest.fixture
def wall_unit(aircon):
    return CategoryFactory(code="AC-WALL", name="挂机", parent=aircon)


@pytest.fixture
def washer(db):
    return CategoryFactory(code="WM", name="洗衣机")


@pytest.fixture
def placed_center(center):
    center.latitude, center.longitude = Decimal("31.230000"), Decimal("121.470000")
    center.save()
    return center


def make_tech(center, username, *categories, role=Role.TECHNICIAN, **fields):
    user = UserFactory(username=username, role=role, service_center=center)
    tech = Technician.objects.create(user=user, home_center=center, **fields)
    for category in categories:
        TechnicianSkill.objects.create(technician=tech, category=category)
    return tech


def make_visit(center, *, skill=None, dlat=0.0, dlon=0.0, minutes=60, day=DAY, **fields):
    return Visit.objects.create(
        request=ServiceRequestFactory(),
        center=center,
        day=day,
        skill=skill,
        duration_minutes=minutes,
        latitude=Decimal(str(round(float(center.latitude) + dlat, 6))),
        longitude=Decimal(str(round(float(center.longitude) + dlon, 6))),
        **fields,
    )


@pytest.fixture
def team(placed_center, aircon):
    """Two aircon technicians of the center: Li in the west, Zhao in the east."""
    west = make_tech(
        placed_center, "li", aircon,
        start_latitude=Decimal("31.230000"), start_longitude=Decimal("121.400000"),
    )  # fmt: skip
    east = make_tech(
        placed_center, "zhao", aircon,
        start_latitude=Decimal("31.230000"), start_longitude=Decimal("121.540000"),
    )  # fmt: skip
    return west, east


# --- Planning a day -----------------------------------------------------------------------


def test_planning_places_every_visit_in_route_order_with_history(dispatcher, team, wall_unit):
    # given four wall-unit visits, two near each technician's start
    west, east = team
    center = west.home_center
    visits = [
        make_visit(center, skill=wall_unit, dlon=-0.07),
        make_visit(center, skill=wall_unit, dlon=-0.06, dlat=0.01),
        make_visit(center, skill=wall_unit, dlon=0.07),
        make_visit(center, skill=wall_unit, dlon=0.06, dlat=0.01),
    ]
    # when the dispatcher plans the day
    result = planning.plan_center_day(center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    # then every visit is placed, on the near technician, numbered 1, 2 in route order
    assert result.unplanned == []
    assert len(result.placed) == 4
    for visit in visits:
        visit.refresh_from_db()
        assert visit.status == VisitStatus.SCHEDULED
        assert not visit.pinned
        assert visit.planned_start is not None
    assert {v.technician_id for v in visits[:2]} == {west.pk}
    assert {v.technician_id for v in visits[2:]} == {east.pk}
    for tech in team:
        mine = sorted((v for v in visits if v.technician_id == tech.pk), key=lambda v: v.sequence)
        assert [v.sequence for v in mine] == [1, 2]
        assert mine[0].planned_start + datetime.timedelta(minutes=60) <= mine[1].planned_start
        assert mine[0].planned_start >= at(8)
    # and each request's timeline says so
    for visit in visits:
        assert TimelineEvent.objects.filter(
            request=visit.request, kind="visit", data__visit=visit.pk
        ).exists()


def test_a_visit_no_working_technician_can_do_is_reported_with_a_sentence(dispatcher, team, washer):
    # given a washing-machine visit and only aircon technicians
    center = team[0].home_center
    visit = make_visit(center, skill=washer)
    # when the day is planned
    result = planning.plan_center_day(center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    # then it is listed as unplanned, with the reason in words, and stays unscheduled
    (miss,) = result.unplanned
    assert miss.visit == visit and miss.reason == "no_skill"
    assert miss.message == "No technician working that day has the required skill."
    visit.refresh_from_db()
    assert visit.status == VisitStatus.UNSCHEDULED and visit.technician is None


def test_an_absent_technician_gets_no_visits_and_theirs_are_re_planned(dispatcher, team, aircon):
    # given Zhao had two visits planned and then called in sick for the day
    west, east = team
    center = west.home_center
    visits = [make_visit(center, skill=aircon, dlon=0.07), make_visit(center, dlon=0.06)]
    planning.plan_center_day(center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    assert {Visit.objects.get(pk=v.pk).technician_id for v in visits} == {east.pk}
    Absence.objects.create(technician=east, starts_on=DAY, ends_on=DAY, reason="sick")
    # when the day is planned again
    result = planning.plan_center_day(center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    # then Li takes both and Zhao is not among the technicians planned with
    assert [t.pk for t in result.technicians] == [west.pk]
    assert {Visit.objects.get(pk=v.pk).technician_id for v in visits} == {west.pk}


def test_a_pinned_visit_is_left_alone_and_its_time_is_kept_free(dispatcher, team, aircon):
    # given a visit pinned by hand to Zhao at 09:00 and another visit next to it
    west, east = team
    center = west.home_center
    pinned = make_visit(
        center, dlon=0.07, technician=east, status=VisitStatus.SCHEDULED,
        planned_start=at(9), pinned=True, minutes=120,
    )  # fmt: skip
    other = make_visit(center, dlon=0.07, dlat=0.001, window_start=at(9), window_end=at(10))
    # when the day is planned
    result = planning.plan_center_day(center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    # then the pinned visit is unchanged and written nowhere
    assert result.kept == [pinned]
    version = pinned.version
    pinned.refresh_from_db()
    assert (pinned.technician, pinned.planned_start, pinned.version) == (east, at(9), version)
    assert not TimelineEvent.objects.filter(request=pinned.request).exists()
    # and the other visit does not go to Zhao during the pinned job
    other.refresh_from_db()
    assert other.status == VisitStatus.SCHEDULED
    if other.technician == east:
        assert other.planned_start >= at(11)
    else:
        assert other.technician == west


def test_a_visit_pinned_to_an_absent_technician_stays_but_is_reported(dispatcher, team):
    # given a visit pinned to Zhao, who then calls in sick
    west, east = team
    pinned = make_visit(
        west.home_center, technician=east, status=VisitStatus.SCHEDULED,
        planned_start=at(9), pinned=True,
    )  # fmt: skip
    Absence.objects.create(technician=east, starts_on=DAY, ends_on=DAY, reason="sick")
    # when the day is planned
    result = planning.plan_center_day(
        west.home_center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT
    )
    # then it is not moved, but listed for the dispatcher to move by hand
    (miss,) = result.unplanned
    assert (miss.visit, miss.reason) == (pinned, "pinned_technician_unavailable")
    assert "move it by hand" in miss.message
    pinned.refresh_from_db()
    assert (pinned.technician, pinned.status, pinned.pinned) == (east, "scheduled", True)


def test_a_scheduled_visit_that_no_longer_fits_is_unscheduled(dispatcher, team, washer):
    # given a washer visit scheduled earlier, and nobody working today has the skill
    center = team[0].home_center
    visit = make_visit(
        center, skill=washer, technician=team[0], status=VisitStatus.SCHEDULED,
        planned_start=at(10),
    )  # fmt: skip
    # when the day is planned
    result = planning.plan_center_day(center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    # then it is reported and taken off the technician
    assert [u.reason for u in result.unplanned] == ["no_skill"]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.UNSCHEDULED and visit.technician is None


def test_other_days_and_other_centers_are_not_touched(dispatcher, team, other_center):
    center = team[0].home_center
    tomorrow = make_visit(center, day=DAY + datetime.timedelta(days=1))
    other_center.latitude, other_center.longitude = Decimal("30.6"), Decimal("104.0")
    other_center.save()
    elsewhere = make_visit(other_center)
    result = planning.plan_center_day(center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    assert result.placed == [] and result.unplanned == []
    for visit in (tomorrow, elsewhere):
        visit.refresh_from_db()
        assert visit.status == VisitStatus.UNSCHEDULED


@pytest.mark.parametrize("who", ["agent", "technician", "customer_user", "other_partner"])
def test_only_planners_of_the_center_may_plan(request, who, team):
    center = team[0].home_center
    visit = make_visit(center)
    with pytest.raises(NotAllowed):
        planning.plan_center_day(
            center, DAY, actor=request.getfixturevalue(who), time_limit_s=TIME_LIMIT
        )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.UNSCHEDULED


def test_partner_staff_plan_their_own_center(partner, partner_center, aircon):
    partner_center.latitude, partner_center.longitude = Decimal("23.13"), Decimal("113.26")
    partner_center.save()
    make_tech(partner_center, "ptech", aircon)
    visit = make_visit(partner_center, skill=aircon, dlat=0.01)
    result = planning.plan_center_day(partner_center, DAY, actor=partner, time_limit_s=TIME_LIMIT)
    assert [p.visit for p in result.placed] == [visit]


# --- Suggesting ---------------------------------------------------------------------------


def test_suggestions_rank_the_near_skilled_technician_first_with_sentences(team, wall_unit, washer):
    # given a wall-unit visit in the west and a washer-only technician too
    west, east = team
    center = west.home_center
    make_tech(center, "sun", washer)
    visit = make_visit(center, skill=wall_unit, dlon=-0.07, window_start=at(9), window_end=at(12))
    # when asking who should go
    rows = planning.suggest_for(visit, now=at(7))
    # then Li (near) comes first, Zhao second, Sun last and not eligible
    assert [r.technician.user.username for r in rows] == ["li", "zhao", "sun"]
    assert [r.eligible for r in rows] == [True, True, False]
    assert "Has the required skill." in rows[0].reasons
    assert any(r.endswith("of driving from the start of the day.") for r in rows[0].reasons)
    assert "Can start at 09:00." in rows[0].reasons
    assert "Lacks the required skill." in rows[2].reasons


def test_a_visit_needing_a_senior_goes_only_to_seniors(dispatcher, team, wall_unit):
    # given Li is a senior on air conditioners and Zhao certified (the default level)
    west, east = team
    TechnicianSkill.objects.filter(technician=west).update(level=SkillLevel.SENIOR)
    visit = make_visit(west.home_center, skill=wall_unit, skill_level=SkillLevel.SENIOR, dlon=0.07)
    # then Zhao, though nearer, is not eligible, and cannot be given it by hand
    rows = planning.suggest_for(visit, now=at(7))
    assert {r.technician.user.username: r.eligible for r in rows} == {"li": True, "zhao": False}
    with pytest.raises(DomainError, match="not yet at level"):
        planning.move(visit, east, at(14), dispatcher)
    # and the day's plan gives it to Li
    result = planning.plan_center_day(west.home_center, DAY, actor=dispatcher,
                                      time_limit_s=TIME_LIMIT)  # fmt: skip
    assert [(p.visit, p.technician) for p in result.placed] == [(visit, west)]


def test_an_absent_technician_is_not_suggested(team):
    west, east = team
    Absence.objects.create(technician=east, starts_on=DAY, ends_on=DAY, reason="leave")
    rows = planning.suggest_for(make_visit(west.home_center), now=at(7))
    assert [r.technician for r in rows] == [west]


# --- Moving by hand -----------------------------------------------------------------------


def test_moving_a_visit_by_hand_pins_it(dispatcher, team, aircon):
    west, east = team
    visit = make_visit(west.home_center, skill=aircon)
    moved = planning.move(visit, east, at(14), dispatcher)
    moved.refresh_from_db()
    assert (moved.technician, moved.planned_start, moved.pinned) == (east, at(14), True)
    assert moved.status == VisitStatus.SCHEDULED
    # and a later plan leaves it where it was put
    planning.plan_center_day(west.home_center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    moved.refresh_from_db()
    assert (moved.technician, moved.planned_start) == (east, at(14))


def test_a_move_to_an_absent_unskilled_or_foreign_technician_is_refused(
    dispatcher, team, washer, other_center
):
    west, east = team
    visit = make_visit(west.home_center, skill=washer)
    with pytest.raises(DomainError, match="has no skill for"):
        planning.move(visit, east, at(14), dispatcher)
    Absence.objects.create(technician=east, starts_on=DAY, ends_on=DAY, reason="sick")
    with pytest.raises(DomainError, match="is absent"):
        planning.move(visit, east, at(14), dispatcher)
    with pytest.raises(DomainError, match="another service center"):
        planning.move(visit, make_tech(other_center, "far", washer), at(14), dispatcher)
    visit.refresh_from_db()
    assert visit.technician is None and not visit.pinned


def test_partner_staff_of_another_center_may_not_move(other_partner, team):
    west, _east = team
    visit = make_visit(west.home_center)
    with pytest.raises(NotAllowed):
        planning.move(visit, west, at(14), other_partner)


def test_visits_start_as_early_as_their_route_and_window_allow(dispatcher, team, aircon):
    # given a visit with no window at Li's start, and one near Zhao whose window opens at 14:00
    west, east = team
    center = west.home_center
    free = make_visit(center, skill=aircon, dlon=-0.07)
    later = make_visit(center, skill=aircon, dlon=0.07, window_start=at(14), window_end=at(16))
    # when the day is planned
    planning.plan_center_day(center, DAY, actor=dispatcher, time_limit_s=TIME_LIMIT)
    # then the free one starts first thing (after the drive), the other when its window opens
    free.refresh_from_db()
    later.refresh_from_db()
    assert (free.technician, later.technician) == (west, east)
    assert at(8) <= free.planned_start <= at(8, 30)
    assert later.planned_start == at(14)


# --- Working hours from the technician's calendar -----------------------------------------


@pytest.fixture
def office_hours(db):
    """Weekdays 08:30–12:00 and 13:00–17:30 with mainland China's holidays."""
    from aftersales.sla.models import BusinessCalendar, WorkingPeriod

    calendar = BusinessCalendar.objects.create(
        name="Field staff", code="field-staff", time_zone="Asia/Shanghai", use_china_holidays=True
    )
    for weekday in range(5):
        for starts, ends in (
            (datetime.time(8, 30), datetime.time(12)),
            (datetime.time(13), datetime.time(17, 30)),
        ):
            WorkingPeriod.objects.create(
                calendar=calendar, weekday=weekday, starts=starts, ends=ends
            )
    return calendar


def _shift(tech, day):
    tech = planning._technician_queryset(Technician.objects.filter(pk=tech.pk)).get()
    shift = planning.shift_of(tech, day)
    if shift is None:
        return None
    return (shift.starts.strftime("%m-%d %H:%M"), shift.ends.strftime("%m-%d %H:%M"))


def test_a_technicians_day_follows_their_calendar_with_holidays_and_adjusted_days(
    team, office_hours
):
    from aftersales.sla.models import CalendarDay

    li, _ = team
    li.calendar = office_hours
    li.save()
    # a Wednesday: from the first period's start to the last one's end
    assert _shift(li, DAY) == ("11-25 08:30", "11-25 17:30")
    # a Saturday, and 国庆 on a Thursday: no working day, nothing to plan
    assert _shift(li, datetime.date(2026, 11, 28)) is None
    assert _shift(li, datetime.date(2026, 10, 1)) is None
    # the Saturday worked after 国庆 (调休) has the standard hours
    assert _shift(li, datetime.date(2026, 10, 10)) == ("10-10 08:30", "10-10 17:30")
    # and a day the manager entered as off is off
    CalendarDay.objects.create(calendar=office_hours, date=DAY, is_working=False, name="团建")
    assert _shift(li, DAY) is None


def test_planning_on_a_public_holiday_places_nothing_and_says_why(dispatcher, team, office_hours):
    holiday = datetime.date(2026, 10, 1)
    for tech in team:
        tech.calendar = office_hours
        tech.save()
    visit = make_visit(team[0].home_center, day=holiday)
    result = planning.plan_center_day(
        team[0].home_center, holiday, actor=dispatcher, time_limit_s=TIME_LIMIT
    )
    visit.refresh_from_db()
    assert visit.technician is None
    (miss,) = result.unplanned
    assert miss.visit.pk == visit.pk
    assert miss.reason == "no_technicians"
    assert miss.message == "No technician of this center is working that day."
