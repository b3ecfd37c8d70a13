"""Token authentication of the API: obtain a token, use it, see who you are, revoke it."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.models import ApiToken
from aftersales.accounts.tokens import digest
from aftersales.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_token_from_username_and_password_authenticates_later_calls(agent):
    # given
    client = APIClient()

    # when
    response = client.post(TOKEN_URL, {"username": "agent", "password": PASSWORD}, format="json")

    # then
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["id"] == agent.pk
    assert me.json()["username"] == "agent"
    assert me.json()["role"] == "agent"


def test_the_token_is_stored_only_as_a_digest(agent):
    # when
    token = (
        APIClient()
        .post(TOKEN_URL, {"username": "agent", "password": PASSWORD, "name": "CRM"}, format="json")
        .json()["token"]
    )

    # then
    stored = ApiToken.objects.get(user=agent)
    assert stored.digest == digest(token)
    assert token not in (stored.digest, stored.prefix)
    assert stored.name == "CRM"


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "agent", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
    ],
)
def test_wrong_credentials_are_refused_with_a_clear_message(agent, credentials):
    # when
    response = APIClient().post(TOKEN_URL, credentials, format="json")

    # then
    assert response.status_code == 400
    assert "username and password" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_missing_fields_are_named(db):
    # when
    response = APIClient().post(TOKEN_URL, {"username": "agent"}, format="json")

    # then
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_a_deactivated_user_gets_no_token_and_loses_existing_ones(agent):
    # given
    client = APIClient()
    token = client.post(
        TOKEN_URL, {"username": "agent", "password": PASSWORD}, format="json"
    ).json()["token"]
    agent.is_active = False
    agent.save()

    # when
    again = client.post(TOKEN_URL, {"username": "agent", "password": PASSWORD}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(ME_URL)

    # then
    assert again.status_code == 400
    assert me.status_code == 401


def test_a_login_is_not_blocked_by_a_stale_token_header(agent):
    # given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token revoked-long-ago")

    # when
    response = client.post(TOKEN_URL, {"username": "agent", "password": PASSWORD}, format="json")

    # then
    assert response.status_code == 200


def test_without_a_token_the_api_answers_401_in_json(db):
    # when
    response = APIClient().get(ME_URL)

    # then
    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_unknown_token_is_refused(db):
    # given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    # when
    response = client.get(ME_URL)

    # then
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_revoking_the_token_ends_its_use(agent):
    # given
    client = APIClient()
    token = client.post(
        TOKEN_URL, {"username": "agent", "password": PASSWORD}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # when
    response = client.delete(TOKEN_URL)

    # then
    assert response.status_code == 204
    assert client.get(ME_URL).status_code == 401


def test_me_describes_each_role(users, center):
    for role, user in users.items():
        # given
        client = APIClient()
        client.force_authenticate(user)

        # when
        data = client.get(ME_URL).json()

        # then
        assert data["role"] == role
        assert data["username"] == user.username
    tech = APIClient()
    tech.force_authenticate(users["technician"])
    assert tech.get(ME_URL).json()["service_center"] == center.pk
    customer = APIClient()
    customer.force_authenticate(users["customer"])
    assert customer.get(ME_URL).json()["customer"] == users["customer"].customer_id


def test_a_session_login_also_works_for_the_api(client, agent):
    # given: the web UI's session
    client.force_login(agent)

    # when
    response = client.get(ME_URL)

    # then
    assert response.status_code == 200
    assert response.json()["username"] == "agent"


def test_each_user_gets_their_own_tokens(db):
    # given
    first, second = UserFactory(username="a1"), UserFactory(username="a2")
    client = APIClient()

    # when
    tokens = [
        client.post(
            TOKEN_URL, {"username": u.username, "password": PASSWORD}, format="json"
        ).json()["token"]
        for u in (first, second, first)
    ]

    # then
    assert len(set(tokens)) == 3
    assert ApiToken.objects.filter(user=first).count() == 2
