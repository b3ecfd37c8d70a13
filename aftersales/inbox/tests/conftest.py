"""Fixtures of the email channel's tests: a team mailbox, a customer who writes from a
known address, a builder for raw mails, and the real SMTP and IMAP servers."""

import importlib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.apps import apps
from django.utils import timezone

from aftersales.inbox.models import Mailbox
from aftersales.notifications.models import MessageTemplate
from aftersales.testing.factories import CustomerFactory, TeamFactory
from aftersales.testing.imap import imap_server  # noqa: F401 - a fixture
from aftersales.testing.seeds import ensure_seeded
from aftersales.testing.smtp import serving_django_mail

ADDRESS = "support@example.com"
REPLY_TEMPLATES = "aftersales.notifications.migrations.0016_seed_reply_templates"


@pytest.fixture(autouse=True)
def seeded_templates(request):
    """The message templates the migrations seed (a transactional test may have flushed
    them): a new request's confirmation and the agent's reply go out by email."""
    if "django_db" not in request.keywords and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    ensure_seeded("notifications")
    if not MessageTemplate.objects.filter(event="agent_reply").exists():
        importlib.import_module(REPLY_TEMPLATES).seed(apps, None)


@pytest.fixture
def team(db):
    return TeamFactory(name="华东客服组")


@pytest.fixture
def mailbox(db, team):
    return Mailbox.objects.create(address=ADDRESS, name="售后服务", team=team)


@pytest.fixture
def known(db):
    return CustomerFactory(name="王小明", email="wang@example.com", phone="13800138000")


def build(
    *,
    sender="王小明 <wang@example.com>",
    to=ADDRESS,
    subject="空调不制冷",
    body="您好，客厅的空调开机后不制冷，型号 KFR-35GW。",
    html=None,
    message_id=None,
    headers=None,
    files=(),
) -> bytes:
    """A raw mail as a customer's client would send it."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = message_id or make_msgid(domain="customer.example.com")
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    if html:
        mail.add_alternative(html, subtype="html")
    for name, content_type, data in files:
        maintype, subtype = content_type.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail.as_bytes()


@pytest.fixture
def mail():
    return build


@pytest.fixture
def smtp(settings):
    """Our outgoing mail server: a real SMTP server that records what it receives."""
    yield from serving_django_mail(settings, "售后服务 <noreply@example.com>")
