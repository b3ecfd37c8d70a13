"""The ledger balances: after many random moves (some refused), every cached level equals
what the ledger says, nothing is negative or over-reserved, and the total on hand equals
everything received minus everything that left."""

import random

import pytest

from aftersales.core.errors import DomainError
from aftersales.parts import services
from aftersales.parts.models import (
    DefectivePart,
    DefectiveStatus,
    MoveKind,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockMove,
)
from aftersales.service.choices import Status
from aftersales.testing.factories import ServiceRequestFactory, SparePartFactory

pytestmark = pytest.mark.django_db


def run_random_moves(seed, manager, places, center, steps=150):
    rng = random.Random(seed)
    parts = [SparePartFactory(), SparePartFactory(is_consumable=True), SparePartFactory()]
    requests = [
        ServiceRequestFactory(status=Status.IN_PROGRESS, service_center=center) for _ in range(3)
    ]
    refused = 0
    for _ in range(steps):
        part, place, other = rng.choice(parts), rng.choice(places), rng.choice(places)
        quantity = rng.randint(1, 4)
        request = rng.choice(requests)
        action = rng.choice(
            [
                "receive",
                "receive",
                "transfer",
                "reserve",
                "await",
                "arrive",
                "release",
                "use",
                "use_reserved",
                "scrap",
                "count",
                "faulty",
                "close_faulty",
            ]
        )
        open_reservations = list(
            Reservation.objects.filter(status__in=["awaiting", "reserved"]).order_by("pk")
        )
        try:
            if action == "receive":
                services.receive(part, place, quantity, actor=manager)
            elif action == "transfer":
                services.transfer(part, place, other, quantity, actor=manager)
            elif action == "reserve":
                services.reserve(part, place, quantity, request=request, actor=manager)
            elif action == "await":
                services.reserve(
                    part, place, quantity, request=request, actor=manager, source=other
                )
            elif action == "arrive" and open_reservations:
                services.receive_reservation(rng.choice(open_reservations), actor=manager)
            elif action == "release" and open_reservations:
                services.release(rng.choice(open_reservations), actor=manager)
            elif action == "use":
                services.consume(part, place, quantity, request=request, actor=manager)
            elif action == "use_reserved" and open_reservations:
                chosen = rng.choice(open_reservations)
                services.consume(request=chosen.request, actor=manager, reservation=chosen)
            elif action == "scrap":
                services.scrap(part, place, quantity, actor=manager, note="damaged")
            elif action == "count":
                services.adjust(part, place, rng.randint(0, 8), actor=manager, note="count")
            elif action == "faulty":
                services.return_faulty(part, request=request, center=center, actor=manager)
            elif action == "close_faulty":
                waiting = DefectivePart.objects.filter(status=DefectiveStatus.AWAITING).first()
                if waiting:
                    outcome = rng.choice([DefectiveStatus.RETURNED, DefectiveStatus.SCRAPPED])
                    services.close_defective(waiting, outcome, actor=manager)
        except DomainError:
            refused += 1
    return refused


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_random_moves_keep_levels_equal_to_the_ledger(
    seed, manager, warehouse, center_stock, van, center
):
    refused = run_random_moves(seed, manager, [warehouse, center_stock, van], center)

    assert refused > 0  # the run did try to overbook
    assert services.check_levels() == []
    levels = list(StockLevel.objects.all())
    assert all(lv.on_hand >= 0 and 0 <= lv.reserved <= lv.on_hand for lv in levels)
    # conservation: what came in minus what went out is what is on hand
    came_in = sum(
        m.quantity
        for m in StockMove.objects.filter(
            kind__in=[MoveKind.RECEIPT, MoveKind.RETURN_FAULTY, MoveKind.ADJUST],
            from_location__isnull=True,
        )
    )
    went_out = sum(
        m.quantity
        for m in StockMove.objects.filter(
            kind__in=[
                MoveKind.CONSUME,
                MoveKind.SCRAP,
                MoveKind.RETURN_TO_SUPPLIER,
                MoveKind.ADJUST,
            ],
            to_location__isnull=True,
        )
    )
    assert sum(lv.on_hand for lv in levels) == came_in - went_out
    # what is reserved is exactly what open reservations hold
    held = {}
    for r in Reservation.objects.filter(status__in=["awaiting", "reserved"]):
        at = r.source_id if r.status == ReservationStatus.AWAITING else r.location_id
        held[(r.part_id, at)] = held.get((r.part_id, at), 0) + r.quantity
    assert {(lv.part_id, lv.location_id): lv.reserved for lv in levels if lv.reserved} == held
