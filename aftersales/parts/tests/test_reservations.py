"""Reserving parts for a request: never more than is available; parts coming from the
warehouse; the request waits for them and resumes when they arrive; releasing."""

import pytest

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.parts import services
from aftersales.parts.models import Reservation, ReservationStatus, StockLevel
from aftersales.parts.tests.conftest import stock
from aftersales.service.choices import Status
from aftersales.service.models import TimelineEvent

pytestmark = pytest.mark.django_db


def level(part, location):
    row = StockLevel.objects.get(part=part, location=location)
    return row.on_hand, row.reserved


def test_a_reservation_holds_stock_for_the_request(
    manager, agent, center_stock, compressor, work_request
):
    stock(compressor, center_stock, 2, manager)
    reservation = services.reserve(compressor, center_stock, 1, request=work_request, actor=agent)
    assert reservation.status == ReservationStatus.RESERVED
    assert level(compressor, center_stock) == (2, 1)
    note = TimelineEvent.objects.filter(request=work_request, data__parts="reserved").get()
    assert "压缩机" in note.body


def test_the_last_unit_cannot_be_reserved_twice(
    manager, agent, dispatcher, center_stock, compressor, work_request
):
    stock(compressor, center_stock, 1, manager)
    services.reserve(compressor, center_stock, 1, request=work_request, actor=agent)
    with pytest.raises(Conflict, match="Only 0 of .* available"):
        services.reserve(compressor, center_stock, 1, request=work_request, actor=dispatcher)
    assert Reservation.objects.count() == 1
    assert level(compressor, center_stock) == (1, 1)


def test_reserved_stock_cannot_be_transferred_away(
    manager, agent, warehouse, center_stock, compressor, work_request
):
    stock(compressor, center_stock, 1, manager)
    services.reserve(compressor, center_stock, 1, request=work_request, actor=agent)
    with pytest.raises(Conflict):
        services.transfer(compressor, center_stock, warehouse, 1, actor=manager)


def test_parts_from_the_warehouse_wait_and_the_request_resumes_when_they_arrive(
    manager, agent, technician, warehouse, van, compressor, work_request
):
    stock(compressor, warehouse, 3, manager)
    reservation = services.reserve(
        compressor, van, 2, request=work_request, actor=agent, source=warehouse, wait=True
    )
    work_request.refresh_from_db()
    assert reservation.status == ReservationStatus.AWAITING
    assert work_request.status == Status.WAITING_PARTS
    assert level(compressor, warehouse) == (3, 2)  # held at the warehouse meanwhile

    # the technician receives the parts in their van
    services.receive_reservation(reservation, actor=technician)

    reservation.refresh_from_db()
    work_request.refresh_from_db()
    assert reservation.status == ReservationStatus.RESERVED and reservation.arrived_at
    assert level(compressor, warehouse) == (1, 0)
    assert level(compressor, van) == (2, 2)
    assert work_request.status == Status.IN_PROGRESS
    resumed = TimelineEvent.objects.filter(request=work_request, kind="comment").last()
    assert "All parts have arrived" in resumed.body
    assert services.check_levels() == []


def test_the_request_waits_until_every_awaited_part_arrives(
    manager, agent, warehouse, center_stock, compressor, filter_part, work_request
):
    stock(compressor, warehouse, 1, manager)
    stock(filter_part, warehouse, 1, manager)
    first = services.reserve(
        compressor, center_stock, 1, request=work_request, actor=agent, source=warehouse, wait=True
    )
    services.reserve(
        filter_part, center_stock, 1, request=work_request, actor=agent, source=warehouse, wait=True
    )
    services.receive_reservation(first, actor=manager)
    work_request.refresh_from_db()
    assert work_request.status == Status.WAITING_PARTS


def test_parts_already_arrived_cannot_be_received_again(
    manager, agent, warehouse, center_stock, compressor, work_request
):
    stock(compressor, warehouse, 1, manager)
    reservation = services.reserve(
        compressor, center_stock, 1, request=work_request, actor=agent, source=warehouse
    )
    services.receive_reservation(reservation, actor=manager)
    with pytest.raises(Conflict, match="not on their way"):
        services.receive_reservation(reservation, actor=manager)


def test_someone_elsewhere_cannot_receive_parts_for_a_van(
    manager, agent, partner, warehouse, van, compressor, work_request
):
    stock(compressor, warehouse, 1, manager)
    reservation = services.reserve(
        compressor, van, 1, request=work_request, actor=agent, source=warehouse
    )
    with pytest.raises(NotAllowed):
        services.receive_reservation(reservation, actor=partner)


def test_releasing_gives_the_parts_back(
    manager, agent, warehouse, center_stock, compressor, work_request
):
    stock(compressor, warehouse, 2, manager)
    stock(compressor, center_stock, 1, manager)
    here = services.reserve(compressor, center_stock, 1, request=work_request, actor=agent)
    coming = services.reserve(
        compressor, center_stock, 2, request=work_request, actor=agent, source=warehouse
    )
    services.release(here, actor=agent)
    services.release(coming, actor=agent)
    assert level(compressor, center_stock) == (1, 0)
    assert level(compressor, warehouse) == (2, 0)
    with pytest.raises(Conflict, match="already released"):
        services.release(here, actor=agent)
    assert services.check_levels() == []


def test_partner_staff_reserve_only_for_their_centers_requests_and_stock(
    manager, partner, partner_center, partner_stock, center_stock, compressor
):
    from aftersales.testing.factories import ServiceRequestFactory

    stock(compressor, partner_stock, 1, manager)
    stock(compressor, center_stock, 1, manager)
    theirs = ServiceRequestFactory(status=Status.IN_PROGRESS, service_center=partner_center)
    services.reserve(compressor, partner_stock, 1, request=theirs, actor=partner)
    with pytest.raises(NotAllowed):
        services.reserve(compressor, center_stock, 1, request=theirs, actor=partner)
    not_theirs = ServiceRequestFactory(status=Status.IN_PROGRESS)
    with pytest.raises(NotAllowed):
        services.reserve(compressor, partner_stock, 1, request=not_theirs, actor=partner)


def test_a_finished_request_gets_no_parts(manager, agent, center_stock, compressor, work_request):
    stock(compressor, center_stock, 1, manager)
    work_request.status = Status.CLOSED
    work_request.save()
    with pytest.raises(DomainError, match="reopen"):
        services.reserve(compressor, center_stock, 1, request=work_request, actor=agent)
