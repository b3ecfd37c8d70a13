"""Follow-up after resolution (回访): resolving schedules the call; the agent's outcome
closes, reopens or retries; who may; the queue page and API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.followup import services
from aftersales.followup.models import FollowUp, FollowUpRule, Method, Status
from aftersales.notifications.models import OutboundMessage
from aftersales.service import services as request_services
from aftersales.service.choices import EventKind
from aftersales.service.choices import Status as RequestStatus
from aftersales.testing.factories import ServiceRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignee(db):
    return UserFactory(username="fixer", role="agent", email="fixer@example.com")


@pytest.fixture
def resolved(agent, assignee):
    """A request in progress with its assignee, then resolved by them."""
    request = ServiceRequestFactory(status=RequestStatus.IN_PROGRESS, assignee=assignee)
    return request_services.transition(
        request, actor=assignee, to=RequestStatus.RESOLVED,
        resolution_type="remote", resolution_summary="指导客户重置后恢复正常",
    )  # fmt: skip


def local(moment):
    return timezone.localtime(moment)


# --- Scheduling ---------------------------------------------------------------------------


def test_resolving_schedules_a_call_three_days_later_at_six_pm(resolved):
    followup = FollowUp.objects.get(request=resolved)
    due = local(followup.due_at)
    assert due.date() == timezone.localdate(resolved.resolved_at) + datetime.timedelta(days=3)
    assert (due.hour, due.minute, followup.method, followup.status) == (18, 0, "call", "open")


def test_a_rule_for_the_kind_sets_days_and_method(assignee):
    FollowUpRule.objects.create(days=3)
    FollowUpRule.objects.create(kind="installation", days=1, method=Method.MESSAGE)
    request = ServiceRequestFactory(
        kind="installation", status=RequestStatus.IN_PROGRESS, assignee=assignee
    )
    request_services.transition(
        request, actor=assignee, to=RequestStatus.RESOLVED,
        resolution_type="onsite", resolution_summary="安装完成",
    )  # fmt: skip
    followup = FollowUp.objects.get(request=request)
    assert followup.method == Method.MESSAGE
    assert local(followup.due_at).date() == timezone.localdate() + datetime.timedelta(days=1)


def test_scheduling_twice_keeps_one_open_follow_up(resolved):
    again = services.schedule(resolved)
    assert FollowUp.objects.filter(request=resolved).count() == 1
    assert again == FollowUp.objects.get(request=resolved)


# --- Outcomes -----------------------------------------------------------------------------


def test_solved_closes_the_request_and_logs_the_call(resolved, agent):
    followup = FollowUp.objects.get(request=resolved)
    services.record(followup, agent, result="reached", solved=True, satisfaction=5,
                    comments="很满意")  # fmt: skip
    followup.refresh_from_db()
    resolved.refresh_from_db()
    assert (followup.status, followup.solved, followup.satisfaction) == ("done", True, 5)
    assert resolved.status == RequestStatus.CLOSED
    call = resolved.events.filter(kind=EventKind.CALL).latest("id")
    assert call.data["direction"] == "outbound" and "很满意" in call.body


def test_not_solved_reopens_the_request_and_tells_the_assignee(resolved, agent, assignee):
    followup = FollowUp.objects.get(request=resolved)
    services.record(followup, agent, result="reached", solved=False, satisfaction=2,
                    comments="还是不制冷")  # fmt: skip
    resolved.refresh_from_db()
    assert resolved.status == RequestStatus.IN_PROGRESS and resolved.assignee == assignee
    message = OutboundMessage.objects.get(event="request_reopened")
    assert message.user == assignee and "还是不制冷" in message.body
    # and the reopened request has no open follow-up until it is resolved again
    assert not FollowUp.objects.filter(request=resolved, status=Status.OPEN).exists()


def test_not_reached_is_tried_again_then_given_up(resolved, agent):
    followup = FollowUp.objects.get(request=resolved)
    services.record(followup, agent, result="no_answer")
    followup.refresh_from_db()
    assert followup.status == "open" and followup.attempts == 1
    assert followup.due_at > timezone.now() + datetime.timedelta(hours=3)
    services.record(followup, agent, result="busy")
    services.record(followup, agent, result="no_answer")
    followup.refresh_from_db()
    assert (followup.status, followup.attempts) == (Status.UNREACHABLE, 3)
    resolved.refresh_from_db()
    assert resolved.status == RequestStatus.RESOLVED  # nothing decided for the customer
    assert resolved.events.filter(kind=EventKind.CALL).count() == 3


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"result": "reached"}, "solved"),
        ({"result": "maybe"}, "reached"),
        ({"result": "reached", "solved": True, "satisfaction": 9}, "1 to 5"),
    ],
)
def test_incomplete_outcomes_are_refused_and_change_nothing(resolved, agent, fields, error):
    followup = FollowUp.objects.get(request=resolved)
    with pytest.raises(DomainError, match=error):
        services.record(followup, agent, **fields)
    followup.refresh_from_db()
    assert (followup.status, followup.attempts) == ("open", 0)
    assert not followup.calls.exists()


def test_a_finished_follow_up_or_a_stale_version_is_refused(resolved, agent):
    followup = FollowUp.objects.get(request=resolved)
    with pytest.raises(Conflict):
        services.record(followup, agent, result="no_answer", expected_version=99)
    services.record(followup, agent, result="reached", solved=True)
    with pytest.raises(Conflict):
        services.record(followup, agent, result="reached", solved=True)


@pytest.mark.parametrize("who", ["technician", "partner", "customer_user"])
def test_field_partner_and_customers_may_not_record(request, resolved, who):
    followup = FollowUp.objects.get(request=resolved)
    with pytest.raises(NotAllowed):
        services.record(followup, request.getfixturevalue(who), result="reached", solved=True)


# --- Pages and API ------------------------------------------------------------------------


def test_the_agent_works_the_queue_in_the_browserless_ui(client, agent, resolved):
    followup = FollowUp.objects.get(request=resolved)
    followup.due_at = timezone.now() - datetime.timedelta(minutes=1)
    followup.save()
    client.force_login(agent)
    page = client.get(reverse("followup:queue")).content.decode()
    assert f'data-request="{resolved.number}"' in page
    detail = client.get(reverse("followup:detail", args=[followup.pk]))
    assert resolved.customer.name in detail.content.decode()
    # a reached call without the answer is refused with the reason on the form
    post = {"result": "reached", "version": followup.version}
    response = client.post(reverse("followup:detail", args=[followup.pk]), post)
    assert response.status_code == 400 and "solved" in response.content.decode()
    post.update(solved="yes", satisfaction="4", comments="好")
    response = client.post(reverse("followup:detail", args=[followup.pk]), post)
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == RequestStatus.CLOSED


@pytest.mark.parametrize("who, status", [("technician", 403), ("partner", 403), ("manager", 200)])
def test_who_may_open_the_queue(request, client, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("followup:queue")).status_code == status


def test_the_queue_reads_a_bounded_number_of_queries(
    client, agent, assignee, django_assert_max_num_queries
):
    for _ in range(12):
        request = ServiceRequestFactory(status=RequestStatus.RESOLVED, assignee=assignee)
        services.schedule(request, at=timezone.now() - datetime.timedelta(days=4))
    client.force_login(agent)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("followup:queue"))
    assert response.content.decode().count("data-followup=") == 12


def test_the_api_lists_and_records(agent, resolved, technician):
    api = APIClient()
    api.force_authenticate(agent)
    rows = api.get("/api/v1/follow-ups/", {"view": "open"}).json()["results"]
    [row] = rows
    assert row["request_number"] == resolved.number and row["status"] == "open"
    bad = api.post(f"/api/v1/follow-ups/{row['id']}/record/", {"result": "reached"}, format="json")
    assert bad.status_code == 400
    done = api.post(
        f"/api/v1/follow-ups/{row['id']}/record/",
        {"result": "reached", "solved": False, "satisfaction": 1, "comments": "没修好"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    resolved.refresh_from_db()
    assert resolved.status == RequestStatus.IN_PROGRESS
    api.force_authenticate(technician)
    assert api.get("/api/v1/follow-ups/").status_code == 403


def test_a_solved_complaint_waits_for_the_managers_sign_off(agent, assignee):
    request = ServiceRequestFactory(
        kind="complaint", status=RequestStatus.RESOLVED, assignee=assignee
    )
    followup = services.schedule(request)
    services.record(followup, agent, result="reached", solved=True, satisfaction=4)
    request.refresh_from_db()
    followup.refresh_from_db()
    assert followup.status == "done" and request.status == RequestStatus.RESOLVED


def test_a_manager_sets_a_rule_on_its_page_and_a_second_active_one_is_refused(
    client, manager, agent
):
    client.force_login(manager)
    data = {"kind": "installation", "plan": "", "days": "1", "method": "call",
            "script": "您好，安装是否顺利？", "active": "on"}  # fmt: skip
    assert client.post(reverse("followup:rule_create"), data).status_code == 302
    rule = FollowUpRule.objects.get()
    assert (rule.kind, rule.days, rule.plan) == ("installation", 1, None)
    again = client.post(reverse("followup:rule_create"), data)
    assert again.status_code == 400 and FollowUpRule.objects.count() == 1
    assert "安装是否顺利" in client.get(reverse("followup:rule_list")).content.decode()
    client.force_login(agent)
    assert client.get(reverse("followup:rule_list")).status_code == 403
