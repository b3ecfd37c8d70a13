"""POST /api/v1/help/requests/: a company website's own help form, no login, the same
rules as /help/, throttled per client IP, a retry with the same Idempotency-Key one
request."""

import pytest
from rest_framework.test import APIClient

from aftersales.notifications.models import OutboundMessage
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db
URL = "/api/v1/help/requests/"


@pytest.fixture
def api():
    return APIClient(REMOTE_ADDR="203.0.113.9")


def body(**fields):
    return {
        "name": "Anna",
        "email": "anna@example.com",
        "description": "The TV has no sound.",
    } | fields


def test_a_post_opens_a_request_and_answers_its_number(api):
    response = api.post(URL, body(), format="json")
    assert response.status_code == 201
    number = response.json()["number"]
    assert response.json()["created"] is True
    request = ServiceRequest.objects.get(number=number)
    assert request.channel == "web" and request.customer.source == "web"
    assert OutboundMessage.objects.filter(request=request, event="request_received").exists()


def test_a_retry_with_the_same_idempotency_key_returns_the_same_request(api):
    first = api.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="form-42")
    again = api.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="form-42")
    assert again.status_code == 200 and again.json() == {
        "number": first.json()["number"], "created": False,
    }  # fmt: skip
    assert ServiceRequest.objects.count() == 1


def test_without_a_key_each_post_is_its_own_request(api):
    api.post(URL, body(), format="json")
    api.post(URL, body(), format="json")
    assert ServiceRequest.objects.count() == 2


def test_someone_elses_serial_is_never_linked_nor_disclosed(api, unit, owner):
    response = api.post(URL, body(serial_number="ACX0001"), format="json")
    assert set(response.json()) == {"number", "created"}
    request = ServiceRequest.objects.get()
    assert request.unit is None and "ACX0001" in request.description


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"email": "", "phone": ""}, 400),
        ({"website": "http://spam.example"}, 400),
        ({"description": "see http://a.example http://b.example http://c.example"}, 400),
        ({"email": "not-an-email"}, 400),
    ],
    ids=["no contact", "honeypot", "links", "bad email"],
)
def test_the_forms_rules_hold_in_the_api(api, fields, status):
    response = api.post(URL, body(**fields), format="json")
    assert response.status_code == status and response.json()["detail"]
    assert ServiceRequest.objects.count() == 0


def test_posts_are_throttled_per_client_ip_with_a_429(api, settings):
    settings.INTAKE_API_RATE = "2/hour"
    for n in range(2):
        assert api.post(URL, body(email=f"a{n}@example.com"), format="json").status_code == 201
    # a forged X-Forwarded-For does not make a new client
    response = api.post(URL, body(email="a9@example.com"), format="json",
                        HTTP_X_FORWARDED_FOR="10.9.9.9")  # fmt: skip
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert ServiceRequest.objects.count() == 2


def test_posts_for_one_address_are_limited_too(api, settings):
    settings.INTAKE_FORM_PER_CONTACT_PER_HOUR = 1
    assert api.post(URL, body(), format="json").status_code == 201
    other = APIClient(REMOTE_ADDR="198.51.100.3")
    response = other.post(URL, body(), format="json")
    assert response.status_code == 429
    assert ServiceRequest.objects.count() == 1


def test_photos_come_as_multipart(api):
    from .test_help_form import photo

    response = api.post(URL, body(photos=[photo("a.jpg"), photo("b.jpg")]), format="multipart")
    assert response.status_code == 201
    request = ServiceRequest.objects.get()
    assert request.attachments.count() == 2


def test_a_logged_in_session_needs_no_csrf_token_and_stays_anonymous(client, agent):
    client.force_login(agent)
    client.handler.enforce_csrf_checks = True
    response = client.post(URL, body(), content_type="application/json")
    assert response.status_code == 201
    assert ServiceRequest.objects.get().created_by is None
