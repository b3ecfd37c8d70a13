"""The settlement API: who reads what, building and approving, lines, bounded queries."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.settlement import services
from aftersales.settlement.models import Statement, StatementStatus
from aftersales.settlement.tests.conftest import NOV, make_rate, make_visit

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.fixture
def statements(manager, partner_center, other_center, partner_tech, aircon):
    make_rate("100", category=aircon)
    for center in (partner_center, partner_center, other_center):
        services.accrue(make_visit(center, aircon, technician=partner_tech))
    return (
        services.build_statement(partner_center, NOV, manager),
        services.build_statement(other_center, NOV, manager),
    )


# role: (statements listed, approve)
ACCESS = {
    "admin": (2, 200),
    "manager": (2, 200),
    "agent": (403, 403),
    "dispatcher": (403, 403),
    "technician": (403, 403),
    "partner": (1, 403),
    "customer": (403, 403),
}


@pytest.mark.parametrize("role", ACCESS)
def test_access_per_role(users, statements, role):
    listed, approve = ACCESS[role]
    mine, _ = statements
    client = api(users[role])
    response = client.get(f"{BASE}/settlement-statements/")
    if listed == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == 200 and response.json()["count"] == listed
    response = client.post(f"{BASE}/settlement-statements/{mine.pk}/approve/")
    assert response.status_code == approve
    mine.refresh_from_db()
    assert (mine.status == StatementStatus.APPROVED) is (approve == 200)


def test_a_manager_builds_through_the_api_and_bad_months_are_refused(
    manager, partner_center, statements
):
    client = api(manager)
    url = f"{BASE}/settlement-statements/build/"
    response = client.post(url, {"center": partner_center.pk, "month": "2026-11"})
    assert response.status_code == 200 and response.json()["line_count"] == 2
    response = client.post(url, {"center": partner_center.pk, "month": "soon"})
    assert response.status_code == 400 and "YYYY-MM" in str(response.json())
    assert Statement.objects.count() == 2


def test_lines_and_filters(manager, statements, other_center, django_assert_max_num_queries):
    mine, _ = statements
    client = api(manager)
    with django_assert_max_num_queries(8):
        lines = client.get(f"{BASE}/settlement-statements/{mine.pk}/lines/").json()
    assert lines["count"] == 2 and lines["results"][0]["amount"] == "100.00"
    filtered = client.get(f"{BASE}/settlement-statements/", {"center": other_center.pk}).json()
    assert [row["center_code"] for row in filtered["results"]] == ["SC-OTHER"]
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/settlement-rates/").status_code == 200
