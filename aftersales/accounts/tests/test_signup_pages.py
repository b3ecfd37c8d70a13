"""The sign-up pages: the form, the code page, resend, and what each answer looks like."""

import pytest

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.conftest import code_sent_to
from aftersales.testing.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = "Kettle-Blue-42"


def test_signing_up_on_the_pages_logs_the_customer_in(client):
    page = client.get("/accounts/signup/")
    assert page.status_code == 200 and "public_base.html" in [t.name for t in page.templates]
    response = client.post(
        "/accounts/signup/", {"name": "王小明", "address": "13800138000", "password": GOOD}
    )
    assert response.status_code == 302 and response.url == "/accounts/signup/verify/"
    page = client.get(response.url).content.decode()
    assert "+86138****8000" in page
    response = client.post(response.url, {"code": code_sent_to("+8613800138000")})
    assert response.status_code == 302
    user = User.objects.get(phone="+8613800138000")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.customer.needs_review


def test_a_wrong_code_says_how_many_tries_are_left(client):
    client.post("/accounts/signup/", {"name": "王", "address": "13800138000", "password": GOOD})
    right = code_sent_to("+8613800138000")
    response = client.post(
        "/accounts/signup/verify/", {"code": "000000" if right != "000000" else "111111"}
    )
    assert response.status_code == 400
    assert "4 more times" in response.content.decode()


def test_an_address_with_an_account_is_sent_to_log_in(client):
    UserFactory(role=Role.CUSTOMER, customer=CustomerFactory(), email="li@example.com")
    response = client.post(
        "/accounts/signup/", {"name": "李", "address": "li@example.com", "password": GOOD}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "You already have an account" in page
    assert 'href="/accounts/login/"' in page


def test_resend_waits_a_minute(client):
    client.post("/accounts/signup/", {"name": "王", "address": "13800138000", "password": GOOD})
    response = client.post("/accounts/signup/resend/", follow=True)
    assert "just sent a code" in response.content.decode()


def test_the_pages_speak_chinese(client):
    page = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert 'lang="zh-hans"' in page.content.decode()


def test_a_logged_in_customer_is_sent_on(client, customer_user):
    client.force_login(customer_user)
    assert client.get("/accounts/signup/").status_code == 302
