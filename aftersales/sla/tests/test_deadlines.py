"""The deadline table: exact expected datetimes in Asia/Shanghai for the cases a service
manager checks (weekends, 国庆 with its 调休 days, pauses over holidays, years without
holiday data, 24×7 gold, tier-1 versus county on-site promises, edges)."""

import datetime

import pytest

from aftersales.sla import config, engine
from aftersales.sla.models import CalendarDay, SlaPolicy, SlaTarget
from aftersales.sla.services import deadlines_for, extend_for_pause, policy_for, tier_of

from .conftest import at

H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)


# given the seeded China working-days calendar (Mon–Fri 09–12, 13–18, China's holidays)
WORKING_DAYS = [
    # (case, start, business time, expected)
    ("across a weekend, lunch break skipped", "2025-06-13 17:00", 5 * H, "2025-06-16 14:00"),
    ("Friday 17:00 + 4 h ends at Monday noon", "2025-06-13 17:00", 4 * H, "2025-06-16 12:00"),
    ("over the lunch break", "2025-06-16 11:30", 1 * H, "2025-06-16 13:30"),
    ("start before opening", "2025-06-16 07:00", 1 * H, "2025-06-16 10:00"),
    ("start in the lunch break", "2025-06-16 12:30", 1 * H, "2025-06-16 14:00"),
    ("start at exactly closing time", "2025-06-13 18:00", 1 * H, "2025-06-16 10:00"),
    ("start at night", "2025-06-16 23:59", 30 * M, "2025-06-17 09:30"),
    ("start on a Sunday", "2025-06-15 10:00", 2 * H, "2025-06-16 11:00"),
    ("ends exactly at closing", "2025-06-13 17:00", 1 * H, "2025-06-13 18:00"),
    ("zero duration is the start itself", "2025-06-14 03:00", 0 * H, "2025-06-14 03:00"),
    # 国庆 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked (调休)
    ("国庆 2025: into the holiday", "2025-09-30 17:00", 2 * H, "2025-10-09 10:00"),
    ("国庆 2025: the 调休 Saturday works", "2025-10-10 17:00", 2 * H, "2025-10-11 10:00"),
    ("国庆 2025: the 调休 Sunday works", "2025-09-27 10:00", 1 * H, "2025-09-28 10:00"),
    # 国庆 2026: 1–7 October off; Sunday 20 September and Saturday 10 October worked
    ("国庆 2026: over the holiday", "2026-09-30 17:00", 2 * H, "2026-10-08 10:00"),
    ("国庆 2026: the 调休 Saturday works", "2026-10-09 17:00", 2 * H, "2026-10-10 10:00"),
    # a year without holiday data: weekends only, no crash
    ("2099: weekends off, weekdays worked", "2099-10-02 17:00", 2 * H, "2099-10-05 10:00"),
    ("2099: 1 October is an ordinary Thursday", "2099-09-30 17:00", 2 * H, "2099-10-01 10:00"),
    # long durations: 100 working days of 8 h from Monday 2 June 2025 (端午 was 31 May –
    # 2 June, so counting starts on Tuesday 3 June; 国庆 and its 调休 days are inside)
    ("months", "2025-06-02 09:00", 800 * H, "2025-10-24 18:00"),
]


@pytest.mark.parametrize(
    "start, duration, expected",
    [case[1:] for case in WORKING_DAYS],
    ids=[case[0] for case in WORKING_DAYS],
)
def test_business_deadline_on_working_days(working_days, start, duration, expected):
    # when
    due = engine.add_business_time(working_days, at(start), duration)
    # then
    assert due == at(expected)
    assert due.tzinfo is not None


def _reference_walk(calendar, start, hours):
    """Hour by hour, with the public API only: slow and obvious."""
    moment = start
    left = hours
    while True:
        local = moment.astimezone(at("2025-01-01 00:00").tzinfo)
        hour = local.hour
        worked = engine.is_working_day(calendar, local.date()) and (
            9 <= hour < 12 or 13 <= hour < 18
        )
        moment += H
        if worked:
            left -= 1
            if left == 0:
                return moment


def test_months_long_duration_matches_an_hour_by_hour_count(working_days):
    # given a start on the hour and 800 business hours (100 working days)
    start = at("2025-06-02 09:00")
    # then the fast walk agrees with counting each hour
    assert engine.add_business_time(working_days, start, 800 * H) == _reference_walk(
        working_days, start, 800
    )


def test_a_long_duration_reads_the_calendar_days_once(working_days, django_assert_num_queries):
    # given a calendar read fresh from the database (no cached rules)
    for day in ("2025-07-01", "2025-08-01", "2025-12-01"):
        CalendarDay.objects.create(calendar=working_days, date=day, is_working=False)
    # when two years of business time are added, then: working hours once, days once
    with django_assert_num_queries(2):
        engine.add_business_time(working_days, at("2025-01-02 09:00"), 4000 * H)


