"""The engine's rules beyond the deadline table: which day is worked and why, measuring
business time, daylight saving, calendars without working time, holiday-data coverage."""

import datetime
import zoneinfo

import pytest

from aftersales.core.errors import DomainError
from aftersales.sla import engine
from aftersales.sla.models import BusinessCalendar, CalendarDay, WorkingPeriod
from aftersales.sla.services import ensure_policy_for_plan

from .conftest import at

H = datetime.timedelta(hours=1)
NY = zoneinfo.ZoneInfo("America/New_York")
D = datetime.date


@pytest.mark.parametrize(
    "day, worked",
    [
        (D(2025, 10, 1), False),  # 国庆 (a Wednesday)
        (D(2025, 10, 11), True),  # 调休 Saturday
        (D(2025, 9, 28), True),  # 调休 Sunday
        (D(2025, 10, 12), False),  # an ordinary Sunday
        (D(2025, 10, 13), True),  # an ordinary Monday
        (D(2099, 10, 1), True),  # no holiday data: an ordinary Thursday
        (D(2099, 10, 3), False),  # no holiday data: Saturday
    ],
)
def test_which_days_are_worked(working_days, day, worked):
    assert engine.is_working_day(working_days, day) is worked


def test_an_entered_day_comes_before_everything(working_days, around_the_clock):
    # given
    CalendarDay.objects.create(calendar=around_the_clock, date=D(2025, 6, 15), is_working=False)
    CalendarDay.objects.create(calendar=working_days, date=D(2025, 10, 1), is_working=True)
    # then
    assert not engine.is_working_day(around_the_clock, D(2025, 6, 15))
    assert engine.is_working_day(around_the_clock, D(2025, 6, 14))
    assert engine.is_working_day(working_days, D(2025, 10, 1))


def test_without_china_holidays_national_day_is_an_ordinary_weekday(working_days):
    working_days.use_china_holidays = False
    assert engine.is_working_day(working_days, D(2025, 10, 1))
    assert not engine.is_working_day(working_days, D(2025, 10, 11))


def test_a_day_off_in_a_24x7_calendar_is_skipped(around_the_clock):
    # given Sunday 15 June entered as a day off on the 24×7 calendar
    CalendarDay.objects.create(calendar=around_the_clock, date=D(2025, 6, 15), is_working=False)
    # then Saturday 22:00 + 8 h runs 2 h on Saturday and 6 h on Monday
    due = engine.add_business_time(around_the_clock, at("2025-06-14 22:00"), 8 * H)
    assert due == at("2025-06-16 06:00")
    assert (
        engine.business_time_between(
            around_the_clock, at("2025-06-14 22:00"), at("2025-06-16 06:00")
        )
        == 8 * H
    )


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2025-06-13 17:00", "2025-06-16 10:00", 2 * H),  # over a weekend
        ("2025-06-16 11:00", "2025-06-16 14:00", 2 * H),  # over lunch
        ("2025-06-16 20:00", "2025-06-16 21:00", 0 * H),  # at night
        ("2025-06-16 14:00", "2025-06-16 11:00", 0 * H),  # end before start
        ("2025-09-30 17:00", "2025-10-09 10:00", 2 * H),  # over 国庆
        ("2025-06-16 09:00", "2025-06-23 09:00", 40 * H),  # a week
    ],
)
def test_business_time_between(working_days, start, end, expected):
    assert engine.business_time_between(working_days, at(start), at(end)) == expected


def test_adding_then_measuring_gives_back_the_duration(working_days):
    start = at("2025-09-26 10:17")
    for hours in (1, 7, 30, 200):
        due = engine.add_business_time(working_days, start, hours * H)
        assert engine.business_time_between(working_days, start, due) == hours * H


