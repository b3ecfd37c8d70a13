"""The parts panel on the request page: reserve from the warehouse, see where it comes
from, receive it (the request resumes), use it, take the faulty part back."""

import pytest
from django.urls import reverse

from aftersales.parts.models import DefectivePart, PartUsage, Reservation, ReservationStatus
from aftersales.parts.tests.conftest import stock
from aftersales.service.choices import Status

pytestmark = pytest.mark.django_db


def detail(client, service_request):
    return client.get(reverse("service:detail", args=[service_request.number])).content.decode()


def test_an_agent_orders_a_part_and_the_request_resumes_when_it_arrives(
    client, agent, technician, manager, warehouse, van, compressor, work_request
):
    stock(compressor, warehouse, 2, manager)
    client.force_login(agent)
    response = client.post(
        reverse("parts:request_reserve", args=[work_request.number]),
        {
            "reserve-part": compressor.pk,
            "reserve-quantity": 1,
            "reserve-location": van.pk,
            "reserve-source": warehouse.pk,
            "reserve-wait": "on",
        },
    )
    assert response.status_code == 302
    work_request.refresh_from_db()
    assert work_request.status == Status.WAITING_PARTS
    page = detail(client, work_request)
    assert 'data-status="awaiting"' in page
    assert "coming from 中央仓库 to 工程师车载库" in page

    # the technician gets it in the van and presses "Arrived"
    reservation = Reservation.objects.get()
    client.force_login(technician)
    client.post(reverse("parts:reservation_action", args=[reservation.pk, "receive"]))
    work_request.refresh_from_db()
    assert work_request.status == Status.IN_PROGRESS
    # ... and uses it
    client.post(reverse("parts:reservation_action", args=[reservation.pk, "use"]))
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONSUMED
    page = detail(client, work_request)
    assert 'data-chargeable="yes"' in page  # no warranty decision: charged


def test_a_refusal_is_shown_and_nothing_is_reserved(
    client, agent, center_stock, compressor, work_request
):
    client.force_login(agent)
    response = client.post(
        reverse("parts:request_reserve", args=[work_request.number]),
        {"reserve-part": compressor.pk, "reserve-quantity": 1, "reserve-location": center_stock.pk},
        follow=True,
    )
    assert "Only 0 of" in response.content.decode()
    assert not Reservation.objects.exists()


def test_the_technician_records_a_part_used_and_the_faulty_one_back(
    client, technician, manager, center, van, filter_part, compressor, work_request
):
    work_request.entitlement = {"repair_charge": "free"}
    work_request.save()
    stock(filter_part, van, 1, manager)
    client.force_login(technician)
    client.post(
        reverse("parts:request_use", args=[work_request.number]),
        {"use-part": filter_part.pk, "use-quantity": 1, "use-location": van.pk},
    )
    usage = PartUsage.objects.get()
    assert usage.chargeable  # a consumable, even under warranty
    client.post(
        reverse("parts:request_faulty", args=[work_request.number]),
        {"faulty-part": compressor.pk, "faulty-serial_number": "OLD-1", "faulty-center": center.pk},
    )
    assert DefectivePart.objects.get().serial_number == "OLD-1"
    work_request.entitlement = {}  # (a stub decision the page could not show)
    work_request.save()
    page = detail(client, work_request)
    assert "consumable, charged" in page and 'data-defective="' in page


def test_someone_who_cannot_see_the_request_gets_a_404(
    client, other_partner, center_stock, compressor, work_request
):
    client.force_login(other_partner)
    response = client.post(
        reverse("parts:request_reserve", args=[work_request.number]),
        {"reserve-part": compressor.pk, "reserve-quantity": 1, "reserve-location": center_stock.pk},
    )
    assert response.status_code == 404


def test_customers_see_no_parts_panel(client, customer_user, customer, work_request):
    work_request.customer = customer
    work_request.save()
    client.force_login(customer_user)
    response = client.get(reverse("service:detail", args=[work_request.number]))
    assert 'id="parts"' not in response.content.decode()


def test_the_panel_costs_the_same_queries_for_one_part_or_many(
    client, agent, manager, center_stock, work_request, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.parts import services
    from aftersales.testing.factories import SparePartFactory

    def reserve_one():
        part = SparePartFactory()
        stock(part, center_stock, 2, manager)
        services.reserve(part, center_stock, 1, request=work_request, actor=agent)
        services.consume(part, center_stock, 1, request=work_request, actor=agent)

    client.force_login(agent)
    reserve_one()
    with CaptureQueriesContext(connection) as one:
        detail(client, work_request)
    for _ in range(7):
        reserve_one()
    with django_assert_max_num_queries(len(one.captured_queries) + 2):
        page = detail(client, work_request)
    assert page.count("data-reservation=") == 8 and page.count("data-usage=") == 8
