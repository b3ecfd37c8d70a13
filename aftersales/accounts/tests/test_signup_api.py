"""The sign-up API a mobile app uses: send the code, verify it, get a token."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.conftest import code_sent_to
from aftersales.testing.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = "Kettle-Blue-42"
SIGNUP = "/api/v1/auth/signup/"


@pytest.fixture
def api():
    return APIClient()


def test_a_customer_signs_up_and_the_token_works(api):
    body = {"name": "王小明", "address": "wang@example.com", "password": GOOD}
    sent = api.post(SIGNUP, body, format="json")
    assert sent.status_code == 202
    data = sent.json()
    assert (data["address_type"], data["sent_to"], data["valid_minutes"]) == (
        "email", "wa***@example.com", 10)  # fmt: skip
    done = api.post(
        SIGNUP + "verify/",
        {"ticket": data["ticket"], "code": code_sent_to("wang@example.com")},
        format="json",
    )
    assert done.status_code == 201
    user = User.objects.get(email="wang@example.com")
    assert done.json()["user"] == user.pk and done.json()["customer"] == user.customer_id
    api.credentials(HTTP_AUTHORIZATION=f"Token {done.json()['token']}")
    me = api.get("/api/v1/auth/me/")
    assert me.status_code == 200 and me.json()["role"] == Role.CUSTOMER


def test_errors_are_json_a_person_can_act_on(api):
    UserFactory(role=Role.CUSTOMER, customer=CustomerFactory(), phone="13800138000")
    taken = api.post(
        SIGNUP, {"name": "王", "address": "13800138000", "password": GOOD}, format="json"
    )
    assert taken.status_code == 409 and taken.json()["code"] == "already_registered"
    weak = api.post(SIGNUP, {"name": "王", "address": "a@example.com", "password": "123"},
                    format="json")  # fmt: skip
    assert weak.status_code == 400 and "password" in weak.json()["errors"]
    bad = api.post(SIGNUP, {"name": "王", "address": "hello", "password": GOOD}, format="json")
    assert bad.status_code == 400 and "address" in bad.json()["errors"]
    forged = api.post(SIGNUP + "verify/", {"ticket": "x", "code": "123456"}, format="json")
    assert forged.status_code == 400


def test_a_wrong_code_and_a_quick_resend_are_refused(api):
    body = {"name": "王", "address": "13800138000", "password": GOOD}
    ticket = api.post(SIGNUP, body, format="json").json()["ticket"]
    right = code_sent_to("+8613800138000")
    guess = "000000" if right != "000000" else "111111"
    wrong = api.post(SIGNUP + "verify/", {"ticket": ticket, "code": guess}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_code"
    again = api.post(SIGNUP + "resend/", {"ticket": ticket}, format="json")
    assert again.status_code == 429 and again.json()["code"] == "throttled"


def test_the_api_is_throttled_per_ip(api):
    for _n in range(30):
        api.post(SIGNUP, {"name": "x", "address": "hello", "password": GOOD}, format="json")
    response = api.post(SIGNUP, {"name": "x", "address": "hello", "password": GOOD}, format="json")
    assert response.status_code == 429


def test_a_browser_session_does_not_get_in_the_way(api, customer_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(customer_user)
    response = client.post(
        SIGNUP, {"name": "王", "address": "zhao@example.com", "password": GOOD}, format="json"
    )
    assert response.status_code == 202


def test_the_schema_with_the_signup_paths_is_valid(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out),
                 "--skip-checks")  # fmt: skip
    schema = out.read_text()
    for path in ("/api/v1/auth/signup/:", "/api/v1/auth/signup/verify/:"):
        assert path in schema
