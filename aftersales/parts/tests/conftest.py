"""Fixtures of the parts tests: a warehouse, a center's stock, a technician's van, parts."""

import pytest

from aftersales.field.models import Technician
from aftersales.parts import services
from aftersales.parts.models import LocationKind, StockLocation
from aftersales.service.choices import Status
from aftersales.testing.factories import ServiceRequestFactory, SparePartFactory, UserFactory


@pytest.fixture
def warehouse(db):
    return StockLocation.objects.create(kind=LocationKind.WAREHOUSE, code="WH", name="中央仓库")


@pytest.fixture
def center_stock(center):
    return StockLocation.objects.create(
        kind=LocationKind.CENTER, code="ST-OWN", name="上海服务中心库", center=center
    )


@pytest.fixture
def partner_stock(partner_center):
    return StockLocation.objects.create(
        kind=LocationKind.CENTER, code="ST-PARTNER", name="广州网点库", center=partner_center
    )


@pytest.fixture
def other_stock(other_center):
    return StockLocation.objects.create(
        kind=LocationKind.CENTER, code="ST-OTHER", name="成都网点库", center=other_center
    )


@pytest.fixture
def tech(technician, center):
    """The `technician` user's Technician record (home: the own center)."""
    return Technician.objects.create(user=technician, home_center=center)


@pytest.fixture
def van(tech):
    return StockLocation.objects.create(
        kind=LocationKind.VAN,
        code="VAN-TECH",
        name="工程师车载库",
        technician=tech,
        center=tech.home_center,
    )


@pytest.fixture
def partner_van(partner_center):
    user = UserFactory(username="ptech", role="technician", service_center=partner_center)
    tech = Technician.objects.create(user=user, home_center=partner_center)
    return StockLocation.objects.create(
        kind=LocationKind.VAN, code="VAN-PTECH", name="网点工程师车载库", technician=tech
    )


@pytest.fixture
def compressor(db):
    return SparePartFactory(part_number="CMP-01", name="压缩机", unit_price="800.00")


@pytest.fixture
def filter_part(db):
    return SparePartFactory(
        part_number="FLT-01", name="滤网", unit_price="30.00", is_consumable=True
    )


@pytest.fixture
def work_request(db, center, technician):
    """A request in progress at the own center, assigned to the technician."""
    return ServiceRequestFactory(
        status=Status.IN_PROGRESS, service_center=center, assignee=technician
    )


def stock(part, location, quantity, manager):
    """Receive `quantity` of `part` at `location`."""
    return services.receive(part, location, quantity, actor=manager, reference="DN-1")
