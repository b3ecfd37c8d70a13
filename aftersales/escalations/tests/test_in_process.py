"""Without a broker (`make run`), the web process's own scheduler watches the deadlines:
an overdue request escalates with no other process running."""

import datetime
import time

import pytest
from django.utils import timezone

from aftersales import celery as schedule
from aftersales.accounts.models import Team
from aftersales.accounts.roles import Role
from aftersales.core import background
from aftersales.escalations.models import Escalation, EscalationRule
from aftersales.service.choices import EventKind, Status
from aftersales.testing.factories import ServiceRequestFactory, UserFactory


def eventually(condition, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_an_overdue_request_escalates_in_the_web_process(settings, monkeypatch):
    # given a web process without a broker, which watches deadlines every fifth of a second
    settings.BACKGROUND_MODE = "thread"
    monkeypatch.setenv(schedule.OVERRIDE_VARIABLE, "watch-deadlines=0.2")
    watch = [job for job in schedule.periodic_jobs() if job.name == "watch-deadlines"]
    monkeypatch.setattr(schedule, "PERIODIC_JOBS", tuple(watch))

    # and a request past its resolution deadline, and a rule for that (seeded rules do not
    # survive the flush of an earlier transactional test)
    lead = UserFactory(username="lead", role=Role.AGENT, email="lead@example.com")
    now = timezone.now()
    request = ServiceRequestFactory(
        status=Status.ASSIGNED,
        team=Team.objects.create(name="客服热线组", lead=lead),
        first_response_at=now - datetime.timedelta(hours=5),
        resolution_warn_at=now - datetime.timedelta(hours=3),
        resolution_due_at=now - datetime.timedelta(minutes=10),
    )
    EscalationRule.objects.all().delete()
    EscalationRule.objects.create(
        name="解决超时", clock="resolution", trigger="breach", notify_team_lead=True
    )

    # when the web process runs
    runner = background.start_if_needed()
    try:
        # then the breach is escalated by itself, once
        assert eventually(lambda: Escalation.objects.filter(request=request).exists())
        time.sleep(0.5)  # the watch runs again meanwhile
    finally:
        assert background.stop(10)
    assert runner is not None
    fired = Escalation.objects.filter(request=request)
    assert [e.rule.name for e in fired] == ["解决超时"]
    assert request.events.filter(kind=EventKind.ESCALATION).count() == 1
