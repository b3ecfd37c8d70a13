"""`/api/v1/inbox/…` per role: the back office reads, managers write."""

import pytest
from rest_framework.test import APIClient

from aftersales.inbox import services
from aftersales.inbox.models import Mailbox

pytestmark = pytest.mark.django_db

MAILBOXES = "/api/v1/inbox/mailboxes/"
MAILS = "/api/v1/inbox/mails/"
ROLES = ["admin_user", "manager", "agent", "dispatcher", "technician", "partner", "customer_user"]
READERS = {"admin_user", "manager", "agent", "dispatcher"}
MANAGERS = {"admin_user", "manager"}


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_reading_per_role(request, mailbox, known, mail, role):
    services.receive(mail(), mailbox)
    api = client_for(request.getfixturevalue(role))
    expected = 200 if role in READERS else 403

    assert api.get(MAILBOXES).status_code == expected
    assert api.get(MAILS).status_code == expected
    if role in READERS:
        [row] = api.get(MAILS).json()["results"]
        assert row["outcome"] == "created" and row["request"].startswith("SR-")
        assert api.get(f"{MAILS}{row['id']}/raw/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_writing_per_role(request, db, role):
    api = client_for(request.getfixturevalue(role))

    response = api.post(
        MAILBOXES,
        {"address": "help@example.com", "language": "en", "default_kind": "repair"},
        format="json",
    )

    assert response.status_code == (201 if role in MANAGERS else 403)
    assert Mailbox.objects.exists() is (role in MANAGERS)


def test_anonymous_gets_401(db):
    assert client_for().get(MAILBOXES).status_code in (401, 403)


def test_a_manager_changes_and_deletes_an_unused_mailbox(manager, mailbox):
    api = client_for(manager)

    response = api.patch(f"{MAILBOXES}{mailbox.pk}/", {"active": False}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False

    assert api.delete(f"{MAILBOXES}{mailbox.pk}/").status_code == 204


def test_a_mailbox_with_mail_is_not_deleted(manager, mailbox, known, mail):
    services.receive(mail(), mailbox)

    response = client_for(manager).delete(f"{MAILBOXES}{mailbox.pk}/")

    assert response.status_code == 409
    assert "deactivate" in response.json()["detail"]


def test_a_duplicate_address_is_refused_in_words(manager, mailbox):
    response = client_for(manager).post(
        MAILBOXES, {"address": mailbox.address.upper(), "language": "en"}, format="json"
    )
    assert response.status_code == 400
    assert "Another mailbox" in response.json()["detail"]


def test_the_mail_list_filters_and_is_bounded(
    agent, mailbox, known, mail, django_assert_max_num_queries
):
    for n in range(4):
        services.receive(mail(subject=f"问题 {n}", body=f"内容 {n}"), mailbox)
    first = services.receive(mail(subject="first", body="first"), mailbox).request
    flagged = services.receive(mail(sender="x@evil.example", subject=f"[{first.number}]"), mailbox)
    api = client_for(agent)

    with django_assert_max_num_queries(6):
        rows = api.get(MAILS).json()["results"]
    assert len(rows) == 6
    assert [r["id"] for r in api.get(MAILS, {"flagged": "1"}).json()["results"]] == [flagged.pk]
    assert len(api.get(MAILS, {"request": first.number}).json()["results"]) == 1
    assert len(api.get(MAILS, {"q": "问题 1"}).json()["results"]) == 1


def test_the_password_is_never_in_the_api(manager, mailbox, monkeypatch):
    monkeypatch.setenv("INBOX_PW", "s3cret")
    mailbox.imap_host, mailbox.imap_user, mailbox.imap_password_env = "h", "u", "INBOX_PW"
    mailbox.save()

    body = client_for(manager).get(f"{MAILBOXES}{mailbox.pk}/").content.decode()

    assert "INBOX_PW" in body and "s3cret" not in body
