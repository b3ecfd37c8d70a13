"""/monitoring/, the unit page's panel and /api/v1/iot/: who may do what, and what they see."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from aftersales.iot import services
from aftersales.iot.models import MonitorRule, RuleKind, Telemetry
from aftersales.service.choices import Channel
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import MonitorRuleFactory, ProductFactory, UnitFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)
READERS = ["admin_user", "manager", "agent", "dispatcher"]
REFUSED = ["technician", "partner", "customer_user"]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def unit():
    unit = UnitFactory(serial_number="HX-CHART-1")
    for minute in range(0, 120, 10):
        at = NOW - datetime.timedelta(minutes=120 - minute)
        services.ingest(
            unit.serial_number,
            {"at": at.isoformat(), "metrics": {"temperature": 60 + minute / 10, "run_hours": 100}},
        )
    return unit


def login(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", READERS)
def test_the_back_office_reads_the_monitoring_page(client, request, role, unit):
    rule = MonitorRuleFactory(product=unit.product, name="Too hot", minutes=0, threshold=65)
    services.ingest(unit.serial_number, {"metrics": {"temperature": 70}})
    login(client, request, role)
    page = client.get(reverse("iot:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Too hot" in html and unit.serial_number in html
    request_number = ServiceRequest.objects.get(unit=unit).number
    assert request_number in html
    can_edit = reverse("iot:rule_edit", args=[rule.pk]) in html
    assert can_edit == (role in ("admin_user", "manager"))


@pytest.mark.parametrize("role", REFUSED)
def test_others_may_not_read_it(client, request, role):
    login(client, request, role)
    assert client.get(reverse("iot:home")).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(reverse("iot:home")).status_code == 302


def test_the_page_reads_in_few_queries(client, manager, unit, django_assert_max_num_queries):
    MonitorRuleFactory(product=unit.product)
    for other in UnitFactory.create_batch(5):
        services.ingest(other.serial_number, {"metrics": {"temperature": 20}})
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("iot:home")).status_code == 200


def test_a_manager_creates_a_rule(client, manager):
    product = ProductFactory()
    client.force_login(manager)
    answer = client.post(
        reverse("iot:rule_create"),
        {
            "product": product.pk,
            "name": "Pressure low",
            "kind": "under",
            "metric": "pressure",
            "threshold": "1.5",
            "minutes": "5",
            "priority": "high",
            "action": "request",
            "active": "on",
        },
    )
    assert answer.status_code == 302
    rule = MonitorRule.objects.get()
    assert (rule.kind, rule.metric, rule.threshold, rule.minutes) == ("under", "pressure", 1.5, 5)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "over", "metric": "", "threshold": "80"}, "metric", "Name the metric"),
        ({"kind": "over", "metric": "t", "threshold": ""}, "threshold", "threshold as a number"),
        ({"kind": "code", "code": ""}, "code", "Name the error code"),
        ({"kind": "silence", "minutes": "0"}, "minutes", "how many minutes"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_with_the_reason(client, manager, data, field, message):
    client.force_login(manager)
    body = {
        "product": ProductFactory().pk,
        "name": "x",
        "priority": "normal",
        "action": "request",
        "minutes": "0",
        **data,
    }
    page = client.post(reverse("iot:rule_create"), body)
    assert page.status_code == 200
    assert message in " ".join(page.context["form"].errors[field])
    assert not MonitorRule.objects.exists()


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician"])
def test_only_managers_change_rules(client, request, role):
    rule = MonitorRuleFactory()
    login(client, request, role)
    assert client.get(reverse("iot:rule_create")).status_code == 403
    assert client.post(reverse("iot:rule_deactivate", args=[rule.pk])).status_code == 403
    rule.refresh_from_db()
    assert rule.active


def test_a_manager_switches_a_rule_off(client, manager):
    rule = MonitorRuleFactory()
    client.force_login(manager)
    assert client.post(reverse("iot:rule_deactivate", args=[rule.pk])).status_code == 302
    rule.refresh_from_db()
    assert not rule.active


# --- The unit page ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_the_unit_page_shows_readings_and_the_chart(client, request, role, unit):
    MonitorRuleFactory(product=unit.product, threshold=75, minutes=30)
    login(client, request, role)
    page = client.get(reverse("assets:detail", args=[unit.pk]), {"metric": "temperature"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="iot-panel"' in html and 'id="iot-chart"' in html
    assert "<polyline" in html and 'class="iot-threshold"' in html
    assert "71.0" in html  # the latest temperature


def test_the_chart_picks_metric_and_period(client, agent, unit):
    client.force_login(agent)
    url = reverse("assets:detail", args=[unit.pk])
    html = client.get(url, {"metric": "run_hours", "period": "7d"}).content.decode()
    assert '<option value="run_hours" selected>' in html
    assert '<option value="7d" selected>' in html
    html = client.get(url, {"metric": "nonsense", "period": "1y"}).content.decode()
    assert '<option value="24h" selected>' in html  # unknown values fall back


def test_a_unit_that_never_reported_has_no_panel(client, agent):
    client.force_login(agent)
    silent = UnitFactory()
    html = client.get(reverse("assets:detail", args=[silent.pk])).content.decode()
    assert 'id="iot-panel"' not in html


def test_a_month_of_readings_is_thinned_for_the_chart(unit):
    from aftersales.iot import selectors

    rows = [
        Telemetry(
            unit=unit, at=NOW - datetime.timedelta(minutes=m), metrics={"temperature": m % 50}
        )
        for m in range(121, 3000)
    ]
    Telemetry.objects.bulk_create(rows)
    panel = selectors.unit_panel(unit, metric="temperature", period="7d")
    assert len(panel["chart"]["points"].split()) <= selectors.CHART_POINTS


# --- API --------------------------------------------------------------------------------


def test_api_rules_read_and_create(client, manager, agent):
    product = ProductFactory()
    client.force_login(agent)
    assert client.get("/api/v1/iot/rules/").status_code == 200
    body = {
        "product": product.pk,
        "name": "Hot",
        "kind": "over",
        "metric": "temperature",
        "threshold": 80,
        "minutes": 10,
    }
    assert (
        client.post("/api/v1/iot/rules/", body, content_type="application/json").status_code == 403
    )
    client.force_login(manager)
    answer = client.post("/api/v1/iot/rules/", body, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["priority"] == "normal"
    bad = client.post("/api/v1/iot/rules/", {**body, "metric": ""}, content_type="application/json")
    assert bad.status_code == 400 and "metric" in bad.json()["errors"]
    listed = client.get("/api/v1/iot/rules/").json()
    assert [r["name"] for r in listed["results"]] == ["Hot"]


def test_api_readings_of_a_unit(client, agent, customer_user, unit):
    client.force_login(agent)
    answer = client.get("/api/v1/iot/readings/", {"unit": unit.pk})
    assert answer.status_code == 200
    assert answer.json()["results"][0]["metrics"]["temperature"] == 71.0
    assert client.get("/api/v1/iot/readings/").status_code == 400
    client.force_login(customer_user)
    assert client.get("/api/v1/iot/readings/", {"unit": unit.pk}).status_code == 403


def test_a_gateway_posts_readings_with_its_token(client, manager, unit):
    from aftersales.accounts.tokens import issue_token

    token = issue_token(manager)
    MonitorRuleFactory(product=unit.product, minutes=0)
    body = [
        {"serial": unit.serial_number, "at": NOW.isoformat(), "metrics": {"temperature": 99}},
        {"serial": "NO-SUCH-UNIT", "metrics": {"temperature": 1}},
    ]
    answer = client.post(
        "/api/v1/iot/readings/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert answer.status_code == 201
    assert answer.json() == {
        "stored": 1,
        "alarms": 1,
        "rejected": [{"serial": "NO-SUCH-UNIT", "reason": "unknown serial number"}],
    }
    assert ServiceRequest.objects.filter(unit=unit, channel=Channel.IOT).count() == 1


def test_posting_readings_needs_the_back_office(client, technician, unit):
    client.force_login(technician)
    body = {"serial": unit.serial_number, "metrics": {"temperature": 1}}
    assert (
        client.post("/api/v1/iot/readings/", body, content_type="application/json").status_code
        == 403
    )


def test_api_alarms(client, agent, technician, unit):
    MonitorRuleFactory(product=unit.product, minutes=0, kind=RuleKind.OVER, threshold=50)
    services.ingest(unit.serial_number, {"metrics": {"temperature": 70}})
    client.force_login(agent)
    rows = client.get("/api/v1/iot/alarms/", {"cleared_at__isnull": "true"}).json()["results"]
    assert len(rows) == 1 and rows[0]["serial"] == unit.serial_number
    assert rows[0]["request_number"].startswith("SR-")
    client.force_login(technician)
    assert client.get("/api/v1/iot/alarms/").status_code == 403


@pytest.mark.parametrize("model", ["telemetry", "unitstate", "monitorrule", "alarm"])
def test_the_admin_shows_what_was_stored(client, admin_user, unit, model):
    MonitorRuleFactory(product=unit.product, minutes=0, threshold=50)
    services.ingest(unit.serial_number, {"metrics": {"temperature": 70}})
    client.force_login(admin_user)
    page = client.get(f"/admin/iot/{model}/")
    assert page.status_code == 200
    assert "HX-CHART-1" in page.content.decode() or model == "monitorrule"


def test_the_unit_panel_reads_in_few_queries(unit, django_assert_max_num_queries):
    from aftersales.iot import selectors

    MonitorRuleFactory(product=unit.product, threshold=65, minutes=0)
    services.ingest(unit.serial_number, {"metrics": {"temperature": 70}})
    with django_assert_max_num_queries(4):
        panel = selectors.unit_panel(unit, metric="temperature", period="30d")
    assert panel["alarms"] and panel["chart"]["points"]
