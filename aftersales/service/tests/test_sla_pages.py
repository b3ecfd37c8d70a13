"""What people see of the clocks: the queue's time left and at-risk filter, the request's
service-level card and its timeline entries."""

import datetime

from django.urls import reverse
from django.utils import timezone

from aftersales.service import services
from aftersales.service.choices import Channel, Status
from aftersales.testing.factories import ServiceRequestFactory

H = datetime.timedelta(hours=1)


def row_states(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('data-sla="')[1:]]


def test_the_queue_colours_time_left_and_filters_the_requests_at_risk(client, agent, customer):
    now = timezone.now()
    answered = {"customer": customer, "status": Status.ASSIGNED, "first_response_at": now}
    ServiceRequestFactory(
        **answered, subject="还早", resolution_warn_at=now + H, resolution_due_at=now + 9 * H
    )
    ServiceRequestFactory(
        **answered, subject="快到了", resolution_warn_at=now - H, resolution_due_at=now + 5 * H
    )
    ServiceRequestFactory(
        **answered, subject="超时了", resolution_warn_at=now - 5 * H, resolution_due_at=now - H
    )
    client.force_login(agent)

    everything = client.get(reverse("service:queue"), {"open": "true"}).content.decode()
    assert sorted(row_states(everything)) == ["at_risk", "late", "ok"]
    assert "Resolution: " in everything and "overdue" in everything

    at_risk = client.get(reverse("service:queue"), {"at_risk": "true"}).content.decode()
    assert 'id="f-at-risk" checked' in at_risk
    assert "快到了" in at_risk
    assert "还早" not in at_risk and "超时了" not in at_risk


def test_the_request_page_lists_each_clock(client, agent, customer):
    request = services.create_request(
        actor=agent, customer=customer, subject="空调漏水", channel=Channel.PHONE,
        needs_visit=True,
    )  # fmt: skip
    client.force_login(agent)
    html = client.get(reverse("service:detail", args=[request.number])).content.decode()
    assert 'id="sla"' in html
    assert 'data-clock="response" data-state="met"' in html  # the call was the answer
    assert 'data-clock="resolution" data-state="running"' in html
    assert 'data-clock="onsite" data-state="running"' in html
    assert "of business hours" in html


def test_a_pause_and_a_recomputation_read_on_the_timeline(client, agent, technician, customer):
    request = services.create_request(
        actor=agent, customer=customer, subject="空调漏水", channel=Channel.PHONE,
        assignee=technician,
    )  # fmt: skip
    request = services.update_request(request, actor=agent, priority="urgent")
    request = services.transition(request, actor=technician, to=Status.IN_PROGRESS)
    request = services.transition(request, actor=technician, to=Status.WAITING_CUSTOMER)
    client.force_login(agent)
    html = client.get(reverse("service:detail", args=[request.number])).content.decode()
    assert "Deadlines recomputed (Priority)" in html
    assert "Resolution clock paused (Waiting on customer)" in html
    assert 'data-sla="paused"' in html
