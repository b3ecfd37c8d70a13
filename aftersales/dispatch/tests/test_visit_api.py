"""The visits API: each role lists its part, the technician's steps, refusals as JSON."""

import base64

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.dispatch import services
from aftersales.dispatch.models import Visit
from aftersales.dispatch.tests.test_visit_support import *  # noqa: F403 (fixtures)
from aftersales.dispatch.tests.test_visit_support import signature_png
from aftersales.testing.factories import ServiceRequestFactory

BASE = "/api/v1/visits/"
pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.fixture
def partner_visit(partner_center, dispatcher, customer):
    request = ServiceRequestFactory(customer=customer, service_center=partner_center)
    return services.create_visit(request, actor=dispatcher)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("admin", {"own", "partner"}),
        ("manager", {"own", "partner"}),
        ("agent", {"own", "partner"}),
        ("dispatcher", {"own", "partner"}),
        ("technician", {"own"}),
        ("partner", {"partner"}),
    ],
)
def test_each_role_lists_its_visits(users, role, sees, scheduled, partner_visit):
    names = {scheduled.pk: "own", partner_visit.pk: "partner"}
    response = api(users[role]).get(BASE)
    assert response.status_code == 200
    assert {names[row["id"]] for row in response.json()["results"]} == sees


def test_customers_are_refused(customer_user, scheduled):
    assert api(customer_user).get(BASE).status_code == 403


def test_another_centers_partner_gets_404(other_partner, partner_visit):
    assert api(other_partner).get(f"{BASE}{partner_visit.pk}/").status_code == 404


def test_the_list_takes_a_bounded_number_of_queries(
    dispatcher, scheduled, sr, django_assert_max_num_queries
):
    for _ in range(5):
        services.create_visit(sr, actor=dispatcher)
    with django_assert_max_num_queries(8):
        response = api(dispatcher).get(BASE)
    assert response.json()["count"] == 6


def test_the_technician_travels_checks_in_and_out(technician, scheduled, sr):
    client = api(technician)
    url = f"{BASE}{scheduled.pk}/"
    response = client.post(url + "start-travel/", {"version": scheduled.version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "travelling"
    response = client.post(
        url + "check-in/", {"latitude": "31.23", "longitude": "121.47"}, format="json"
    )
    assert response.json()["status"] == "on_site"
    signature = base64.b64encode(signature_png()).decode()
    response = client.post(
        url + "check-out/",
        {
            "work_done": "清洗滤网",
            "first_time_fix": True,
            "customer_rating": 4,
            "signed_by": "王小明",
            "signature": signature,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["customer_rating"], body["has_signature"]) == (
        "completed",
        4,
        True,
    )


def test_a_refused_check_out_says_why_and_changes_nothing(technician, on_site):
    response = api(technician).post(
        f"{BASE}{on_site.pk}/check-out/",
        {
            "work_done": "x",
            "first_time_fix": True,
            "customer_rating": 9,
            "signed_by": "王小明",
            "signature": base64.b64encode(signature_png()).decode(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "1 to 5" in str(response.json())
    assert Visit.objects.get(pk=on_site.pk).status == "on_site"


def test_a_stale_version_is_a_conflict(technician, scheduled):
    response = api(technician).post(
        f"{BASE}{scheduled.pk}/start-travel/", {"version": 99}, format="json"
    )
    assert response.status_code == 409
