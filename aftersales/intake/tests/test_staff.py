"""Staff pages and API of this app: the log of webhook messages (back office only) and the
deflection report per article and source for a period (managers; agents may read), with
CSV / Excel downloads; bounded queries."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from openpyxl import load_workbook

from aftersales.kb import services as kb
from aftersales.testing.webhooks import SmsGatewayDouble

from .conftest import SMS_SECRET

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10):
    return datetime.datetime(2026, 3, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def deflections(articles):
    cooling, guide = articles["cooling"], articles["guide"]
    for day, article, source, session in [
        (2, cooling, "web_form", "s1"),
        (3, cooling, "web_form", "s2"),
        (3, cooling, "portal", "s3"),
        (4, guide, "web_form", "s4"),
        (20, cooling, "web_form", "s5"),  # outside the period asked for below
    ]:
        with time_machine.travel(at(day), tick=False):
            kb.deflect(article, source, session)
    return articles


@pytest.fixture
def inbound(client):
    gateway = SmsGatewayDouble(client, SMS_SECRET)
    for n in range(3):
        gateway.text(f"+861391111222{n}", f"消息 {n}", message_id=f"m-{n}")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("manager", True), ("agent", True), ("dispatcher", True),
     ("technician", False), ("partner", False), ("customer", False)],
)  # fmt: skip
def test_the_inbound_log_is_for_the_back_office(client, users, role, allowed, inbound):
    client.force_login(users[role])
    page = client.get("/help/messages/")
    api = client.get("/api/v1/help/messages/")
    assert page.status_code == (200 if allowed else 403)
    assert api.status_code == (200 if allowed else 403)
    if allowed:
        assert api.json()["count"] == 3
        assert "消息 0" in page.content.decode()


def test_the_inbound_log_needs_a_login(client, inbound):
    assert client.get("/help/messages/").status_code == 302
    assert client.get("/api/v1/help/messages/").status_code in (401, 403)


def test_the_inbound_log_filters_and_stays_bounded(
    client, agent, inbound, django_assert_max_num_queries
):
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        page = client.get("/help/messages/", {"provider": "sms", "outcome": "created"})
    assert page.status_code == 200 and len(page.context["page_obj"]) == 3
    with django_assert_max_num_queries(6):
        rows = client.get("/api/v1/help/messages/", {"outcome": "added"}).json()
    assert rows["count"] == 0
    row = client.get("/api/v1/help/messages/").json()["results"][0]
    assert row["provider"] == "sms" and row["request_number"].startswith("SR-")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("manager", True), ("agent", True), ("dispatcher", False),
     ("technician", False), ("partner", False), ("customer", False)],
)  # fmt: skip
def test_the_deflection_report_is_for_managers_and_agents(client, users, role, allowed):
    client.force_login(users[role])
    assert client.get("/help/deflections/").status_code == (200 if allowed else 403)
    api = client.get("/api/v1/kb/deflection-report/")
    assert api.status_code == (200 if allowed else 403)


def test_the_report_counts_per_article_and_source_in_the_period(
    client, manager, deflections, django_assert_max_num_queries
):
    client.force_login(manager)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-10"}
    with django_assert_max_num_queries(6):
        page = client.get("/help/deflections/", period)
    report = page.context["report"]
    cooling, guide = deflections["cooling"].pk, deflections["guide"].pk
    assert [(r["article"], r["source"], r["count"]) for r in report.rows] == [
        (cooling, "web_form", 2),
        (cooling, "portal", 1),
        (guide, "web_form", 1),
    ]
    assert report.totals == {"web_form": 3, "portal": 1, "all": 4}
    api = client.get("/api/v1/kb/deflection-report/", period).json()
    assert api["totals"] == {"web_form": 3, "portal": 1, "all": 4}
    assert api["rows"][0] == {
        "article": cooling, "title": deflections["cooling"].title, "source": "web_form",
        "source_label": "Web form", "count": 2,
    }  # fmt: skip


def test_the_report_downloads_as_csv_and_excel(client, agent, deflections):
    client.force_login(agent)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-10"}
    csv = client.get("/help/deflections/", {**period, "format": "csv"})
    assert csv["Content-Disposition"] == 'attachment; filename="deflections-20260301-20260310.csv"'
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Article,Source,Deflections"
    assert lines[-1] == "Total,,4"
    xlsx = client.get("/help/deflections/", {**period, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]] == [deflections["cooling"].title, "Web form", 2]


def test_the_report_refuses_a_bad_period_in_the_api(client, manager):
    client.force_login(manager)
    bad = client.get("/api/v1/kb/deflection-report/", {"date_from": "2026-13-01"})
    assert bad.status_code == 400
    backwards = {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    assert client.get("/api/v1/kb/deflection-report/", backwards).status_code == 400
