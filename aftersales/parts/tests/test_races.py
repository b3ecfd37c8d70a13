"""Agents reserving the last units at the same moment: one gets each unit, the others are
told, and stock never goes negative. PostgreSQL only (real concurrent connections)."""

import pytest

from aftersales.core.errors import Conflict
from aftersales.parts import services
from aftersales.parts.models import Reservation, StockLevel
from aftersales.parts.tests.conftest import stock
from aftersales.testing.concurrency import needs_postgres, run_together

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def test_two_agents_reserving_the_last_unit_at_once(
    manager, agent, dispatcher, center_stock, compressor, work_request
):
    stock(compressor, center_stock, 1, manager)

    def book(actor):
        return services.reserve(compressor, center_stock, 1, request=work_request, actor=actor)

    results = run_together(book, [(agent,), (dispatcher,)])

    made = [r for r in results if isinstance(r, Reservation)]
    told = [r for r in results if isinstance(r, Conflict)]
    assert (len(made), len(told)) == (1, 1), results
    assert "Only 0 of" in str(told[0])
    level = StockLevel.objects.get(part=compressor, location=center_stock)
    assert (level.on_hand, level.reserved) == (1, 1)


def test_many_reservations_and_uses_at_once_never_go_negative(
    manager, agent, warehouse, center_stock, compressor, work_request
):
    stock(compressor, center_stock, 3, manager)
    stock(compressor, warehouse, 2, manager)

    def work(n):
        if n % 3 == 0:
            return services.consume(
                compressor, center_stock, 1, request=work_request, actor=manager
            )
        if n % 3 == 1:
            return services.reserve(compressor, center_stock, 1, request=work_request, actor=agent)
        return services.transfer(compressor, warehouse, center_stock, 1, actor=manager)

    results = run_together(work, [(n,) for n in range(9)])

    unexpected = [
        r for r in results if isinstance(r, BaseException) and not isinstance(r, Conflict)
    ]
    assert not unexpected, unexpected
    assert services.check_levels() == []
    level = StockLevel.objects.get(part=compressor, location=center_stock)
    assert level.on_hand >= 0 and 0 <= level.reserved <= level.on_hand


def test_first_receipts_at_a_new_place_at_once_both_count(manager, warehouse, compressor):
    # no level row exists yet: both receipts race to create it
    results = run_together(
        lambda: services.receive(compressor, warehouse, 2, actor=manager), [()] * 4
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert StockLevel.objects.get(part=compressor, location=warehouse).on_hand == 8
    assert services.check_levels() == []


def test_parts_received_twice_at_once_arrive_once(
    manager, agent, technician, warehouse, van, compressor, work_request
):
    stock(compressor, warehouse, 1, manager)
    reservation = services.reserve(
        compressor, van, 1, request=work_request, actor=agent, source=warehouse
    )
    results = run_together(
        lambda user: services.receive_reservation(reservation, actor=user),
        [(technician,), (manager,)],
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Reservation"], results
    assert StockLevel.objects.get(part=compressor, location=van).on_hand == 1
    assert services.check_levels() == []
