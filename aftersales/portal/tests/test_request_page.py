"""The customer's request page: status in their words, public timeline, reply, quote, survey,
cancel while new."""

import pytest
from django.urls import reverse

from aftersales.core.errors import DomainError, NotAllowed
from aftersales.followup import surveys
from aftersales.portal import services
from aftersales.portal.tests.conftest import png
from aftersales.service import services as service
from aftersales.service.choices import EventKind, Status, Visibility
from aftersales.service.tests.quoting import make_request, quote_in
from aftersales.testing.factories import ServiceRequestFactory
from aftersales.warranty.models import QuoteStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(customer_user, customer):
    return service.create_request(
        actor=customer_user,
        customer=customer,
        subject="热水器不出热水",
        description="热水器不出热水",
        channel="portal",
    )


def in_status(status, customer, technician):
    """A request already in `status` (assigned to the technician once past triage)."""
    assignee = None if status in (Status.NEW, Status.TRIAGED) else technician
    return ServiceRequestFactory(customer=customer, status=status, assignee=assignee)


def page_of(client, request):
    return client.get(reverse("portal:request", args=[request.number]))


def test_the_page_shows_public_entries_only(portal, agent, request_):
    service.add_comment(request_, actor=agent, body="内部：客户脾气不好", visibility="internal")
    service.add_comment(request_, actor=agent, body="您好，请问型号是？", visibility="public")
    page = page_of(portal, request_).content.decode()
    assert "请问型号是" in page and "客户脾气不好" not in page
    assert "We have received your request" in page


def test_the_customer_replies_with_text_and_photos(portal, request_):
    response = portal.post(
        reverse("portal:reply", args=[request_.number]),
        {"body": "型号是 JSQ-20", "photos": [png("铭牌.png")]},
    )
    assert response.status_code == 302
    message = request_.events.get(kind=EventKind.MESSAGE)
    assert (message.body, message.visibility, message.data["channel"]) == (
        "型号是 JSQ-20",
        Visibility.PUBLIC,
        "portal",
    )
    assert request_.attachments.get().original_name == "铭牌.png"
    page = page_of(portal, request_).content.decode()
    assert "型号是 JSQ-20" in page and "铭牌.png" in page


def test_an_empty_reply_is_refused(portal, request_):
    response = portal.post(reverse("portal:reply", args=[request_.number]), {"body": " "})
    assert response.status_code == 400
    assert not request_.events.filter(kind=EventKind.MESSAGE).exists()


def test_a_reply_waiting_on_the_customer_resumes_the_request(customer_user, technician):
    request = in_status(Status.WAITING_CUSTOMER, customer_user.customer, technician)
    received = services.reply(customer_user, request, body="好的，明天在家")
    assert received.resumed
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS


def test_the_customer_cancels_a_new_request_with_a_reason(portal, request_):
    assert "Cancel this request" in page_of(portal, request_).content.decode()
    response = portal.post(
        reverse("portal:cancel", args=[request_.number]), {"reason": "已经自己修好了"}
    )
    assert response.status_code == 302
    request_.refresh_from_db()
    assert request_.status == Status.CANCELLED
    assert "Cancelled" in page_of(portal, request_).content.decode()


def test_cancelling_needs_a_reason(customer_user, request_):
    with pytest.raises(DomainError) as refused:
        services.cancel(customer_user, request_, reason="  ")
    assert refused.value.field == "reason"


def test_once_we_started_the_customer_cannot_cancel(portal, customer_user, technician):
    request = in_status(Status.ASSIGNED, customer_user.customer, technician)
    assert "Cancel this request" not in page_of(portal, request).content.decode()
    with pytest.raises(NotAllowed):
        services.cancel(customer_user, request, reason="不想修了")
    response = portal.post(reverse("portal:cancel", args=[request.number]), {"reason": "不修了"})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == Status.ASSIGNED


def test_a_customer_cannot_cancel_someone_elses_request(customer_user, other_request):
    with pytest.raises(NotAllowed):
        services.cancel(customer_user, other_request, reason="x")


def test_the_customer_accepts_a_sent_quote(portal, agent, customer):
    request = make_request(agent, customer)
    quote = quote_in(QuoteStatus.SENT, request, agent)
    page = page_of(portal, request).content.decode()
    assert "A quote is waiting for your answer" in page and str(quote.total) in page
    response = portal.post(
        reverse("portal:quote_answer", args=[request.number, quote.pk]),
        {"decision": "accept", "version": quote.version},
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    events = request.events.filter(kind=EventKind.QUOTE).order_by("-id")
    assert events.first().data["via"] == "online"


def test_the_customer_declines_a_quote_with_a_reason(portal, agent, customer):
    request = make_request(agent, customer)
    quote = quote_in(QuoteStatus.SENT, request, agent)
    portal.post(
        reverse("portal:quote_answer", args=[request.number, quote.pk]),
        {"decision": "decline", "reason": "太贵了", "version": quote.version},
    )
    quote.refresh_from_db()
    assert (quote.status, quote.decision_note) == (QuoteStatus.DECLINED, "太贵了")


def test_draft_quotes_stay_hidden_and_cannot_be_answered(portal, agent, customer):
    request = make_request(agent, customer)
    quote = quote_in(QuoteStatus.DRAFT, request, agent)
    assert "A quote is waiting" not in page_of(portal, request).content.decode()
    response = portal.post(
        reverse("portal:quote_answer", args=[request.number, quote.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404


def test_a_quote_answered_twice_says_so(portal, agent, customer):
    request = make_request(agent, customer)
    quote = quote_in(QuoteStatus.SENT, request, agent)
    url = reverse("portal:quote_answer", args=[request.number, quote.pk])
    portal.post(url, {"decision": "accept"})
    again = portal.post(url, {"decision": "decline"})
    assert again.status_code == 400
    assert "already accepted" in again.content.decode()


def test_an_open_survey_is_offered(portal, customer):
    request = ServiceRequestFactory(customer=customer, status=Status.RESOLVED)
    survey = surveys.send(request)
    page = page_of(portal, request).content.decode()
    assert reverse("survey:answer", args=[surveys.token_for(survey)]) in page
    assert "Tell us how we did" in portal.get(reverse("portal:home")).content.decode()


def test_the_request_page_takes_a_bounded_number_of_queries(
    portal, agent, customer, django_assert_max_num_queries
):
    request = make_request(agent, customer)
    quote_in(QuoteStatus.SENT, request, agent)
    for i in range(3):
        service.add_comment(request, actor=agent, body=f"消息 {i}", visibility="public")
    with django_assert_max_num_queries(30) as few:
        page_of(portal, request)
    for i in range(10):
        service.add_comment(request, actor=agent, body=f"更多 {i}", visibility="public")
        service.add_attachment(request, actor=agent, upload=png(f"{i}.png"), visibility="public")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page_of(portal, request)
