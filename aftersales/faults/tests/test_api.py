"""/api/v1/faults/pareto/ and /api/v1/faults/failure-rates/: answers, filters, roles."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.faults.tests.conftest import PERIOD

pytestmark = pytest.mark.django_db
BASE = "/api/v1/faults"


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("manager", 200), ("agent", 200), ("dispatcher", 403),
     ("technician", 403), ("partner", 403), ("customer_user", 403)],
)  # fmt: skip
def test_who_may_read(request, who, status):
    client = api(request.getfixturevalue(who))
    assert client.get(f"{BASE}/pareto/").status_code == status
    assert client.get(f"{BASE}/failure-rates/").status_code == status


def test_anonymous_clients_are_refused():
    assert APIClient().get(f"{BASE}/pareto/").status_code in (401, 403)


def test_pareto_of_components(manager, field_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = api(manager).get(f"{BASE}/pareto/", {**PERIOD, "by": "component"})
    body = response.json()
    assert body["by"] == "component" and body["total"] == 8
    assert body["scope"]["date_from"] == "2026-01-01" and body["scope"]["product"] is None
    assert [(r["label"], r["count"], r["share"], r["cumulative"]) for r in body["rows"]] == [
        ("compressor", 5, "62.5", "62.5"),
        ("board", 2, "25.0", "87.5"),
        ("(component not given)", 1, "12.5", "100.0"),
    ]


def test_pareto_of_codes_for_a_batch(manager, field_data):
    query = {**PERIOD, "product": field_data["a"].pk, "batch": "2026-03"}
    body = api(manager).get(f"{BASE}/pareto/", query).json()
    assert body["scope"]["batch"] == "2026-03-01"
    assert [(r["label"], r["cumulative"]) for r in body["rows"]] == [("E1", "50.0"),
                                                                     ("E4", "100.0")]  # fmt: skip


def test_failure_rates_by_batch(manager, field_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):  # token, user, units, failures
        response = api(manager).get(f"{BASE}/failure-rates/", {**PERIOD, "group": "batch"})
    body = response.json()
    assert body["early_failure"] == {"days": 90, "share": "0.0200", "min_failures": 3}
    first = body["rows"][0]
    assert (first["sku"], first["batch"], first["units"], first["failures"]) == (
        "SKU-A", "2026-01-01", 4, 3,
    )  # fmt: skip
    assert (first["per_thousand"], first["early"], first["flagged"]) == ("750.00", 2, False)


def test_failure_rates_by_model_flags_early_failures(manager, field_data):
    rows = api(manager).get(f"{BASE}/failure-rates/", PERIOD).json()["rows"]
    assert [(r["sku"], r["per_thousand"], r["flagged"]) for r in rows] == [
        ("SKU-A", "400.00", True),
        ("SKU-B", "200.00", False),
    ]


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [("pareto/", {"by": "colour"}, "by"), ("failure-rates/", {"group": "city"}, "group"),
     ("pareto/", {"batch": "2026-13"}, "batch"), ("failure-rates/", {"product": "x"}, "product"),
     ("pareto/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to")],
)  # fmt: skip
def test_bad_parameters_are_named(manager, url, query, field):
    response = api(manager).get(f"{BASE}/{url}", query)
    assert response.status_code == 400
    assert field in str(response.json())
