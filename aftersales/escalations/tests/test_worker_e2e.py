"""End to end with Redis and a separate worker: an overdue request escalates, and the
mail about it reaches a real SMTP server, without anything but the worker running."""

import datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.db import connection
from django.utils import timezone

from aftersales.accounts.models import Team
from aftersales.accounts.roles import Role
from aftersales.escalations.models import Escalation, EscalationRule
from aftersales.notifications.models import OutboundMessage
from aftersales.service.choices import EventKind, Status
from aftersales.testing.factories import ServiceRequestFactory, UserFactory
from aftersales.testing.seeds import ensure_seeded
from aftersales.testing.smtp import SmtpServer
from aftersales.testing.workers import redis_broker, wait_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process must open the test database, which only PostgreSQL "
    "shares (run with DATABASE_URL=postgres://...)",
)


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def test_an_overdue_request_escalates_on_a_redis_worker(start_worker, smtp_server):
    # given a request an hour past its resolution deadline, and a rule for that
    ensure_seeded()  # the message templates
    lead = UserFactory(username="lead", role=Role.AGENT, email="lead@example.com")
    team = Team.objects.create(name="客服热线组", lead=lead)
    now = timezone.now()
    request = ServiceRequestFactory(
        status=Status.ASSIGNED,
        team=team,
        received_at=now - datetime.timedelta(hours=30),
        first_response_at=now - datetime.timedelta(hours=29),
        resolution_warn_at=now - datetime.timedelta(hours=3),
        resolution_due_at=now - datetime.timedelta(hours=1),
    )
    EscalationRule.objects.all().delete()
    EscalationRule.objects.create(
        name="解决超时", clock="resolution", trigger="breach", notify_team_lead=True
    )

    # when a worker with beat runs on Redis, the watch and the outbox every second
    worker = start_worker(
        redis_broker(),
        PERIODIC_EVERY="watch-deadlines=1,deliver-due=1",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        DEFAULT_FROM_EMAIL="service@example.com",
    )

    # then the request is escalated once, on its timeline, and the lead's mail arrives
    wait_for(lambda: Escalation.objects.filter(request=request).exists(), worker, "escalation")
    wait_for(
        lambda: len(smtp_server.received) == 1,
        worker,
        "the mail to the team lead",
        explain=lambda: [
            (m.status, m.attempts, m.last_error) for m in OutboundMessage.objects.all()
        ],
    )
    _sender, recipients, raw = smtp_server.received[0]
    assert recipients == ["lead@example.com"]
    subject = str(make_header(decode_header(message_from_bytes(raw)["Subject"])))
    assert request.number in subject
    assert request.events.filter(kind=EventKind.ESCALATION).count() == 1
    message = OutboundMessage.objects.get(request=request)
    wait_for(
        lambda: OutboundMessage.objects.filter(pk=message.pk, status="sent").exists(),
        worker,
        "the message marked sent",
    )
    # and however often the watch ran meanwhile, nothing fired twice
    assert Escalation.objects.filter(request=request).count() == 1
    assert len(smtp_server.received) == 1
