"""/api/v1/key-accounts/: the list (filters, sorting, pages), one account, who may read."""

import pytest
import time_machine
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.care.tests.conftest import NOW

pytestmark = pytest.mark.django_db
BASE = "/api/v1/key-accounts/"


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("manager", 200), ("agent", 200), ("dispatcher", 403),
     ("technician", 403), ("partner", 403), ("customer_user", 403)],
)  # fmt: skip
def test_who_may_read(request, book, who, status):
    client = api(request.getfixturevalue(who))
    assert client.get(BASE).status_code == status
    assert client.get(f"{BASE}{book['acme'].pk}/").status_code == status


@time_machine.travel(NOW, tick=False)
def test_the_list(manager, book):
    body = api(manager).get(BASE).json()
    assert body["count"] == 2
    first = body["results"][0]
    assert (first["name"], first["health"]["score"], first["health"]["band"]) == (
        "甲公司", 40, "at_risk",
    )  # fmt: skip
    assert [r["code"] for r in first["health"]["reasons"]] == [
        "repeat_failures", "low_csat", "complaints", "cost_above_revenue",
    ]  # fmt: skip
    assert first["money"]["cost"] == "198.00" and first["money"]["revenue"] == "100.00"
    assert first["cycle_months"] == "6.0" and first["money"]["currency"] == "CNY"
    names = [r["name"] for r in api(manager).get(BASE, {"sort": "-health"}).json()["results"]]
    assert names == ["乙公司", "甲公司"]
    people = api(manager).get(BASE, {"kind": "person"}).json()["results"]
    assert [r["name"] for r in people] == ["张三"]


@time_machine.travel(NOW, tick=False)
def test_one_account_with_its_quarters(manager, book):
    body = api(manager).get(f"{BASE}{book['acme'].pk}/").json()
    assert [(q["label"], q["csat"], q["nps"]) for q in body["quarters"]] == [
        ("2025 Q1", "5.00", 100), ("2026 Q1", "2.00", -100),
    ]  # fmt: skip
    assert api(manager).get(f"{BASE}999999/").status_code == 404


@pytest.mark.parametrize(("query", "field"), [({"kind": "robot"}, "kind"),
                                              ({"sort": "colour"}, "sort")])  # fmt: skip
def test_bad_parameters_are_named(manager, query, field):
    response = api(manager).get(BASE, query)
    assert response.status_code == 400 and field in response.json()["errors"]
