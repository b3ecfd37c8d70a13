"""IMAP polling against a real Dovecot: new mail once, UIDVALIDITY, a server that is down."""

import pytest

from aftersales.inbox import imap
from aftersales.inbox.models import InboundMail, Mailbox
from aftersales.inbox.tests.conftest import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap_box(mailbox, imap_server, monkeypatch):
    monkeypatch.setenv("INBOX_TEST_PASSWORD", imap_server.password)
    mailbox.imap_host, mailbox.imap_port, mailbox.imap_ssl = "127.0.0.1", imap_server.port, False
    mailbox.imap_user, mailbox.imap_password_env = imap_server.user, "INBOX_TEST_PASSWORD"
    mailbox.save()
    return mailbox


def test_new_mail_is_read_once_and_marked_seen(imap_box, imap_server, known):
    imap_server.append(build(message_id="<a@c.example>"))
    imap_server.append(build(message_id="<b@c.example>", subject="洗衣机", body="漏水"))

    assert imap.poll_all()["support@example.com"].fetched == 2
    imap_box.refresh_from_db()
    assert imap_box.imap_last_uid == 2 and imap_box.imap_uidvalidity
    assert imap_server.seen() == [1, 2]
    assert InboundMail.objects.count() == 2

    assert imap.poll_all()["support@example.com"].fetched == 0


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(imap_box, imap_server, known):
    imap_server.append(build(message_id="<a@c.example>"))
    imap.poll_all()
    Mailbox.objects.filter(pk=imap_box.pk).update(imap_uidvalidity=1, imap_last_uid=99)

    assert imap.poll_all()["support@example.com"].fetched == 1
    assert InboundMail.objects.count() == 1


def test_a_server_that_is_down_is_recorded_and_the_others_still_polled(
    imap_box, imap_server, known, db
):
    broken = Mailbox.objects.create(
        address="down@example.com", imap_host="127.0.0.1", imap_port=1, imap_ssl=False,
        imap_user="x", imap_password_env="INBOX_TEST_PASSWORD",
    )  # fmt: skip
    imap_server.append(build())

    results = imap.poll_all()

    assert results["support@example.com"].fetched == 1
    broken.refresh_from_db()
    assert "ConnectionRefused" in broken.last_error and broken.last_polled_at


def test_a_wrong_password_or_missing_variable_is_recorded(imap_box, monkeypatch):
    monkeypatch.setenv("INBOX_TEST_PASSWORD", "wrong")
    assert "error" in imap.poll_all()["support@example.com"].error.lower()

    monkeypatch.delenv("INBOX_TEST_PASSWORD")
    assert "INBOX_TEST_PASSWORD" in imap.poll_all()["support@example.com"].error
