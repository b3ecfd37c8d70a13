"""The messages card of the service request page, and its selector."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from aftersales.notifications import selectors, services
from aftersales.notifications.models import Channel, Event
from aftersales.testing.factories import ServiceRequestFactory


def render_card(user, request):
    http = RequestFactory().get("/requests/x/")
    http.user = user
    return Template("{% load notification_tags %}{% request_messages obj %}").render(
        Context({"request": http, "obj": request, "csrf_token": "t"})
    )


@pytest.fixture
def history(sr, memory):
    """One sent email, one SMS retrying, one that gave up."""
    [sent] = services.notify(Event.REQUEST_RECEIVED, request=sr)
    services.deliver(sent.pk)
    [retrying] = services.notify(Event.VISIT_BOOKED, request=sr, channel=Channel.SMS)
    memory.fail = "temporary"
    services.deliver(retrying.pk)
    [failed] = services.notify(Event.QUOTE_SENT, request=sr, channel=Channel.SMS)
    memory.fail = "permanent"
    services.deliver(failed.pk)
    memory.fail = None
    return {"sent": sent, "retrying": retrying, "failed": failed}


def test_the_selector_reads_a_requests_messages_in_one_query(
    sr, history, django_assert_num_queries
):
    ServiceRequestFactory()  # another request's messages stay out
    with django_assert_num_queries(1):
        rows = selectors.messages_for_request(sr)
        names = [str(m.recipient) for m in rows]
    assert [m.event for m in rows] == [Event.QUOTE_SENT, Event.VISIT_BOOKED, Event.REQUEST_RECEIVED]
    assert names == ["王小明"] * 3


def test_the_card_shows_each_messages_state(sr, history, manager):
    html = render_card(manager, sr)

    assert 'id="request-messages"' in html
    assert "bi-envelope" in html and "bi-chat-text" in html
    assert "wang@example.com" in html
    assert "我们已收到您的服务请求" in html
    assert 'data-message-status="sent"' in html
    assert "1 attempt failed, next at" in html
    assert "the test double is down" in html
    assert "gave up after 1 attempt" in html
    # Managers get the buttons, with the page to come back to
    assert html.count('data-action="retry-message"') == 2
    assert 'name="next" value="/requests/x/"' in html


@pytest.mark.parametrize(
    ("role", "shown", "buttons"),
    [
        ("admin", True, True),
        ("manager", True, True),
        ("agent", True, False),
        ("dispatcher", True, False),
        ("customer", False, False),
    ],
)
def test_who_sees_the_card(sr, history, users, role, shown, buttons):
    user = users[role]
    if role == "customer":
        sr.customer = user.customer
        sr.save()
    html = render_card(user, sr)
    assert ('id="request-messages"' in html) is shown
    assert ('data-action="retry-message"' in html) is buttons


def test_field_staff_see_the_card_of_their_own_requests_only(sr, history, technician, partner):
    assert 'id="request-messages"' not in render_card(technician, sr)
    sr.assignee = technician
    sr.save()
    html = render_card(technician, sr)
    assert 'id="request-messages"' in html
    assert 'data-action="retry-message"' not in html
    assert 'id="request-messages"' not in render_card(partner, sr)