def test_an_entered_working_day_overrides_the_holiday_data(working_days):
    # given 8 October 2025 (国庆) entered as a working day
    CalendarDay.objects.create(
        calendar=working_days, date=datetime.date(2025, 10, 8), is_working=True, name="加班"
    )
    # then the holiday's last day counts
    assert engine.is_working_day(working_days, datetime.date(2025, 10, 8))
    due = engine.add_business_time(working_days, at("2025-09-30 17:00"), 2 * H)
    assert due == at("2025-10-08 10:00")


def test_an_entered_day_off_overrides_a_working_day(working_days):
    # given Monday 16 June 2025 entered as a day off
    CalendarDay.objects.create(
        calendar=working_days, date=datetime.date(2025, 6, 16), is_working=False, name="公司活动"
    )
    # then Friday 17:00 + 2 h runs to Tuesday
    due = engine.add_business_time(working_days, at("2025-06-13 17:00"), 2 * H)
    assert due == at("2025-06-17 10:00")


def test_a_year_without_holiday_data_uses_the_managers_days(working_days):
    # given 国庆 2099 entered by a manager (the holiday data ends in 2026)
    for day in range(1, 8):
        CalendarDay.objects.create(
            calendar=working_days, date=datetime.date(2099, 10, day), name="国庆节"
        )
    # then the entered days are off, and nothing raises
    assert not engine.year_is_known(working_days, 2099)
    due = engine.add_business_time(working_days, at("2099-09-30 17:00"), 2 * H)
    assert due == at("2099-10-08 10:00")


def test_a_pause_over_a_holiday_moves_the_deadline_by_business_time_only(default_policy):
    # given a resolution deadline, and a pause from the evening before 国庆 2025 to the
    # morning after it: 1 h on 30 September, 1 h on 9 October, and eight days off between
    due = at("2025-10-10 12:00")
    # when
    moved, minutes = extend_for_pause(
        default_policy, due, at("2025-09-30 17:00"), at("2025-10-09 10:00")
    )
    # then the deadline moves by the 2 business hours only (over the lunch break)
    assert minutes == 120
    assert moved == at("2025-10-10 15:00")


def test_a_pause_outside_working_hours_moves_nothing(default_policy):
    due = at("2025-06-16 15:00")
    moved, minutes = extend_for_pause(
        default_policy, due, at("2025-06-14 09:00"), at("2025-06-15 20:00")
    )
    assert (moved, minutes) == (due, 0)


def test_a_pause_of_a_request_without_a_deadline_counts_its_time_and_keeps_no_deadline(
    default_policy,
):
    # given a request that never had a resolution deadline (created before SLAs existed),
    # paused for two working hours on a Monday morning
    moved, minutes = extend_for_pause(
        default_policy, None, at("2025-06-16 09:00"), at("2025-06-16 11:00")
    )
    # then the pause is counted and no deadline appears out of nothing
    assert (moved, minutes) == (None, 120)


# --- deadlines_for ------------------------------------------------------------------------


def test_the_default_policy_counts_business_time(default_policy):
    # given a normal request on Friday afternoon, with no plan (targets 4 h / 24 h)
    found = deadlines_for(
        received_at=at("2025-06-13 17:00"),
        priority="normal",
        plan_code=None,
        city="杭州",
        needs_visit=False,
    )
    # then
    assert found.policy == default_policy
    assert found.response_due_at == at("2025-06-16 12:00")
    # 24 business hours = 3 working days: 1 h Fri, Mon, Tue, 7 h Wed
    assert found.resolution_due_at == at("2025-06-18 17:00")
    assert (found.response_minutes, found.resolution_minutes) == (240, 1440)
    assert found.onsite_due_at is None and found.onsite_hours is None
    assert found.tier == "tier2"


def test_a_gold_plan_runs_around_the_clock(gold_policy):
    # given gold's policy on the 24×7 calendar (response 1 h; urgent resolution 8 h)
    assert gold_policy.calendar.always_open
    # when an urgent request arrives on Saturday night
    found = deadlines_for(
        received_at=at("2025-06-14 22:00"),
        priority="urgent",
        plan_code="gold",
        city="上海",
        needs_visit=True,
    )
    # then night and Sunday count: plain clock arithmetic
    assert found.policy == gold_policy
    assert found.response_due_at == at("2025-06-14 23:00")
    assert found.resolution_due_at == at("2025-06-15 06:00")
    # and gold promises arrival within its plan's 4 h in tier-1 cities
    assert found.onsite_due_at == at("2025-06-15 02:00")