@pytest.fixture
def new_york(db):
    calendar = BusinessCalendar.objects.create(
        name="New York office", code="nyc", time_zone="America/New_York"
    )
    for weekday in range(5):
        WorkingPeriod.objects.create(
            calendar=calendar, weekday=weekday, starts=datetime.time(9), ends=datetime.time(17)
        )
    return calendar


def test_business_hours_keep_their_wall_clock_over_daylight_saving(new_york):
    # given DST starts on Sunday 9 March 2025 in New York
    start = at("2025-03-07 16:00", NY)  # Friday, EST (UTC-5)
    # when
    due = engine.add_business_time(new_york, start, 2 * H)
    # then Monday 10:00 on the wall clock, which is EDT (UTC-4)
    assert due == at("2025-03-10 10:00", NY)
    assert due.utcoffset() == datetime.timedelta(hours=-4)
    assert engine.business_time_between(new_york, start, due) == 2 * H


def test_a_24x7_day_of_23_hours_counts_23_hours(db):
    calendar = BusinessCalendar.objects.create(
        name="NY 24x7", code="ny-24x7", time_zone="America/New_York", always_open=True
    )
    CalendarDay.objects.create(calendar=calendar, date=D(2025, 3, 10), is_working=False)
    start, end = at("2025-03-09 00:00", NY), at("2025-03-10 00:00", NY)
    assert engine.business_time_between(calendar, start, end) == 23 * H
    # the day off makes the walk count day by day: 23 h on the spring-forward day, none
    # on the day off, the 24th hour on the day after
    assert engine.add_business_time(calendar, start, 23 * H) == at("2025-03-10 00:00", NY)
    assert engine.add_business_time(calendar, start, 24 * H) == at("2025-03-11 01:00", NY)


def test_a_calendar_without_working_time_says_so_instead_of_looping(db):
    calendar = BusinessCalendar.objects.create(name="Never", code="never")
    with pytest.raises(DomainError, match="no working time"):
        engine.add_business_time(calendar, at("2025-06-13 17:00"), H)


def test_naive_datetimes_and_negative_durations_are_refused(working_days):
    with pytest.raises(ValueError):
        engine.add_business_time(working_days, datetime.datetime(2025, 6, 13, 17), H)
    with pytest.raises(ValueError):
        engine.add_business_time(working_days, at("2025-06-13 17:00"), -H)


def test_year_coverage_and_warnings(working_days, around_the_clock):
    assert engine.year_is_known(working_days, 2026)
    assert not engine.year_is_known(working_days, 2027)
    assert engine.year_is_known(around_the_clock, 2099)  # needs no holiday data
    assert engine.calendar_warnings(working_days, [2026]) == []
    [warning] = engine.calendar_warnings(working_days, [2026, 2027])
    assert warning == (
        "2027's public holidays are not in the holiday data: enter them below, or weekends "
        "alone count as days off."
    )
    CalendarDay.objects.create(calendar=working_days, date=D(2027, 10, 1))
    [warning] = engine.calendar_warnings(working_days, [2027])
    assert warning.endswith("1 day off has been entered for 2027 so far.")


def test_ensure_policy_for_plan_makes_it_once(gold_plan, silver_plan):
    # when
    gold = ensure_policy_for_plan(gold_plan)
    silver = ensure_policy_for_plan(silver_plan)
    # then gold runs 24×7, silver on working days; targets shortened to the plans' hours
    assert gold.calendar.code == "24x7" and silver.calendar.code == "china-working-days"
    assert dict(gold.targets.values_list("priority", "response_minutes")) == {
        "urgent": 60,
        "high": 60,
        "normal": 60,
        "low": 60,
    }
    assert dict(silver.targets.values_list("priority", "resolution_minutes")) == {
        "urgent": 480,
        "high": 960,
        "normal": 1440,
        "low": 2400,
    }
    assert (gold.onsite_hours_tier1, gold.onsite_hours_other) == (4, 8)
    # and a second call changes nothing
    assert ensure_policy_for_plan(gold_plan) == gold
