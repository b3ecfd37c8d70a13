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


# --- /api/v1/faults/requests/: the requests behind a number -------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("manager", 200), ("agent", 200), ("dispatcher", 403),
     ("technician", 403), ("partner", 403), ("customer_user", 403)],
)  # fmt: skip
def test_who_may_read_the_requests_behind_a_number(request, who, status):
    assert api(request.getfixturevalue(who)).get(f"{BASE}/requests/").status_code == status


def test_a_codes_requests_are_as_many_as_its_count(manager, field_data,
                                                  django_assert_max_num_queries):  # fmt: skip
    client = api(manager)
    rows = client.get(f"{BASE}/pareto/", PERIOD).json()["rows"]
    for row in rows:
        body = client.get(f"{BASE}/requests/", {**PERIOD, "code": row["key"]}).json()
        assert body["count"] == row["count"] == len(body["results"])
    e1 = field_data["codes"]["E1"].pk
    with django_assert_max_num_queries(7):  # token, user, code, count, rows, fault codes
        body = client.get(f"{BASE}/requests/", {**PERIOD, "code": e1, "sort": "received"}).json()
    first = body["results"][0]
    assert first["received_at"].startswith("2026-02-01T10:00")
    assert (first["sku"], first["fault_codes"], first["fault_cause"]) == ("SKU-A", ["E1", "E3"],
                                                                          "quality")  # fmt: skip
    assert first["number"].startswith("SR-") and isinstance(first["id"], int)


def test_a_batchs_failures(manager, field_data):
    query = {**PERIOD, "product": field_data["a"].pk, "batch": "2026-01"}
    body = api(manager).get(f"{BASE}/requests/", query).json()
    assert body["count"] == 3  # as failure-rates by batch says
    assert api(manager).get(f"{BASE}/requests/", {**query, "early": "true"}).json()["count"] == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [({"code": "999999"}, "code"), ({"sort": "colour"}, "sort"),
     ({"code": "E1", "component": "board"}, "non_field_errors")],
)  # fmt: skip
def test_bad_drilldown_parameters_are_named(manager, field_data, query, field):
    if query.get("code") == "E1":
        query = {**query, "code": field_data["codes"]["E1"].pk}
    response = api(manager).get(f"{BASE}/requests/", query)
    assert response.status_code == 400
    assert field in response.json()["errors"]