@pytest.mark.parametrize(
    "city, tier, hours, onsite",
    [
        ("北京", "tier1", 24, "2025-06-14 17:00"),
        ("北京市", "tier1", 24, "2025-06-14 17:00"),
        (" 广州市 ", "tier1", 24, "2025-06-14 17:00"),
        ("长兴县", "county", 48, "2025-06-15 17:00"),
        ("杭州", "tier2", 48, "2025-06-15 17:00"),
        ("", "other", 48, "2025-06-15 17:00"),
        ("Springfield", "other", 48, "2025-06-15 17:00"),
    ],
)
def test_onsite_arrival_is_clock_time_by_city_tier(county, city, tier, hours, onsite):
    # given a request needing a visit on Friday 17:00 under the default policy (24 h / 48 h)
    found = deadlines_for(
        received_at=at("2025-06-13 17:00"),
        priority="high",
        plan_code=None,
        city=city,
        needs_visit=True,
    )
    # then the on-site clock ignores nights and weekends
    assert (found.tier, found.onsite_hours) == (tier, hours)
    assert found.onsite_due_at == at(onsite)
    assert tier_of(city) == tier


def test_a_plan_without_a_policy_gets_the_default(default_policy, silver_plan):
    assert policy_for("silver") == default_policy
    assert policy_for("no-such-plan") == default_policy
    assert policy_for(None) == default_policy


def test_a_missing_priority_falls_back_to_the_default_policys_target(gold_policy):
    # given gold without a low-priority target
    SlaTarget.objects.filter(policy=gold_policy, priority="low").delete()
    # when
    found = deadlines_for(
        received_at=at("2025-06-14 22:00"),
        priority="low",
        plan_code="gold",
        city="",
        needs_visit=False,
    )
    # then the default's low target (8 h / 40 h), on gold's 24×7 calendar
    assert (found.response_minutes, found.resolution_minutes) == (480, 2400)
    assert found.response_due_at == at("2025-06-15 06:00")


def test_no_default_policy_uses_built_in_targets_and_logs(default_policy, caplog):
    # given no active default policy (switched off behind the services' back)
    SlaPolicy.objects.filter(pk=default_policy.pk).update(active=False)
    config.bump()
    # when
    found = deadlines_for(
        received_at=at("2025-06-13 17:00"),
        priority="urgent",
        plan_code=None,
        city="北京",
        needs_visit=True,
    )
    # then built-in working days and targets (1 h / 8 h), and a warning in the log
    assert found.policy.pk is None
    assert found.response_due_at == at("2025-06-13 18:00")
    assert found.resolution_due_at == at("2025-06-16 17:00")
    assert found.onsite_due_at == at("2025-06-14 17:00")
    assert "built-in" in caplog.text
    assert found.as_json()["policy"] == {"id": None, "name": "Built-in default"}


def test_as_json_is_plain_json(gold_policy):
    import json

    found = deadlines_for(
        received_at=at("2025-06-14 22:00"),
        priority="high",
        plan_code="gold",
        city="北京",
        needs_visit=True,
    )
    data = json.loads(json.dumps(found.as_json()))
    assert data["policy"] == {"id": gold_policy.pk, "name": gold_policy.name}
    assert data["response_due_at"] == "2025-06-14T23:00:00+08:00"
    assert data["tier"] == "tier1"
    assert data["onsite_hours"] == 4
    assert data["targets"]["response"] == "1 h business time"
    assert data["targets"]["onsite"] == "4 h"


def test_an_unknown_priority_is_refused(default_policy):
    from aftersales.core.errors import DomainError

    with pytest.raises(DomainError):
        deadlines_for(
            received_at=at("2025-06-13 17:00"),
            priority="whenever",
            plan_code=None,
            city="",
            needs_visit=False,
        )


def test_deadlines_for_reads_one_query_when_warm(gold_policy, django_assert_max_num_queries):
    # given the configuration read once (cold: at most six queries)
    kwargs = {
        "received_at": at("2025-06-13 17:00"),
        "priority": "high",
        "plan_code": "gold",
        "city": "北京",
        "needs_visit": True,
    }
    with django_assert_max_num_queries(6):
        deadlines_for(**kwargs)
    # then each later call reads only the configuration's version
    with django_assert_max_num_queries(1):
        found = deadlines_for(**kwargs)
        # and the policy's calendar comes with its rules: moving a deadline reads nothing
        engine.add_business_time(found.policy.calendar, found.resolution_due_at, H)
    with django_assert_max_num_queries(1):
        assert policy_for("gold").calendar.always_open


def test_a_saved_change_is_seen_by_the_next_call(default_policy):
    # given a warm cache
    kwargs = {
        "received_at": at("2025-06-16 09:00"),
        "priority": "normal",
        "plan_code": None,
        "city": "",
        "needs_visit": False,
    }
    assert deadlines_for(**kwargs).response_minutes == 240
    # when the target changes
    target = default_policy.targets.get(priority="normal")
    target.response_minutes = 60
    target.save()
    # then
    assert deadlines_for(**kwargs).response_due_at == at("2025-06-16 10:00")
