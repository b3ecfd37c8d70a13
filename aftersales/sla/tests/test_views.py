"""The SLA pages: who may open which, the forms and their validation, bounded queries."""

import datetime

import pytest
from django.urls import reverse

from aftersales.sla.models import (
    BusinessCalendar,
    CalendarDay,
    CityTier,
    SlaPolicy,
    SlaTarget,
    WorkingPeriod,
)


def read_pages(calendar, tier, policy):
    return [
        reverse("sla:home"),
        reverse("sla:calendar_list"),
        reverse("sla:calendar_detail", args=[calendar.code]),
        reverse("sla:city_list"),
        reverse("sla:policy_list"),
    ]


def manager_pages(calendar, tier, policy):
    return [
        reverse("sla:calendar_create"),
        reverse("sla:calendar_edit", args=[calendar.code]),
        reverse("sla:city_create"),
        reverse("sla:city_edit", args=[tier.pk]),
        reverse("sla:policy_create"),
        reverse("sla:policy_edit", args=[policy.pk]),
    ]


ROLES = {
    # role: (read pages, manager pages)
    "admin": (200, 200),
    "manager": (200, 200),
    "agent": (200, 403),
    "dispatcher": (200, 403),
    "technician": (403, 403),
    "partner": (403, 403),
    "customer": (403, 403),
}


@pytest.fixture
def world(working_days, default_policy):
    return working_days, CityTier.objects.get(city="北京"), default_policy


@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(client, users, world, role):
    client.force_login(users[role])
    reads, changes = ROLES[role]
    for url in read_pages(*world):
        assert client.get(url).status_code == reads, url
    for url in manager_pages(*world):
        assert client.get(url).status_code == changes, url


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(reverse("sla:calendar_list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_post_changes(client, users, world, role):
    # given
    calendar, tier, policy = world
    CalendarDay.objects.create(calendar=calendar, date=datetime.date(2099, 10, 1))
    client.force_login(users[role])
    posts = [
        reverse("sla:calendar_edit", args=[calendar.code]),
        reverse("sla:day_add", args=[calendar.code]),
        reverse("sla:day_remove", args=[calendar.code, "2099-10-01"]),
        reverse("sla:city_create"),
        reverse("sla:city_delete", args=[tier.pk]),
        reverse("sla:policy_edit", args=[policy.pk]),
    ]
    # then every change is refused, and nothing changed
    for url in posts:
        assert (
            client.post(url, {"date": "2099-10-02", "city": "x", "tier": "tier1"}).status_code
            == 403
        ), url
    assert CityTier.objects.filter(city="北京").exists()
    assert CalendarDay.objects.filter(date=datetime.date(2099, 10, 1)).exists()
    assert not CalendarDay.objects.filter(date=datetime.date(2099, 10, 2)).exists()


# --- Calendars ----------------------------------------------------------------------------


def test_calendar_page_marks_holiday_data_and_entered_days(client, manager, working_days):
    # given 国庆 2025 from the holiday data, one of its days overridden by hand
    CalendarDay.objects.create(
        calendar=working_days, date=datetime.date(2025, 10, 8), is_working=True, name="加班"
    )
    client.force_login(manager)
    # when
    page = client.get(reverse("sla:calendar_detail", args=[working_days.code]) + "?year=2025")
    html = page.content.decode()
    # then
    assert page.status_code == 200
    assert 'data-day="2025-10-01"' in html and "国庆节" in html
    assert 'data-day="2025-10-11"' in html  # the 调休 Saturday
    assert "holiday data" in html and "overrides the holiday data" in html
    assert "09:00–12:00" in html and "13:00–18:00" in html


def test_calendar_page_warns_about_years_without_holiday_data(
    client, agent, working_days, time_machine
):
    # given today in 2026: 2027 is not in the holiday data
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC))
    client.force_login(agent)
    html = client.get(reverse("sla:calendar_detail", args=[working_days.code])).content.decode()
    # then
    assert "2027&#x27;s public holidays are not in the holiday data" in html
    assert "2026&#x27;s public holidays" not in html


def test_a_manager_enters_and_removes_a_day(client, manager, working_days):
    client.force_login(manager)
    url = reverse("sla:day_add", args=[working_days.code])
    # when
    response = client.post(url, {"date": "2099-10-01", "kind": "off", "name": "国庆节"})
    # then
    assert response.status_code == 302
    day = CalendarDay.objects.get(calendar=working_days, date=datetime.date(2099, 10, 1))
    assert (day.is_working, day.name) == (False, "国庆节")
    # when it is removed
    remove = reverse("sla:day_remove", args=[working_days.code, "2099-10-01"])
    assert client.post(remove).status_code == 302
    assert not CalendarDay.objects.filter(calendar=working_days).exists()


