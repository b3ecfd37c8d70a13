"""A user's own account page: settings and API tokens shown once, stored hashed."""

from django.urls import reverse

from aftersales.accounts.models import ApiToken
from aftersales.accounts.tokens import digest, user_for_token


def test_change_language_and_time_zone(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("profile"),
        {"first_name": "丽", "last_name": "张", "language": "en", "time_zone": "Asia/Urumqi"},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.language, agent.time_zone) == ("en", "Asia/Urumqi")


def test_unknown_time_zone_is_refused(client, agent):
    client.force_login(agent)
    response = client.post(reverse("profile"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "not a known time zone" in response.content.decode()
    agent.refresh_from_db()
    assert agent.time_zone == ""


def test_new_token_is_shown_once_and_stored_only_as_digest(client, agent):
    client.force_login(agent)
    response = client.post(reverse("token_create"), {"name": "ERP"})
    token = response.context["new_token"]
    assert token in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    stored = ApiToken.objects.get(user=agent)
    assert stored.digest == digest(token) and token not in (stored.digest, stored.prefix)
    assert user_for_token(token) == agent
    # the page never shows it again
    assert token not in client.get(reverse("profile")).content.decode()


def test_revoke_own_token_only(client, agent, manager):
    client.force_login(agent)
    token = client.post(reverse("token_create"), {}).context["new_token"]
    theirs = client.post(reverse("token_create"), {}).context["new_token"]
    client.force_login(manager)
    client.post(reverse("token_revoke", args=[ApiToken.objects.get(digest=digest(theirs)).pk]))
    assert user_for_token(theirs) == agent  # not the manager's to revoke
    client.force_login(agent)
    client.post(reverse("token_revoke", args=[ApiToken.objects.get(digest=digest(token)).pk]))
    assert user_for_token(token) is None


def test_names_read_the_way_their_language_writes_them(db):
    from aftersales.testing.factories import UserFactory

    assert str(UserFactory(first_name="丽", last_name="张")) == "张丽"
    assert str(UserFactory(first_name="Mary", last_name="Smith")) == "Mary Smith"
    assert str(UserFactory(username="ops", first_name="", last_name="")) == "ops"
