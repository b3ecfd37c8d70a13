"""What the portal does, through the API as a customer: the existing tickets and units
endpoints (list own, open, comment, cancel), and registering a unit with its invoice."""

import datetime

import pytest
from rest_framework.test import APIClient

from aftersales.portal.models import UnitRegistration
from aftersales.portal.tests.conftest import png
from aftersales.service.choices import Channel, EventKind, Status
from aftersales.service.models import ServiceRequest
from aftersales.testing.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/portal/units/register/"


@pytest.fixture
def api(customer_user):
    client = APIClient()
    client.force_authenticate(customer_user)
    return client


def test_a_customer_lists_only_their_own_tickets_and_units(
    api, customer, unit, other_request, other_unit, django_assert_max_num_queries
):
    mine = ServiceRequestFactory(customer=customer)
    for _ in range(5):
        ServiceRequestFactory(customer=customer)
    with django_assert_max_num_queries(12):
        tickets = api.get("/api/v1/tickets/").json()["results"]
    numbers = {t["number"] for t in tickets}
    assert mine.number in numbers and other_request.number not in numbers
    units = api.get("/api/v1/units/").json()["results"]
    assert [u["serial_number"] for u in units] == [unit.serial_number]
    assert api.get(f"/api/v1/tickets/{other_request.pk}/").status_code == 404
    assert api.get(f"/api/v1/units/{other_unit.pk}/").status_code == 404


def test_a_customer_opens_comments_on_and_cancels_a_ticket(api, customer, other_customer, unit):
    created = api.post(
        "/api/v1/tickets/",
        {
            "subject": "空调漏水",
            "description": "室内机滴水",
            "unit": unit.pk,
            "customer": other_customer.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    ticket = ServiceRequest.objects.get(pk=created.json()["id"])
    # Always for their own customer, whatever they send.
    assert (ticket.customer, ticket.unit, ticket.channel) == (customer, unit, Channel.API)
    comment = api.post(
        f"/api/v1/tickets/{ticket.pk}/comments/", {"body": "下午在家"}, format="json"
    )
    assert comment.status_code == 201
    assert ticket.events.filter(kind=EventKind.MESSAGE, body="下午在家").exists()
    refused = api.post(
        f"/api/v1/tickets/{ticket.pk}/transition/", {"to": "cancelled"}, format="json"
    )
    assert refused.status_code == 400
    cancelled = api.post(
        f"/api/v1/tickets/{ticket.pk}/transition/",
        {"to": "cancelled", "note": "自己修好了"},
        format="json",
    )
    assert cancelled.status_code == 200, cancelled.content
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED


def test_a_customer_cannot_cancel_once_work_started(api, customer, technician):
    ticket = ServiceRequestFactory(customer=customer, status=Status.ASSIGNED, assignee=technician)
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/transition/",
        {"to": "cancelled", "note": "不修了"},
        format="json",
    )
    assert response.status_code == 403


def test_a_customer_cannot_comment_on_someone_elses_ticket(api, other_request):
    response = api.post(
        f"/api/v1/tickets/{other_request.pk}/comments/", {"body": "hi"}, format="json"
    )
    assert response.status_code == 404


def register(api, **fields):
    data = {"serial_number": "API-1", "purchased_on": "2026-01-10", "invoice": png()} | fields
    return api.post(REGISTER, data, format="multipart")


def test_a_customer_registers_a_unit_through_the_api(api, customer, product):
    response = register(api, product=product.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "created"
    assert (body["unit"]["serial_number"], body["unit"]["customer"]) == ("API-1", customer.pk)
    assert body["coverage"]["status"] == "in_warranty"
    assert body["coverage"]["repair_until"] == "2027-01-10"
    assert UnitRegistration.objects.get().unit_id == body["unit"]["id"]
    again = register(api, invoice=png())
    assert (again.status_code, again.json()["outcome"]) == (200, "already_yours")


def test_the_api_refuses_another_customers_serial_and_bad_invoices(api, other_unit, product):
    taken = register(api, serial_number=other_unit.serial_number, product=product.pk)
    assert taken.status_code == 409
    assert "李四" not in taken.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.core.tests import files

    bad = register(api, product=product.pk, invoice=SimpleUploadedFile("x.png", files.exe()))
    assert bad.status_code == 400
    missing = register(api, product=product.pk, invoice="")
    assert missing.status_code == 400
    assert not UnitRegistration.objects.exists()


def test_staff_and_anonymous_cannot_use_the_register_endpoint(agent, product):
    client = APIClient()
    assert client.post(REGISTER, {}).status_code in (401, 403)
    client.force_authenticate(agent)
    response = register(client, product=product.pk)
    assert response.status_code == 403


def test_the_unit_registered_by_api_shows_its_warranty_in_the_units_list(api, product):
    register(api, product=product.pk, purchased_on=str(datetime.date(2026, 1, 10)))
    unit = api.get("/api/v1/units/").json()["results"][0]
    assert unit["serial_number"] == "API-1"
