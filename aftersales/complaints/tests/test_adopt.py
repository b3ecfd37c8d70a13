"""A request of kind complaint taken elsewhere (a logged call, the portal, the API) is
handled as a complaint: its row, the repeat flag, a faster priority, then the guard."""

import pytest
from django.urls import reverse

from aftersales.complaints import services
from aftersales.complaints.models import Complaint
from aftersales.complaints.tests.conftest import open_complaint
from aftersales.complaints.tests.test_api import api, post
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.service import services as request_services
from aftersales.service.choices import Channel, Priority, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(agent, customer, unit):
    """A complaint logged as an ordinary call, at normal priority."""
    return request_services.create_request(
        actor=agent, customer=customer, subject="投诉：上门迟到", channel=Channel.PHONE,
        kind="complaint", unit=unit,
    )  # fmt: skip


def test_handling_as_a_complaint_raises_the_priority_and_brings_the_guard(agent, logged, unit):
    due = logged.resolution_due_at
    complaint = services.adopt(logged, agent, severity="critical")
    logged.refresh_from_db()
    assert logged.priority == Priority.URGENT and logged.resolution_due_at < due
    assert complaint.about_product == unit.product and complaint.repeat is False
    with pytest.raises(DomainError):
        request_services.transition(
            logged, actor=agent, to=Status.RESOLVED, resolution_type="advice",
            resolution_summary="x",
        )  # fmt: skip


def test_an_earlier_complaint_makes_it_a_repeat(agent, customer, logged):
    earlier = open_complaint(agent, customer)
    complaint = services.adopt(logged, agent, severity="minor")
    assert complaint.repeat and complaint.previous == earlier


def test_only_complaint_requests_once_by_agents_and_managers(agent, dispatcher, logged, repair):
    with pytest.raises(NotAllowed):
        services.adopt(logged, dispatcher, severity="minor")
    with pytest.raises(DomainError):
        services.adopt(repair, agent, severity="minor")
    services.adopt(logged, agent, severity="minor")
    with pytest.raises(Conflict):
        services.adopt(logged, agent, severity="major")
    assert Complaint.objects.count() == 1


def test_the_panel_offers_it_and_the_form_does_it(client, agent, dispatcher, logged):
    client.force_login(dispatcher)
    page = client.get(reverse("service:detail", args=[logged.number])).content.decode()
    assert 'id="adopt-form"' not in page
    client.force_login(agent)
    page = client.get(reverse("service:detail", args=[logged.number])).content.decode()
    assert 'id="adopt-form"' in page
    response = client.post(
        reverse("complaints:adopt", args=[logged.number]), {"adopt-severity": "major"}
    )
    assert response.status_code == 302
    page = client.get(reverse("service:detail", args=[logged.number])).content.decode()
    assert 'id="complaint-panel"' in page and 'id="adopt-form"' not in page


def test_the_api_adopts(agent, logged):
    response = post(
        api(agent), "/complaints/adopt/", {"request": logged.number, "severity": "minor"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == logged.number and response.json()["priority"] == "high"
    again = post(api(agent), "/complaints/adopt/", {"request": logged.number, "severity": "minor"})
    assert again.status_code == 409
