"""The SLA API: who reads and changes what, nested periods and targets, entered days."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.sla.models import BusinessCalendar, CalendarDay, CityTier, SlaPolicy

BASE = "/api/v1"
ENDPOINTS = ["sla-calendars", "city-tiers", "sla-policies"]


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


READS = {
    "admin": 200,
    "manager": 200,
    "agent": 200,
    "dispatcher": 200,
    "technician": 403,
    "partner": 403,
    "customer": 403,
}


@pytest.mark.parametrize("role", READS)
def test_who_reads(users, default_policy, role):
    client = api(users[role])
    for endpoint in ENDPOINTS:
        assert client.get(f"{BASE}/{endpoint}/").status_code == READS[role], endpoint


def test_anonymous_is_refused(default_policy):
    assert APIClient().get(f"{BASE}/sla-policies/").status_code in (401, 403)


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_change(users, working_days, default_policy, role):
    client = api(users[role])
    beijing = CityTier.objects.get(city="北京")
    calls = [
        client.post(f"{BASE}/city-tiers/", {"city": "宁波", "tier": "tier2"}, format="json"),
        client.delete(f"{BASE}/city-tiers/{beijing.pk}/"),
        client.patch(f"{BASE}/sla-policies/{default_policy.pk}/", {"name": "x"}, format="json"),
        client.patch(f"{BASE}/sla-calendars/{working_days.pk}/", {"name": "x"}, format="json"),
        client.post(
            f"{BASE}/sla-calendars/{working_days.pk}/days/", {"date": "2099-10-01"}, format="json"
        ),
    ]
    assert [call.status_code for call in calls] == [403] * len(calls)
    assert CityTier.objects.filter(city="北京").exists()
    assert not CityTier.objects.filter(city="宁波").exists()
    assert not CalendarDay.objects.exists()
    default_policy.refresh_from_db()
    assert default_policy.name != "x"


def test_policies_come_with_their_targets(agent, default_policy, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        data = api(agent).get(f"{BASE}/sla-policies/").json()
    rows = data["results"] if isinstance(data, dict) else data
    default = next(row for row in rows if row["id"] == default_policy.pk)
    assert default["plan"] is None and default["calendar_code"] == "china-working-days"
    assert {t["priority"]: t["response_minutes"] for t in default["targets"]} == {
        "urgent": 60,
        "high": 120,
        "normal": 240,
        "low": 480,
    }


def test_a_manager_creates_a_plan_policy(manager, gold_plan, around_the_clock):
    # when
    response = api(manager).post(
        f"{BASE}/sla-policies/",
        {
            "name": "金牌 SLA",
            "plan": gold_plan.pk,
            "calendar": around_the_clock.pk,
            "onsite_hours_tier1": 4,
            "onsite_hours_other": 8,
            "update_every_hours": 4,
            "targets": [{"priority": "urgent", "response_minutes": 30, "resolution_minutes": 240}],
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["plan_code"] == "gold" and body["calendar_code"] == "24x7"
    assert body["targets"] == [
        {"priority": "urgent", "response_minutes": 30, "resolution_minutes": 240}
    ]


def test_a_second_policy_for_a_plan_is_refused_with_a_reason(manager, gold_policy, working_days):
    response = api(manager).post(
        f"{BASE}/sla-policies/",
        {"name": "Another", "plan": gold_policy.plan_id, "calendar": working_days.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "already has a policy" in str(response.json())
    assert SlaPolicy.objects.filter(plan=gold_policy.plan).count() == 1


def test_bad_targets_are_refused_and_nothing_changes(manager, default_policy):
    before = list(default_policy.targets.values_list("priority", "response_minutes"))
    response = api(manager).patch(
        f"{BASE}/sla-policies/{default_policy.pk}/",
        {"targets": [{"priority": "urgent", "response_minutes": 60, "resolution_minutes": 30}]},
        format="json",
    )
    assert response.status_code == 400
    assert "needs targets for every priority" in str(response.json())
    assert list(default_policy.targets.values_list("priority", "response_minutes")) == before


def test_a_manager_sets_calendar_hours(manager, working_days):
    response = api(manager).patch(
        f"{BASE}/sla-calendars/{working_days.pk}/",
        {"periods": [{"weekday": 5, "starts": "09:00", "ends": "12:00"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["periods"] == [{"weekday": 5, "starts": "09:00", "ends": "12:00"}]


def test_overlapping_hours_are_refused(manager, working_days):
    response = api(manager).patch(
        f"{BASE}/sla-calendars/{working_days.pk}/",
        {
            "periods": [
                {"weekday": 0, "starts": "09:00", "ends": "12:00"},
                {"weekday": 0, "starts": "11:00", "ends": "13:00"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert "overlap" in str(response.json())
    assert working_days.periods.count() == 10


def test_days_of_a_year_and_entering_one(manager, working_days):
    client = api(manager)
    url = f"{BASE}/sla-calendars/{working_days.pk}/days/"
    # the holiday data of 2025
    days = client.get(url, {"year": 2025}).json()
    national = [d for d in days if d["date"] == "2025-10-01"][0]
    assert national == {
        "date": "2025-10-01",
        "is_working": False,
        "name": "国庆节",
        "source": "holiday_data",
        "overrides": False,
    }
    # a day entered for a year without data, then removed
    created = client.post(url, {"date": "2099-10-01", "name": "国庆节"}, format="json")
    assert created.status_code == 201
    assert [d["date"] for d in client.get(url, {"year": 2099}).json()] == ["2099-10-01"]
    assert client.delete(f"{url}2099-10-01/").status_code == 204
    assert client.delete(f"{url}2099-10-01/").status_code == 400
    assert client.get(url, {"year": "soon"}).status_code == 400


def test_calendar_warns_about_next_year(agent, working_days, time_machine):
    import datetime

    time_machine.move_to(datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC))
    body = api(agent).get(f"{BASE}/sla-calendars/{working_days.pk}/").json()
    assert len(body["warnings"]) == 1 and body["warnings"][0].startswith("2027")


def test_city_tiers_filter_sort_and_change(manager, county):
    client = api(manager)
    rows = client.get(f"{BASE}/city-tiers/", {"tier": "county"}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [row["city"] for row in rows] == ["长兴县"]
    created = client.post(f"{BASE}/city-tiers/", {"city": "宁波市", "tier": "tier2"}, format="json")
    assert created.status_code == 201 and created.json()["city"] == "宁波"
    twice = client.post(f"{BASE}/city-tiers/", {"city": "宁波", "tier": "tier1"}, format="json")
    assert twice.status_code == 400 and "already listed" in str(twice.json())
    assert client.delete(f"{BASE}/city-tiers/{created.json()['id']}/").status_code == 204
    assert not CityTier.objects.filter(city="宁波").exists()


def test_a_new_calendar_needs_hours(manager):
    response = api(manager).post(
        f"{BASE}/sla-calendars/",
        {"name": "Shop", "code": "shop", "time_zone": "Asia/Shanghai"},
        format="json",
    )
    assert response.status_code == 400
    assert not BusinessCalendar.objects.filter(code="shop").exists()