def test_a_bad_day_is_refused_and_nothing_is_saved(client, manager, working_days):
    client.force_login(manager)
    url = reverse("sla:day_add", args=[working_days.code])
    response = client.post(url, {"date": "not a date", "kind": "off"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert not CalendarDay.objects.exists()


def _calendar_post(periods, **fields):
    data = {
        "name": "Shop hours",
        "code": "shop",
        "time_zone": "Asia/Shanghai",
        "periods-TOTAL_FORMS": str(len(periods)),
        "periods-INITIAL_FORMS": "0",
        "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "1000",
    }
    for i, (weekday, starts, ends) in enumerate(periods):
        data |= {
            f"periods-{i}-weekday": weekday,
            f"periods-{i}-starts": starts,
            f"periods-{i}-ends": ends,
        }
    return data | fields


def test_a_manager_creates_a_calendar_with_split_hours(client, manager):
    client.force_login(manager)
    data = _calendar_post([(5, "09:00", "12:00"), (5, "13:00", "17:00"), (6, "10:00", "00:00")])
    response = client.post(reverse("sla:calendar_create"), data)
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(code="shop")
    assert [str(p) for p in calendar.periods.all()] == [
        "Saturday 09:00–12:00",
        "Saturday 13:00–17:00",
        "Sunday 10:00–00:00",
    ]


@pytest.mark.parametrize(
    "periods, fields, message",
    [
        (
            [(0, "09:00", "12:00"), (0, "11:00", "14:00")],
            {},
            "Monday: 09:00–12:00 and 11:00–14:00 overlap.",
        ),
        ([(2, "18:00", "09:00")], {}, "Wednesday: 18:00–09:00 ends before it starts."),
        ([], {}, "Give the calendar working hours on at least one weekday"),
        ([(0, "09:00", "12:00")], {"time_zone": "Mars/Olympus"}, "Mars/Olympus is not a time zone"),
        (
            [(0, "09:00", "12:00")],
            {"code": "china-working-days"},
            "Another calendar already has the code",
        ),
        ([(0, "09:00", "12:00")], {"code": "new"}, "choose another code"),
    ],
)
def test_calendar_form_refuses_bad_hours_and_saves_nothing(
    client, manager, periods, fields, message
):
    client.force_login(manager)
    before = (BusinessCalendar.objects.count(), WorkingPeriod.objects.count())
    response = client.post(reverse("sla:calendar_create"), _calendar_post(periods, **fields))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert (BusinessCalendar.objects.count(), WorkingPeriod.objects.count()) == before


def test_validation_errors_come_in_chinese(client, manager):
    client.force_login(manager)
    data = _calendar_post([(0, "09:00", "12:00")], time_zone="Mars/Olympus")
    response = client.post(reverse("sla:calendar_create"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert 'lang="zh-hans"' in response.content.decode()


# --- City tiers ---------------------------------------------------------------------------


def test_city_list_filters_and_sorts(client, agent, county):
    client.force_login(agent)
    # filtered by tier
    html = client.get(reverse("sla:city_list"), {"tier": "tier1"}).content.decode()
    assert 'data-city="北京"' in html and 'data-city="上海"' in html
    assert 'data-city="长兴县"' not in html and 'data-city="杭州"' not in html
    html = client.get(reverse("sla:city_list"), {"tier": "county"}).content.decode()
    assert 'data-city="长兴县"' in html and 'data-city="北京"' not in html
    # sorted by tier, both ways (county < tier1 < tier2 by value)
    html = client.get(reverse("sla:city_list"), {"sort": "tier"}).content.decode()
    assert (
        html.index('data-city="长兴县"')
        < html.index('data-city="北京"')
        < html.index('data-city="杭州"')
    )
    html = client.get(reverse("sla:city_list"), {"sort": "-tier"}).content.decode()
    assert (
        html.index('data-city="杭州"')
        < html.index('data-city="北京"')
        < html.index('data-city="长兴县"')
    )


def test_a_manager_adds_edits_and_removes_a_city(client, manager):
    client.force_login(manager)
    assert (
        client.post(reverse("sla:city_create"), {"city": "宁波市", "tier": "tier2"}).status_code
        == 302
    )
    tier = CityTier.objects.get(city="宁波")  # the trailing 市 is dropped
    response = client.post(
        reverse("sla:city_edit", args=[tier.pk]), {"city": "宁波", "tier": "tier1"}
    )
    assert response.status_code == 302
    tier.refresh_from_db()
    assert tier.tier == "tier1"
    assert client.post(reverse("sla:city_delete", args=[tier.pk])).status_code == 302
    assert not CityTier.objects.filter(city="宁波").exists()


def test_a_city_listed_twice_is_refused(client, manager):
    client.force_login(manager)
    before = CityTier.objects.count()
    response = client.post(reverse("sla:city_create"), {"city": "北京市", "tier": "tier2"})
    assert response.status_code == 400
    assert "北京 is already listed" in response.content.decode()
    assert CityTier.objects.count() == before
    assert CityTier.objects.get(city="北京").tier == "tier1"


# --- Policies -----------------------------------------------------------------------------


def _policy_post(plan="", calendar=None, targets=None, **fields):
    targets = targets if targets is not None else {
        "urgent": ("1", "8"), "high": ("2", "16"), "normal": ("4", "24"), "low": ("8", "40"),
    }  # fmt: skip
    data = {
        "name": "Gold SLA",
        "plan": plan,
        "calendar": calendar,
        "pause_on_waiting_customer": "on",
        "warn_at_percent": "80",
        "update_every_hours": "",
        "onsite_hours_tier1": "4",
        "onsite_hours_other": "8",
        "active": "on",
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "4",
        "targets-MAX_NUM_FORMS": "4",
    }
    for i, (priority, (response, resolution)) in enumerate(targets.items()):
        data |= {
            f"targets-{i}-priority": priority,
            f"targets-{i}-response_hours": response,
            f"targets-{i}-resolution_hours": resolution,
        }
    return data | fields


def test_a_manager_creates_a_plan_policy_with_its_targets(
    client, manager, gold_plan, around_the_clock
):
    client.force_login(manager)
    data = _policy_post(
        plan=gold_plan.pk,
        calendar=around_the_clock.pk,
        targets={"urgent": ("0.5", "4"), "high": ("1", "8"), "normal": ("", ""), "low": ("", "")},
    )
    response = client.post(reverse("sla:policy_create"), data)
    assert response.status_code == 302
    policy = SlaPolicy.objects.get(plan=gold_plan)
    assert dict(policy.targets.values_list("priority", "response_minutes")) == {
        "urgent": 30,
        "high": 60,
    }


def test_the_policy_form_shows_targets_in_hours(client, manager, default_policy):
    client.force_login(manager)
    html = client.get(reverse("sla:policy_edit", args=[default_policy.pk])).content.decode()
    assert 'data-priority="urgent"' in html
    assert 'value="8"' in html and 'value="40"' in html


REST = {"high": ("2", "16"), "normal": ("4", "24"), "low": ("8", "40")}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"targets": {"urgent": ("8", "1"), **REST}},
         "Urgent: resolution (1 h) cannot come before the first response (8 h)."),
        ({"targets": {"urgent": ("1", ""), **REST}},
         "Enter both targets, or neither"),
        ({"onsite_hours_tier1": "48", "onsite_hours_other": "24"}, "cannot be promised sooner"),
        ({"warn_at_percent": "150"}, "less than or equal to 100"),
        ({"name": ""}, "This field is required."),
    ],
)  # fmt: skip
def test_policy_form_refuses_bad_input_and_saves_nothing(
    client, manager, gold_plan, around_the_clock, change, message
):
    client.force_login(manager)
    data = _policy_post(plan=gold_plan.pk, calendar=around_the_clock.pk, **change)
    response = client.post(reverse("sla:policy_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SlaPolicy.objects.filter(plan=gold_plan).exists()


def test_a_second_default_policy_is_refused(client, manager, working_days, default_policy):
    client.force_login(manager)
    before = SlaTarget.objects.count()
    response = client.post(reverse("sla:policy_create"), _policy_post(calendar=working_days.pk))
    assert response.status_code == 400
    assert "is already the default policy" in response.content.decode()
    assert SlaPolicy.objects.count() == 1 and SlaTarget.objects.count() == before


def test_the_default_policy_keeps_all_four_targets(client, manager, working_days, default_policy):
    client.force_login(manager)
    data = _policy_post(
        calendar=working_days.pk,
        name=default_policy.name,
        targets={"urgent": ("1", "8"), "high": ("", ""), "normal": ("4", "24"), "low": ("8", "40")},
    )
    response = client.post(reverse("sla:policy_edit", args=[default_policy.pk]), data)
    assert response.status_code == 400
    assert "needs targets for every priority" in response.content.decode()
    assert default_policy.targets.count() == 4


@pytest.mark.parametrize("url", ["sla:calendar_list", "sla:policy_list", "sla:city_list"])
def test_lists_use_a_bounded_number_of_queries(
    client, manager, working_days, gold_policy, django_assert_max_num_queries, url
):
    for i in range(10):
        calendar = BusinessCalendar.objects.create(name=f"c{i}", code=f"c{i}", always_open=True)
        CalendarDay.objects.create(calendar=calendar, date=datetime.date(2026, 1, 1))
        CityTier.objects.create(city=f"城{i}", tier="tier3")
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        assert client.get(reverse(url)).status_code == 200
