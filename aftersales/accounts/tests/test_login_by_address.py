"""Logging in with a username, an email address or a phone number (any spelling)."""

import pytest
from django.contrib.auth import authenticate
from rest_framework.test import APIClient

from aftersales.accounts.roles import Role
from aftersales.testing.factories import PASSWORD, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(db):
    return UserFactory(
        username="wang",
        role=Role.CUSTOMER,
        customer=CustomerFactory(),
        email="Wang@Example.com",
        phone="138 0013 8000",
    )


@pytest.mark.parametrize(
    "identifier",
    ["wang", "wang@example.com", " WANG@example.COM ", "13800138000", "+86 138-0013-8000",
     "0086 13800138000", "１３８００１３８０００"],
)  # fmt: skip
def test_the_user_logs_in_by_username_email_or_phone(wang, identifier):
    assert authenticate(username=identifier, password=PASSWORD) == wang


def test_a_wrong_password_or_unknown_address_logs_in_nobody(wang):
    assert authenticate(username="wang@example.com", password="wrong") is None
    assert authenticate(username="nobody@example.com", password=PASSWORD) is None
    assert authenticate(username="13900000000", password=PASSWORD) is None


def test_an_inactive_user_is_refused(wang):
    wang.is_active = False
    wang.save()
    for identifier in ("wang", "wang@example.com", "13800138000"):
        assert authenticate(username=identifier, password=PASSWORD) is None


def test_an_address_two_users_share_logs_in_neither(wang):
    UserFactory(username="li", email="wang@example.com", phone="13800138000")
    assert authenticate(username="wang@example.com", password=PASSWORD) is None
    assert authenticate(username="13800138000", password=PASSWORD) is None
    # the username still names one person
    assert authenticate(username="wang", password=PASSWORD) == wang


def test_a_deactivated_login_does_not_block_the_active_one_with_the_same_address(wang):
    UserFactory(username="old", email="wang@example.com", is_active=False)
    assert authenticate(username="wang@example.com", password=PASSWORD) == wang


def test_the_login_page_logs_in_by_phone_and_answers_alike_for_unknown_and_shared(client, wang):
    # shared and unknown addresses get the same answer as a wrong password
    UserFactory(username="li", email="shared@example.com")
    UserFactory(username="zhao", email="shared@example.com")
    answers = set()
    for identifier in ("shared@example.com", "nobody@example.com", "wang@example.com"):
        password = "wrong" if identifier == "wang@example.com" else PASSWORD
        response = client.post("/accounts/login/", {"username": identifier, "password": password})
        assert response.status_code == 200
        answers.add(response.context["form"].non_field_errors()[0])
    assert len(answers) == 1
    # and the phone number in another spelling logs in
    form = {"username": "+86 13800138000", "password": PASSWORD}
    response = client.post("/accounts/login/", form)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(wang.pk)


def test_the_login_page_offers_sign_up_and_help(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/"' in page
    assert 'href="/accounts/reset/"' in page
    assert "Create an account" in page


def test_the_api_token_is_issued_for_an_email_address(wang):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "wang@example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_phone_is_kept_normalised_when_the_profile_changes(wang):
    from aftersales.accounts.services import update_profile

    update_profile(wang, phone="139-0013-9000")
    wang.refresh_from_db()
    assert wang.phone_normalized == "+8613900139000"
    assert authenticate(username="13900139000", password=PASSWORD) == wang
