"""The satisfaction survey: sent by message follow-ups or by an agent, answered once on a
phone through a signed link; tampered, expired and replayed links get a clear page; a
low score alerts the team lead and opens a recovery follow-up."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.models import Team
from aftersales.core.errors import Conflict, DomainError
from aftersales.followup import surveys
from aftersales.followup.models import FollowUp, Method, Purpose, Status, Survey
from aftersales.notifications.models import OutboundMessage
from aftersales.service.choices import EventKind
from aftersales.service.choices import Status as RequestStatus
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", role="agent", email="lead@example.com")


@pytest.fixture
def done_request(lead):
    customer = CustomerFactory(email="wang@example.com", language="zh-hans")
    team = Team.objects.create(name="华东客服", lead=lead)
    return ServiceRequestFactory(
        customer=customer, team=team, status=RequestStatus.RESOLVED,
        resolution_summary="更换主板",
    )  # fmt: skip


@pytest.fixture
def survey(done_request):
    return surveys.send(done_request)


def token(survey):
    return surveys.token_for(survey)


# --- Sending ------------------------------------------------------------------------------


def test_sending_mails_the_customer_the_link(done_request):
    survey = surveys.send(done_request)
    message = OutboundMessage.objects.get(event="follow_up", customer=done_request.customer)
    assert f"/s/{token(survey)}/" in message.body
    assert survey.expires_at - survey.sent_at == datetime.timedelta(days=14)


def test_message_follow_ups_send_their_survey_when_due(done_request):
    followup = FollowUp.objects.create(
        request=done_request, method=Method.MESSAGE,
        due_at=timezone.now() + datetime.timedelta(days=3),
    )  # fmt: skip
    # not yet due: nothing is sent
    assert surveys.send_due() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, minutes=1)):
        assert surveys.send_due() == 1
        assert surveys.send_due() == 0  # and only once
    followup.refresh_from_db()
    assert followup.status == Status.DONE
    assert Survey.objects.get(request=done_request).followup == followup


def test_an_answered_survey_is_not_sent_again(survey):
    surveys.answer(token(survey), csat=5)
    with pytest.raises(Conflict):
        surveys.send(survey.request)


# --- Answering ----------------------------------------------------------------------------


def test_a_good_answer_is_recorded_on_the_request(survey):
    answered = surveys.answer(token(survey), csat=5, nps=9, timeliness=4, attitude=5,
                              skill=5, text="师傅很专业")  # fmt: skip
    assert (answered.csat, answered.nps, answered.skill, answered.low_score) == (5, 9, 5, False)
    event = survey.request.events.get(kind=EventKind.SURVEY)
    assert "师傅很专业" in event.body and event.data["csat"] == 5
    assert not FollowUp.objects.filter(purpose=Purpose.RECOVERY).exists()


@pytest.mark.parametrize("csat, nps", [(2, 9), (4, 6), (1, None)])
def test_a_low_score_alerts_the_lead_and_opens_recovery(survey, lead, csat, nps):
    surveys.answer(token(survey), csat=csat, nps=nps, text="迟到两小时")
    recovery = FollowUp.objects.get(request=survey.request, purpose=Purpose.RECOVERY)
    assert (recovery.assignee, recovery.status) == (lead, Status.OPEN)
    alert = OutboundMessage.objects.get(event="low_score")
    assert alert.user == lead and "迟到两小时" in alert.body
    assert f"/follow-ups/{recovery.pk}/" in alert.body


@pytest.mark.parametrize(
    "fields, field",
    [({"csat": ""}, "csat"), ({"csat": 6}, "csat"), ({"csat": 3, "nps": 11}, "nps"),
     ({"csat": 3, "skill": "x"}, "skill")],
)  # fmt: skip
def test_bad_answers_are_refused_and_change_nothing(survey, fields, field):
    with pytest.raises(DomainError) as error:
        surveys.answer(token(survey), **fields)
    assert error.value.field == field
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_replay_tamper_and_expiry(survey):
    surveys.answer(token(survey), csat=4)
    assert surveys.read(token(survey)).problem == "answered"
    with pytest.raises(Conflict):
        surveys.answer(token(survey), csat=1)
    assert surveys.read(token(survey)[:-2] + "xx").problem == "invalid"
    other = surveys.send(ServiceRequestFactory(status=RequestStatus.RESOLVED))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        assert surveys.read(token(other)).problem == "expired"


# --- The page -----------------------------------------------------------------------------


def test_the_customer_answers_on_the_page_in_their_language(client, survey):
    url = reverse("survey:answer", args=[token(survey)])
    page = client.get(url)
    assert page.status_code == 200 and page["Content-Language"] == "zh-hans"
    assert survey.request.number in page.content.decode()
    # a missing overall score is asked for again, with what was typed kept
    response = client.post(url, {"nps": "8", "text": "还行"})
    assert response.status_code == 400 and "还行" in response.content.decode()
    response = client.post(url, {"csat": "4", "nps": "8", "attitude": "5", "text": "还行"})
    assert response.status_code == 200 and 'data-outcome="answered"' in response.content.decode()
    # the same link again says it was answered, and changes nothing
    again = client.post(url, {"csat": "1"})
    assert again.status_code == 410 and 'data-problem="answered"' in again.content.decode()
    survey.refresh_from_db()
    assert (survey.csat, survey.attitude) == (4, 5)


def test_a_tampered_link_gets_a_page_not_an_error(client):
    response = client.get(reverse("survey:answer", args=["abc:def"]))
    assert response.status_code == 400 and 'data-problem="invalid"' in response.content.decode()


def test_the_agent_sends_the_link_instead_of_calling(client, agent, done_request):
    followup = FollowUp.objects.create(request=done_request, due_at=timezone.now())
    client.force_login(agent)
    response = client.post(reverse("followup:send_survey", args=[followup.pk]))
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.status == Status.DONE and Survey.objects.filter(request=done_request).exists()


# --- API ----------------------------------------------------------------------------------


def test_the_api_answers_once_and_staff_read_low_scores(survey, agent, technician):
    from rest_framework.test import APIClient

    public = APIClient()
    url = f"/api/v1/survey-answers/{token(survey)}/"
    assert public.post(url, {"csat": "9"}, format="json").status_code == 400
    done = public.post(url, {"csat": "2", "nps": "3", "text": "慢"}, format="json")
    assert done.status_code == 200 and done.json()["low_score"] is True
    assert public.post(url, {"csat": "5"}, format="json").status_code == 409
    staff = APIClient()
    staff.force_authenticate(agent)
    rows = staff.get("/api/v1/surveys/", {"low": "1"}).json()["results"]
    assert [(r["request_number"], r["csat"]) for r in rows] == [(survey.request.number, 2)]
    staff.force_authenticate(technician)
    assert staff.get("/api/v1/surveys/").status_code == 403
