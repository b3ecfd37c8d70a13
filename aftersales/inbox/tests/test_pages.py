"""The mailbox pages (/inbox/) per role, the mailbox form, the mail log and the panel on
the request page."""

import pytest
from django.urls import reverse

from aftersales.inbox import services
from aftersales.inbox.models import Mailbox

pytestmark = pytest.mark.django_db

ROLES = ["admin_user", "manager", "agent", "dispatcher", "technician", "partner", "customer_user"]
READERS = {"admin_user", "manager", "agent", "dispatcher"}
MANAGERS = {"admin_user", "manager"}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_mailbox_pages(request, client, mailbox, known, mail, role):
    received = services.receive(mail(), mailbox)
    client.force_login(request.getfixturevalue(role))
    pages = [
        reverse("inbox:home"),
        reverse("inbox:mail_list"),
        reverse("inbox:mail_detail", args=[received.pk]),
        reverse("inbox:mail_raw", args=[received.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == (200 if role in READERS else 403), url
    for url in (reverse("inbox:mailbox_create"), reverse("inbox:mailbox_edit", args=[mailbox.pk])):
        assert client.get(url).status_code == (200 if role in MANAGERS else 403), url


def test_anonymous_users_are_sent_to_log_in(client, mailbox):
    response = client.get(reverse("inbox:home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_manager_adds_a_mailbox_with_imap_and_no_password_stored(client, manager, team):
    client.force_login(manager)
    response = client.post(
        reverse("inbox:mailbox_create"),
        {
            "address": "Sales@Example.com", "name": "销售", "team": team.pk,
            "language": "zh-hans", "default_kind": "consultation", "active": "on",
            "is_default": "on", "imap_host": "imap.example.com", "imap_port": 993,
            "imap_ssl": "on", "imap_user": "sales", "imap_folder": "INBOX",
            "imap_password_env": "INBOX_SALES_PASSWORD",
        },
    )  # fmt: skip

    assert response.status_code == 302
    box = Mailbox.objects.get()
    assert box.address == "sales@example.com"
    assert box.is_default and box.polls_imap
    assert box.imap_password_env == "INBOX_SALES_PASSWORD"


def test_the_form_refuses_imap_without_a_password_variable_and_a_bad_variable_name(client, manager):
    client.force_login(manager)
    data = {"address": "a@example.com", "language": "en", "default_kind": "repair",
            "imap_port": 993, "imap_folder": "INBOX", "imap_host": "imap.example.com"}  # fmt: skip
    response = client.post(reverse("inbox:mailbox_create"), data)
    assert response.status_code == 400
    assert "name of the variable" in response.content.decode()

    response = client.post(
        reverse("inbox:mailbox_create"),
        {**data, "imap_user": "a", "imap_password_env": "my secret password"},
    )
    assert response.status_code == 400
    assert "environment variable" in response.content.decode()
    assert not Mailbox.objects.exists()


def test_one_default_mailbox(manager, mailbox):
    mailbox.is_default = True
    services.save_mailbox(mailbox, actor=manager)
    other = services.save_mailbox(Mailbox(address="b@example.com", is_default=True), actor=manager)

    mailbox.refresh_from_db()
    assert other.is_default and not mailbox.is_default


def test_the_mail_log_filters_and_stays_bounded(
    client, agent, mailbox, known, mail, django_assert_max_num_queries
):
    for n in range(5):
        services.receive(mail(subject=f"问题 {n}", body=f"内容 {n}"), mailbox)
    services.receive(mail(subject="out of office", headers={"Auto-Submitted": "auto-replied"}),
                     mailbox)  # fmt: skip
    client.force_login(agent)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("inbox:mail_list")).content.decode()
    assert page.count("data-mail=") == 6

    page = client.get(reverse("inbox:mail_list"), {"outcome": "auto_reply"}).content.decode()
    assert page.count("data-mail=") == 1 and "out of office" in page


def test_the_mail_page_shows_the_text_and_the_raw_download(client, agent, mailbox, known, mail):
    received = services.receive(mail(body="第一行\n第二行"), mailbox)
    client.force_login(agent)

    page = client.get(reverse("inbox:mail_detail", args=[received.pk])).content.decode()
    assert "第一行\n第二行" in page
    raw = client.get(reverse("inbox:mail_raw", args=[received.pk]))
    assert raw["Content-Type"] == "message/rfc822"
    assert b"".join(raw.streaming_content).startswith(b"From:")


def test_the_request_page_says_where_an_email_request_came_from(
    client, agent, mailbox, known, mail
):
    received = services.receive(mail(), mailbox)
    client.force_login(agent)

    page = client.get(reverse("service:detail", args=[received.request.number])).content.decode()

    assert 'id="email-origin"' in page
    assert "wang@example.com" in page and "support@example.com" in page
    assert "emailed" in page


def test_a_flagged_request_page_shows_why(client, agent, mailbox, known, mail):
    from aftersales.testing.factories import ServiceRequestFactory

    theirs = ServiceRequestFactory(customer=known)
    received = services.receive(mail(sender="x@evil.example", subject=f"[{theirs.number}]"),
                                mailbox)  # fmt: skip
    client.force_login(agent)

    page = client.get(reverse("service:detail", args=[received.request.number])).content.decode()
    assert "data-flagged" in page and theirs.number in page
