"""`POST /api/v1/warranty/evaluate/`: the same decision the pages show, with clear refusals."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.testing.factories import FaultCodeFactory, UnitFactory

URL = "/api/v1/warranty/evaluate/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def unit(customer):
    return UnitFactory(
        customer=customer,
        serial_number="AC20260001",
        purchased_on=timezone.localdate() - datetime.timedelta(days=5),
    )


def test_an_agent_asks_about_a_serial_number(agent, unit):
    # when
    response = api(agent).post(URL, {"serial_number": "ac 2026 0001", "fault": "quality"})

    # then
    assert response.status_code == 200
    data = response.json()
    assert data["serial_number"] == "AC20260001"
    assert data["eligible_remedies"] == ["refund", "exchange", "repair"]
    assert data["repair_charge"] == "free"
    assert data["warranty_status"] == "in_warranty"
    assert data["reported_on"] == timezone.localdate().isoformat()
    assert data["policy"] == {
        "id": None,
        "name": "Statutory 三包 terms",
        "return_days": 7,
        "exchange_days": 15,
        "repair_months": 12,
        "failed_repairs_for_exchange": 2,
    }
    assert data["reasons"][0].startswith("Purchased 5 days ago")
    assert data["reason_codes"][0] == "within_return"


def test_the_api_and_the_unit_page_say_the_same(client, agent, unit):
    answer = api(agent).post(URL, {"serial_number": unit.serial_number, "fault": "wear"}).json()
    client.force_login(agent)
    page = client.get(
        reverse("assets:entitlement", args=[unit.pk]), {"fault": "wear"}
    ).content.decode()
    for reason in answer["reasons"]:
        assert reason in page


def test_chinese_reasons_for_a_chinese_client(agent, unit):
    response = api(agent).post(
        URL,
        {"serial_number": unit.serial_number, "fault": "consumable"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    data = response.json()
    assert data["warranty_status_label"] == "保修期内"
    assert data["reason_codes"][0] == "excluded_consumable"
    assert "易耗件" in data["reasons"][0]
    # every reason is worded in Chinese: none fell back to the English msgid
    for reason in data["reasons"]:
        assert not re.search("[A-Za-z]", reason), reason


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"serial_number": "NOPE-1", "fault": "quality"}, 404, None),
        ({"serial_number": "AC20260001", "fault": "broken"}, 400, "fault"),
        ({"serial_number": "AC20260001", "reported_on": "2026-13-01"}, 400, "reported_on"),
        ({"serial_number": "AC20260001", "reported_on": "2099-01-01"}, 400, "reported_on"),
        ({"serial_number": "AC20260001", "reported_on": "2000-01-01"}, 400, "reported_on"),
        ({"serial_number": "AC20260001", "fault_code": "E99"}, 400, "fault_code"),
        ({}, 400, "serial_number"),
    ],
)
def test_bad_questions_get_clear_answers(agent, unit, body, status, field):
    response = api(agent).post(URL, body, format="json")
    assert response.status_code == status
    data = response.json()
    assert data["detail"]
    if field:
        assert field in data["errors"]


def test_a_fault_code_brings_its_component_term(agent, unit):
    code = FaultCodeFactory(category=unit.product.category, code="E1", component="压缩机")
    response = api(agent).post(URL, {"serial_number": unit.serial_number, "fault_code": code.code})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("agent", 200), ("manager", 200), ("customer", 200), ("technician", 404), ("partner", 404)],
)
def test_who_may_ask_about_a_unit(users, unit, role, status):
    # the customer asks about their own unit; field staff only about units of their work
    response = api(users[role]).post(URL, {"serial_number": unit.serial_number})
    assert response.status_code == status


def test_a_customer_cannot_ask_about_someone_elses_unit(customer_user):
    other = UnitFactory(serial_number="OTHER-1")
    response = api(customer_user).post(URL, {"serial_number": other.serial_number})
    assert response.status_code == 404
