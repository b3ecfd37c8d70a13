"""The complaints API: a complaint from the call to the manager's sign-off, who may read and
do what, the guard's error through the request API, filters and bounded queries."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.complaints.models import Complaint
from aftersales.complaints.tests.conftest import open_complaint
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def post(client, url, data=None, **headers):
    return client.post(f"{BASE}{url}", data or {}, format="json", headers=headers or None)


def test_a_complaint_from_the_call_to_the_sign_off(agent, manager, repair, visit, partner_tech):
    client = api(agent)
    response = post(
        client, "/complaints/",
        {"about_request": repair.number, "about_visit": visit.pk, "severity": "major",
         "subject": "师傅迟到两小时", "apologised": True, "apology_note": "非常抱歉"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    number, ticket = body["number"], body["request"]
    assert body["priority"] == "urgent" and body["status"] == "new"
    assert body["about_request"] == repair.number and body["about_technician"] == partner_tech.pk
    assert body["apology_how"] == "call" and body["first_contact_at"]
    assert body["repeat"] is False

    response = post(
        client, f"/tickets/{ticket}/transition/",
        {"to": "resolved", "resolution_type": "advice", "resolution_summary": "已处理"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "root cause" in response.json()["detail"]

    response = post(
        client, f"/complaints/{number}/cause/",
        {"root_cause": "late", "corrective_action": "调整时间窗", "version": body["version"]},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    version = response.json()["version"]
    response = post(
        client, f"/tickets/{ticket}/transition/",
        {"to": "resolved", "resolution_type": "advice", "resolution_summary": "已处理"},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    response = post(client, f"/tickets/{ticket}/transition/", {"to": "closed"})
    assert response.status_code in (400, 403)

    assert post(client, f"/complaints/{number}/sign-off/").status_code == 403
    response = post(api(manager), f"/complaints/{number}/sign-off/",
                    {"note": "同意", "version": version})  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "closed" and body["signed_off_by"]
    assert [e["action"] for e in body["events"]] == ["opened", "apology", "cause", "signed_off"]
    assert ServiceRequest.objects.get(number=number).status == "closed"


def test_open_for_a_customer_and_the_repeat_flag(agent, customer):
    client = api(agent)
    data = {"customer": customer.pk, "severity": "minor", "subject": "电话打不通"}
    first = post(client, "/complaints/", data).json()
    second = post(client, "/complaints/", data).json()
    assert first["repeat"] is False and first["priority"] == "high"
    assert second["repeat"] is True and second["previous"] == first["number"]


def test_an_idempotency_key_opens_one_complaint(agent, customer):
    client = api(agent)
    data = {"customer": customer.pk, "severity": "minor", "subject": "电话打不通"}
    first = post(client, "/complaints/", data, **{"Idempotency-Key": "k1"})
    again = post(client, "/complaints/", data, **{"Idempotency-Key": "k1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert Complaint.objects.count() == 1


def test_bad_input_is_a_clear_400_and_writes_nothing(agent, customer):
    client = api(agent)
    response = post(client, "/complaints/", {"severity": "minor", "subject": "x"})
    assert response.status_code == 400 and "customer" in str(response.json())
    response = post(client, "/complaints/", {"customer": customer.pk, "severity": "awful"})
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()


# role: (list, open, record a step)
ACCESS = {
    "admin": (200, 201, 200),
    "manager": (200, 201, 200),
    "agent": (200, 201, 200),
    "dispatcher": (200, 403, 403),
    "technician": (403, 403, 403),
    "partner": (200, 403, 403),
    "customer": (403, 403, 403),
}


@pytest.mark.parametrize("role", ACCESS)
def test_access_per_role(users, agent, customer, repair, visit, role):
    lists, opens, step = ACCESS[role]
    complaint = open_complaint(agent, customer, about_visit=visit)
    client = api(users[role])
    assert client.get(f"{BASE}/complaints/").status_code == lists
    data = {"customer": customer.pk, "severity": "minor", "subject": "x"}
    assert post(client, "/complaints/", data).status_code == opens
    url = f"/complaints/{complaint.request.number}/apology/"
    assert post(client, url, {"how": "call"}).status_code == (step if lists == 200 else 403)


def test_partner_staff_read_only_complaints_about_their_center(
    partner, other_partner, agent, customer, visit
):
    ours = open_complaint(agent, customer, about_visit=visit)
    theirs = open_complaint(agent, CustomerFactory(name="李四"))
    body = api(partner).get(f"{BASE}/complaints/").json()
    numbers = [c["number"] for c in body["results"]]
    assert numbers == [ours.request.number]
    assert api(partner).get(f"{BASE}/complaints/{theirs.request.number}/").status_code == 404
    assert api(other_partner).get(f"{BASE}/complaints/{ours.request.number}/").status_code == 404


def test_list_filters_and_bounded_queries(agent, customer, django_assert_max_num_queries):
    client = api(agent)
    open_complaint(agent, customer, "critical")
    with django_assert_max_num_queries(20) as one:
        client.get(f"{BASE}/complaints/")
    for n in range(5):
        open_complaint(agent, CustomerFactory(name=f"客户{n}"), "minor")
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(f"{BASE}/complaints/").json()
    assert body["count"] == 6
    critical = client.get(f"{BASE}/complaints/", {"severity": "critical"}).json()
    assert critical["count"] == 1
    assert client.get(f"{BASE}/complaints/", {"repeat": "yes"}).json()["count"] == 0
