"""Receipts, transfers, scrap and stocktakes: levels follow the ledger, refusals change
nothing, and only the right people may move stock."""

import pytest

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.core.models import AppendOnlyQuerySet
from aftersales.parts import services
from aftersales.parts.models import MoveKind, StockLevel, StockMove
from aftersales.parts.tests.conftest import stock

pytestmark = pytest.mark.django_db


def level(part, location):
    row = StockLevel.objects.filter(part=part, location=location).first()
    return (row.on_hand, row.reserved) if row else (0, 0)


def test_a_receipt_puts_parts_on_hand(manager, warehouse, compressor):
    move = stock(compressor, warehouse, 5, manager)
    assert move.kind == MoveKind.RECEIPT and move.to_location == warehouse
    assert level(compressor, warehouse) == (5, 0)
    assert services.check_levels() == []


def test_a_transfer_moves_stock_between_locations(manager, warehouse, center_stock, compressor):
    stock(compressor, warehouse, 5, manager)
    services.transfer(compressor, warehouse, center_stock, 3, actor=manager)
    assert level(compressor, warehouse) == (2, 0)
    assert level(compressor, center_stock) == (3, 0)
    assert services.check_levels() == []


def test_moving_more_than_available_is_refused_and_nothing_is_written(
    manager, warehouse, center_stock, compressor
):
    stock(compressor, warehouse, 2, manager)
    with pytest.raises(Conflict, match="Only 2 of"):
        services.transfer(compressor, warehouse, center_stock, 3, actor=manager)
    with pytest.raises(Conflict):
        services.scrap(compressor, warehouse, 3, actor=manager, note="dropped")
    assert level(compressor, warehouse) == (2, 0)
    assert StockMove.objects.count() == 1


@pytest.mark.parametrize("quantity", [0, -1, "x", None])
def test_a_quantity_must_be_at_least_one(manager, warehouse, compressor, quantity):
    with pytest.raises(DomainError, match="at least 1"):
        services.receive(compressor, warehouse, quantity, actor=manager)
    assert not StockMove.objects.exists()


def test_a_stocktake_sets_the_count_and_keeps_reserved_units(
    manager, warehouse, compressor, work_request, agent
):
    stock(compressor, warehouse, 5, manager)
    services.reserve(compressor, warehouse, 2, request=work_request, actor=agent)
    services.adjust(compressor, warehouse, 4, actor=manager, note="stocktake")
    assert level(compressor, warehouse) == (4, 2)
    with pytest.raises(Conflict, match="reserved"):
        services.adjust(compressor, warehouse, 1, actor=manager, note="stocktake")
    services.adjust(compressor, warehouse, 7, actor=manager, note="found a box")
    assert level(compressor, warehouse) == (7, 2)
    assert services.adjust(compressor, warehouse, 7, actor=manager, note="again") is None
    assert services.check_levels() == []


def test_scrap_needs_a_reason(manager, warehouse, compressor):
    stock(compressor, warehouse, 1, manager)
    with pytest.raises(DomainError, match="why"):
        services.scrap(compressor, warehouse, 1, actor=manager, note=" ")


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_receive_goods(users, role, warehouse, compressor):
    with pytest.raises(NotAllowed):
        services.receive(compressor, warehouse, 1, actor=users[role])
    assert not StockMove.objects.exists()


def test_partner_staff_move_parts_within_their_own_center_only(
    manager, partner, partner_stock, partner_van, other_stock, compressor
):
    stock(compressor, partner_stock, 3, manager)
    services.transfer(compressor, partner_stock, partner_van, 1, actor=partner)
    assert level(compressor, partner_van) == (1, 0)
    with pytest.raises(NotAllowed):
        services.transfer(compressor, partner_stock, other_stock, 1, actor=partner)


def test_nothing_goes_into_defective_stock_by_transfer(manager, warehouse, center, compressor):
    stock(compressor, warehouse, 1, manager)
    defective = services.defective_location(center)
    with pytest.raises(DomainError, match="faulty parts"):
        services.transfer(compressor, warehouse, defective, 1, actor=manager)


def test_an_inactive_location_takes_no_stock(manager, warehouse, compressor):
    warehouse.active = False
    warehouse.save()
    with pytest.raises(DomainError, match="no longer in use"):
        stock(compressor, warehouse, 1, manager)


def test_the_ledger_cannot_be_changed(manager, warehouse, compressor):
    move = stock(compressor, warehouse, 1, manager)
    with pytest.raises(TypeError):
        move.save()
    with pytest.raises(TypeError):
        StockMove.objects.all().delete()
    assert isinstance(StockMove.objects.all(), AppendOnlyQuerySet)


def test_the_check_finds_a_level_that_disagrees_with_the_ledger(manager, warehouse, compressor):
    stock(compressor, warehouse, 3, manager)
    StockLevel.objects.filter(part=compressor).update(on_hand=4)
    (mismatch,) = services.check_levels()
    assert (mismatch.cached_on_hand, mismatch.ledger_on_hand) == (4, 3)


def test_the_check_command_reports_mismatches(manager, warehouse, compressor):
    from django.core.management import CommandError, call_command

    stock(compressor, warehouse, 2, manager)
    call_command("check_stock")
    StockLevel.objects.filter(part=compressor).update(reserved=1, on_hand=1)
    with pytest.raises(CommandError, match="1 stock level"):
        call_command("check_stock")
