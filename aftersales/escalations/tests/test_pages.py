"""Escalation rule pages and API: the back office reads, managers change, others are refused."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.escalations.models import EscalationRule

READERS = {"admin": 200, "manager": 200, "agent": 200, "dispatcher": 200}
REFUSED = {"technician": 403, "partner": 403, "customer": 403}


@pytest.mark.parametrize(("role", "code"), [*READERS.items(), *REFUSED.items()])
def test_who_sees_the_rules(client, users, role, code):
    EscalationRule.objects.create(
        name="上门超时通知主管", clock="onsite", trigger="breach", notify_managers=True
    )
    client.force_login(users[role])
    response = client.get(reverse("escalations:rule_list"))
    assert response.status_code == code
    if code == 200:
        assert "上门超时通知主管" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "code"),
    [("admin", 200), ("manager", 200), ("agent", 403), ("dispatcher", 403), ("technician", 403)],
)
def test_who_may_open_the_rule_form(client, users, role, code):
    client.force_login(users[role])
    assert client.get(reverse("escalations:rule_create")).status_code == code


def test_a_manager_adds_a_rule(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("escalations:rule_create"),
        {"name": "上门超时通知主管", "clock": "onsite", "trigger": "breach", "after_minutes": "0",
         "notify_managers": "on", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    rule = EscalationRule.objects.get(name="上门超时通知主管")
    assert (rule.clock, rule.trigger, rule.notify_managers) == ("onsite", "breach", True)


def test_a_rule_that_does_nothing_is_explained_and_not_saved(client, manager):
    client.force_login(manager)
    before = EscalationRule.objects.count()
    response = client.post(
        reverse("escalations:rule_create"),
        {"name": "空规则", "clock": "resolution", "trigger": "warning", "after_minutes": "0"},
    )
    assert response.status_code == 200
    assert "Choose at least one thing to do" in response.content.decode()
    assert EscalationRule.objects.count() == before


def test_api_reads_for_back_office_and_writes_for_managers(agent, manager):
    api = APIClient()
    api.force_authenticate(agent)
    assert api.get("/api/v1/escalation-rules/").status_code == 200
    payload = {"name": "响应超时", "clock": "response", "trigger": "breach",
               "notify_team_lead": True}  # fmt: skip
    assert api.post("/api/v1/escalation-rules/", payload, format="json").status_code == 403
    api.force_authenticate(manager)
    created = api.post("/api/v1/escalation-rules/", payload, format="json")
    assert created.status_code == 201, created.content
    bad = api.post(
        "/api/v1/escalation-rules/", payload | {"notify_team_lead": False}, format="json"
    )
    assert bad.status_code == 400
    assert "Choose at least one thing to do" in bad.content.decode()


def test_a_new_installation_starts_with_rules_for_every_clock(db):
    import importlib

    from django.apps import apps

    # given an empty table (whatever earlier tests left), when the seeding migration runs
    EscalationRule.objects.all().delete()
    importlib.import_module("aftersales.escalations.migrations.0002_default_rules").seed(apps, None)

    # then every clock has its rules
    seeded = set(EscalationRule.objects.values_list("clock", "trigger"))
    assert seeded == {
        ("response", "warning"), ("response", "breach"), ("resolution", "warning"),
        ("resolution", "breach"), ("onsite", "warning"), ("onsite", "breach"),
        ("update", "breach"),
    }  # fmt: skip
