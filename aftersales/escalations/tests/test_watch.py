"""The deadline watch: warn before, escalate after, once per deadline, and say so."""

import datetime

import pytest
from django.utils import timezone

from aftersales.accounts.models import Team
from aftersales.accounts.roles import Role
from aftersales.escalations import services
from aftersales.escalations.models import Clock, Escalation, EscalationRule, Trigger
from aftersales.notifications.models import OutboundMessage
from aftersales.service.choices import EventKind, Priority, Status
from aftersales.testing.factories import ServiceRequestFactory, UserFactory

H = datetime.timedelta(hours=1)
NOW = timezone.make_aware(datetime.datetime(2026, 3, 10, 15, 0))


@pytest.fixture(autouse=True)
def no_default_rules(db):
    """Each test states its own rules; the defaults a new installation gets are tested apart."""
    EscalationRule.objects.all().delete()


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", role=Role.AGENT, email="lead@example.com")


@pytest.fixture
def team(lead):
    return Team.objects.create(name="客服热线组", lead=lead)


@pytest.fixture
def assignee(db):
    return UserFactory(username="zhang", role=Role.TECHNICIAN, email="zhang@example.com")


def open_request(assignee, team, **clocks):
    """An assigned request received 5 hours before NOW with the given clock fields."""
    fields = {
        "status": Status.ASSIGNED,
        "priority": Priority.NORMAL,
        "received_at": NOW - 5 * H,
        "first_response_at": NOW - 4 * H,
        "response_due_at": NOW - 3 * H,
        "resolution_warn_at": NOW + 1 * H,
        "resolution_due_at": NOW + 3 * H,
    } | clocks
    return ServiceRequestFactory(assignee=assignee, team=team, **fields)


def rule(**fields):
    values = {
        "name": "解决时限预警",
        "clock": Clock.RESOLUTION,
        "trigger": Trigger.WARNING,
        "notify_assignee": True,
    } | fields
    return EscalationRule.objects.create(**values)


def test_the_assignee_is_warned_once_the_warning_time_is_reached(assignee, team):
    # given a request whose resolution warning time is 15:00
    request = open_request(assignee, team, resolution_warn_at=NOW)
    rule()

    # when the watch runs at 14:59 and at 15:00
    before = services.watch(NOW - datetime.timedelta(minutes=1))
    at = services.watch(NOW)

    # then only the second run warns, by mail to the assignee, noted on the timeline
    assert (before, at) == (0, 1)
    message = OutboundMessage.objects.get()
    assert (message.event, message.to_address, message.request_id) == (
        "sla_warning", "zhang@example.com", request.pk,
    )  # fmt: skip
    event = request.events.get(kind=EventKind.ESCALATION)
    assert event.visibility == "internal"
    assert "Resolution deadline near" in event.body
    assert str(assignee) in event.body


def test_a_rule_fires_once_per_deadline(assignee, team):
    request = open_request(assignee, team, resolution_warn_at=NOW - H)
    rule()

    assert services.watch(NOW) == 1
    assert services.watch(NOW + H) == 0  # the same deadline: nothing again

    # when the deadline moves (a pause, a new priority), it is a new deadline
    request.resolution_warn_at = NOW + 2 * H
    request.resolution_due_at = NOW + 4 * H
    request.save()
    assert services.watch(NOW + 3 * H) == 1
    assert Escalation.objects.count() == 2


def test_a_breach_tells_the_lead_and_managers_and_raises_priority(assignee, team, lead):
    # given a request two hours past its resolution deadline
    manager = UserFactory(username="boss", role=Role.MANAGER, email="boss@example.com")
    request = open_request(
        assignee, team, resolution_warn_at=NOW - 4 * H, resolution_due_at=NOW - 2 * H
    )
    rule(
        name="超时升级",
        trigger=Trigger.BREACH,
        notify_assignee=False,
        notify_team_lead=True,
        notify_managers=True,
        raise_priority=True,
        reassign_to_lead=True,
    )

    # when
    services.watch(NOW)

    # then
    request.refresh_from_db()
    assert request.priority == Priority.HIGH
    assert request.assignee == lead
    assert request.version == 2
    to = sorted(OutboundMessage.objects.values_list("to_address", flat=True))
    assert to == ["boss@example.com", "lead@example.com"]
    assert {m.event for m in OutboundMessage.objects.all()} == {"sla_breached"}
    body = request.events.get(kind=EventKind.ESCALATION).body
    assert "priority raised from Normal to High" in body
    assert f"handed to {lead}" in body
    assert manager.pk in Escalation.objects.get().actions["notified"]


