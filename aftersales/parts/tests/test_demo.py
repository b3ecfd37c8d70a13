"""Demo stock loads once, balances, and leaves something to replenish."""

import pytest
from django.core.management import call_command

from aftersales.field.models import Technician
from aftersales.parts import selectors, services
from aftersales.parts.models import LocationKind, StockLocation, StockMove
from aftersales.testing.factories import SparePartFactory

pytestmark = pytest.mark.django_db


def test_demo_stock_loads_once_and_balances(manager, center, partner_center, technician):
    Technician.objects.create(user=technician, home_center=center)
    for n in range(6):
        SparePartFactory(is_consumable=n == 0)
    call_command("load_parts_demo")
    moves = StockMove.objects.count()
    call_command("load_parts_demo")
    assert StockMove.objects.count() == moves > 0
    kinds = set(StockLocation.objects.values_list("kind", flat=True))
    assert kinds == {
        LocationKind.WAREHOUSE,
        LocationKind.CENTER,
        LocationKind.VAN,
        LocationKind.DEFECTIVE,
    }
    assert services.check_levels() == []
    rows, source = selectors.replenishment(manager)
    assert source.code == "WH-CENTRAL" and rows.exists()
