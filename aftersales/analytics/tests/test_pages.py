"""The quality pages and API per role, on the hand-made month of conftest.py."""

import re

import pytest
from django.urls import reverse

from aftersales.testing.factories import UserFactory

NOV = "start=2026-11-01&end=2026-11-30"


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _numbers(response):
    return sorted(r.subject.split()[-1] for r in response.context["requests"])


@pytest.mark.parametrize(
    ("who", "dashboard", "me"),
    [
        ("manager", 200, 302),
        ("admin_user", 200, 302),
        ("agent", 200, 302),
        ("dispatcher", 200, 302),
        ("technician", 403, 200),
        ("partner", 403, 200),
        ("customer_user", 403, 403),
    ],
)
def test_who_may_open_what(request, client, month, who, dashboard, me):
    user = request.getfixturevalue(who)
    assert _get(client, user, reverse("analytics:dashboard")).status_code == dashboard
    assert _get(client, user, reverse("analytics:me")).status_code == me
    partners = _get(client, user, reverse("analytics:partners")).status_code
    assert partners == (200 if dashboard == 200 else 403)


def test_anonymous_is_sent_to_log_in(client, db):
    assert client.get(reverse("analytics:dashboard")).status_code == 302


def test_dashboard_tiles_link_to_their_requests(
    client, manager, month, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(90):
        response = client.get(f"{reverse('analytics:dashboard')}?{NOV}")
    assert response.status_code == 200
    tiles = {t["name"]: t for t in response.context["tiles"]}
    assert tiles["opened"]["kpi"].value == 6
    assert "kpi=opened" in tiles["opened"]["url"]
    assert "start=2026-11-01" in tiles["opened"]["url"]
    assert "revenue" in tiles
    page = client.get(tiles["sla_response"]["subsets"][0]["url"])
    assert _numbers(page) == ["B"]
    html = response.content.decode()
    assert 'id="trend-chart"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline scripts


def test_agents_see_no_money(client, agent, month):
    response = _get(client, agent, f"{reverse('analytics:dashboard')}?{NOV}")
    names = {t["name"] for t in response.context["tiles"]}
    assert "revenue" not in names and "cost_per_request" not in names
    refused = client.get(f"{reverse('analytics:requests')}?kpi=revenue&{NOV}")
    assert refused.status_code == 403


def test_drilldown_sorts_pages_and_exports(client, manager, month):
    client.force_login(manager)
    url = f"{reverse('analytics:requests')}?kpi=opened&{NOV}"
    assert _numbers(client.get(url)) == ["A", "B", "C", "E", "I", "J"]
    oldest_first = client.get(url + "&sort=received")
    assert oldest_first.context["requests"][0].pk == month["A"].pk
    csv = client.get(url + "&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert month["B"].number in csv.content.decode("utf-8-sig")
    xlsx = client.get(url + "&format=xlsx")
    assert xlsx.status_code == 200
    assert client.get(f"{reverse('analytics:requests')}?kpi=nothing").status_code == 404


def test_partner_sees_only_their_center(client, partner, month, center):
    # asking for another center changes nothing: the scorecard is their own
    response = _get(client, partner, f"{reverse('analytics:me')}?{NOV}&center={center.pk}")
    tiles = {t["name"]: t for t in response.context["tiles"]}
    assert tiles["opened"]["kpi"].value == 1
    page = client.get(f"{reverse('analytics:requests')}?kpi=opened&{NOV}&center={center.pk}")
    assert _numbers(page) == ["B"]


def test_technician_sees_their_own_work(client, technician, month):
    response = _get(client, technician, f"{reverse('analytics:me')}?{NOV}")
    tiles = {t["name"]: t for t in response.context["tiles"]}
    assert tiles["opened"]["kpi"].value == 1
    assert "revenue" not in tiles
    page = client.get(f"{reverse('analytics:requests')}?kpi=opened&{NOV}")
    assert _numbers(page) == ["A"]


def test_technician_without_a_profile_has_no_scorecard(client, db):
    user = UserFactory(role="technician")
    assert _get(client, user, reverse("analytics:me")).status_code == 403


def test_manager_opens_a_center_scorecard_and_the_comparison(client, manager, month, center):
    client.force_login(manager)
    card = client.get(f"{reverse('analytics:me')}?{NOV}&center={center.pk}")
    assert {t["name"]: t for t in card.context["tiles"]}["opened"]["kpi"].value == 4
    table = client.get(f"{reverse('analytics:partners')}?{NOV}").context["table"]
    own, partner = table["rows"][0], table["rows"][1]
    assert (own["kind"], own["kpis"]["opened"].value) == ("own", 4)
    assert (partner["kind"], partner["kpis"]["opened"].value) == ("partner", 1)


def test_bad_period_is_a_form_error(client, manager, month):
    response = _get(
        client, manager, f"{reverse('analytics:dashboard')}?start=2026-12-01&end=2026-11-01"
    )
    assert response.context["form"].errors


API = "/api/v1/quality/kpis/"


def test_api_gives_the_same_figures(client, manager, month):
    data = _get(client, manager, f"{API}?{NOV}").json()
    assert data["kpis"]["opened"]["value"] == 6
    assert data["kpis"]["first_response"] == {
        "name": "first_response",
        "value": "2.0",
        "count": 3,
        "p90": "3.6",
    }
    assert data["kpis"]["revenue"]["value"] == "300.00"
    assert data["filter"]["start"] == "2026-11-01"


def test_api_per_role(client, agent, partner, customer_user, month):
    assert "revenue" not in _get(client, agent, f"{API}?{NOV}").json()["kpis"]
    assert _get(client, partner, f"{API}?{NOV}").json()["kpis"]["opened"]["value"] == 1
    assert _get(client, customer_user, API).status_code == 403
    bad = _get(client, agent, f"{API}?start=tomorrow")
    assert bad.status_code == 400


def test_a_partner_never_sees_a_complaint_they_may_not_open(client, partner, month):
    # J, the complaint about B, belongs to no center: the partner sees only B behind it
    response = _get(client, partner, f"{reverse('analytics:requests')}?kpi=complaint_rate&{NOV}")
    assert _numbers(response) == ["B"]


def test_a_center_scorecard_lists_its_technicians(client, manager, month, center):
    client.force_login(manager)
    response = client.get(f"{reverse('analytics:me')}?{NOV}&center={center.pk}")
    (row,) = response.context["technicians"]
    assert row["technician"] == month["tech"]
    assert row["kpis"]["resolved"].value == 1  # A
    assert row["kpis"]["first_time_fix"].value == 100
    link = f"?technician={month['tech'].pk}&"
    assert link in response.content.decode()


def test_the_comparison_exports(client, manager, month, partner_center):
    client.force_login(manager)
    csv = client.get(f"{reverse('analytics:partners')}?{NOV}&format=csv")
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Requests opened" in text.splitlines()[0]
    assert any(line.startswith(f"{partner_center.name},") for line in text.splitlines())
    assert client.get(f"{reverse('analytics:partners')}?{NOV}&format=xlsx").status_code == 200


def test_api_gives_a_technician_their_own_figures(client, technician, center, month):
    data = _get(client, technician, f"{API}?{NOV}&center={center.pk}").json()
    assert data["kpis"]["opened"]["value"] == 1  # A, whatever center they ask for
    assert data["filter"]["technician"] == month["tech"].pk
    assert "cost_per_request" not in data["kpis"]


def _csv(response) -> list[list[str]]:
    import csv
    import io

    assert response.status_code == 200, response.status_code
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_dashboard_tables_download(client, manager, month, center):
    client.force_login(manager)
    url = "/quality/?start=2026-11-01&end=2026-11-30&format=csv"
    figures = _csv(client.get(f"{url}&table=kpis"))
    assert figures[0] == ["Figure", "Value", "Unit", "Counted"]
    assert ["Requests opened", "6", "", "6"] in figures
    centers = _csv(client.get(f"{url}&table=center"))
    assert centers[0][0] == "By service center"
    assert [center.name, "4", "100.00", "100.00"] in centers
    xlsx = client.get(f"{url.replace('csv', 'xlsx')}&table=channel")
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx["Content-Type"]
    assert client.get(f"{url}&table=nothing").status_code == 404
    page = client.get("/quality/?start=2026-11-01&end=2026-11-30").content.decode()
    assert 'data-export="center-csv"' in page and 'data-export="kpis-xlsx"' in page


def test_scorecard_technicians_download(client, manager, month, center, technician):
    client.force_login(manager)
    url = f"/quality/me/?start=2026-11-01&end=2026-11-30&center={center.pk}&format=csv"
    rows = _csv(client.get(f"{url}&table=technicians"))
    assert rows[0][0] == "Technician" and rows[1][0] == str(technician)
    assert _csv(client.get(f"{url}&table=kpis"))[0][0] == "Figure"