@pytest.mark.parametrize(
    ("after_minutes", "fires"),
    [(0, True), (120, True), (121, False)],
)
def test_a_second_level_waits_its_delay_after_the_breach(assignee, team, after_minutes, fires):
    open_request(assignee, team, resolution_warn_at=NOW - 4 * H, resolution_due_at=NOW - 2 * H)
    rule(trigger=Trigger.BREACH, after_minutes=after_minutes)
    assert services.watch(NOW) == int(fires)


@pytest.mark.parametrize(
    ("fields", "fires"),
    [
        ({}, True),
        ({"paused_at": NOW - 3 * H}, False),  # waiting on the customer: the clock stands
        ({"status": Status.RESOLVED}, False),
        ({"status": Status.CANCELLED}, False),
    ],
)
def test_only_running_clocks_escalate(assignee, team, fields, fires):
    open_request(
        assignee, team, resolution_warn_at=NOW - 4 * H, resolution_due_at=NOW - 2 * H, **fields
    )
    rule(trigger=Trigger.BREACH)
    assert services.watch(NOW) == int(fires)


def test_an_unanswered_request_escalates_on_the_response_clock(assignee, team, lead):
    request = open_request(assignee, team, first_response_at=None, response_due_at=NOW - H)
    rule(
        name="首次响应超时",
        clock=Clock.RESPONSE,
        trigger=Trigger.BREACH,
        notify_assignee=False,
        notify_team_lead=True,
    )

    assert services.watch(NOW) == 1
    assert OutboundMessage.objects.get().to_address == "lead@example.com"

    # an answered one does not
    request.first_response_at = NOW - 2 * H
    request.response_due_at = NOW - H / 2
    request.save()
    assert services.watch(NOW) == 0


def test_an_urgent_request_stays_urgent(assignee, team):
    request = open_request(
        assignee, team, priority=Priority.URGENT, resolution_due_at=NOW - H,
        resolution_warn_at=NOW - 2 * H,
    )  # fmt: skip
    rule(trigger=Trigger.BREACH, raise_priority=True)
    services.watch(NOW)
    request.refresh_from_db()
    assert request.priority == Priority.URGENT
    assert "priority" not in Escalation.objects.get().actions


def test_nobody_to_tell_is_not_an_error(team):
    request = open_request(None, team, resolution_warn_at=NOW - H)
    rule()
    assert services.watch(NOW) == 1
    assert not OutboundMessage.objects.exists()
    assert request.events.filter(kind=EventKind.ESCALATION).exists()


def test_a_rule_for_one_policy_leaves_others_alone(assignee, team):
    from aftersales.sla.models import SlaPolicy

    gold = SlaPolicy.objects.exclude(plan=None).first() or SlaPolicy.objects.first()
    mine = open_request(assignee, team, resolution_warn_at=NOW - H)
    mine.sla = {"policy": {"id": gold.pk, "name": gold.name}}
    mine.save()
    open_request(assignee, team, resolution_warn_at=NOW - H)  # another policy
    rule(policy=gold)

    assert services.watch(NOW) == 1
    assert Escalation.objects.get().request == mine


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"clock": Clock.UPDATE, "trigger": Trigger.WARNING}, "The update clock has no warning"),
        ({"after_minutes": 30}, "A delay applies only after the deadline has passed."),
        ({"notify_assignee": False}, "Choose at least one thing to do"),
        ({"name": "  "}, "Give the rule a name."),
    ],
)
def test_a_rule_that_cannot_work_is_refused(manager, fields, message):
    from aftersales.core.errors import DomainError

    values = {
        "name": "预警", "clock": Clock.RESOLUTION, "trigger": Trigger.WARNING,
        "notify_assignee": True,
    } | fields  # fmt: skip
    with pytest.raises(DomainError) as refused:
        services.save_rule(EscalationRule(**values), actor=manager)
    assert message in str(refused.value)
    assert not EscalationRule.objects.exists()
