"""Parts used on a request: from a reservation or straight from the van; consumables are
charged even under warranty; faulty parts go to the center's defective stock and on to the
supplier or the scrap, cited by the vendor recovery claim."""

import pytest

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.parts import services
from aftersales.parts.models import (
    DefectiveStatus,
    LocationKind,
    MoveKind,
    ReservationStatus,
    StockLevel,
    StockMove,
)
from aftersales.parts.tests.conftest import stock
from aftersales.testing.factories import ProductFactory, ServiceRequestFactory
from aftersales.warranty.models import SupplierWarranty, VendorClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def free_repair(work_request):
    work_request.entitlement = {"repair_charge": "free"}
    work_request.save()
    return work_request


def test_a_reserved_part_is_used_from_the_reservation(
    manager, agent, technician, van, compressor, free_repair
):
    stock(compressor, van, 2, manager)
    reservation = services.reserve(compressor, van, 1, request=free_repair, actor=agent)
    usage = services.consume(request=free_repair, actor=technician, reservation=reservation)
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CONSUMED
    assert (usage.quantity, usage.chargeable, usage.is_consumable) == (1, False, False)
    level = StockLevel.objects.get(part=compressor, location=van)
    assert (level.on_hand, level.reserved) == (1, 0)
    with pytest.raises(Conflict):
        services.consume(request=free_repair, actor=technician, reservation=reservation)
    assert services.check_levels() == []


def test_consumables_are_charged_even_under_warranty(
    manager, technician, van, filter_part, compressor, free_repair
):
    stock(filter_part, van, 1, manager)
    stock(compressor, van, 1, manager)
    usage = services.consume(filter_part, van, 1, request=free_repair, actor=technician)
    assert usage.is_consumable and usage.chargeable
    assert str(usage.unit_price) == "30.00"
    assert not services.consume(
        compressor, van, 1, request=free_repair, actor=technician
    ).chargeable


def test_parts_on_a_chargeable_repair_are_charged(
    manager, technician, van, compressor, work_request
):
    work_request.entitlement = {"repair_charge": "chargeable"}
    work_request.save()
    stock(compressor, van, 1, manager)
    assert services.consume(compressor, van, 1, request=work_request, actor=technician).chargeable


def test_a_technician_uses_parts_from_their_own_van_only(
    manager, technician, van, center_stock, compressor, work_request
):
    stock(compressor, center_stock, 1, manager)
    with pytest.raises(NotAllowed):
        services.consume(compressor, center_stock, 1, request=work_request, actor=technician)
    stock(compressor, van, 1, manager)
    with pytest.raises(Conflict):
        services.consume(compressor, van, 2, request=work_request, actor=technician)
    assert not StockMove.objects.filter(kind=MoveKind.CONSUME).exists()


def test_a_faulty_part_goes_to_the_defective_stock_and_back_to_the_supplier(
    manager, technician, center, compressor, work_request
):
    defective = services.return_faulty(
        compressor,
        request=work_request,
        center=center,
        actor=technician,
        serial_number="CMP-SN-1",
        fault="卡缸",
    )
    location = defective.location
    assert location.kind == LocationKind.DEFECTIVE and location.center == center
    assert StockLevel.objects.get(part=compressor, location=location).on_hand == 1

    product = ProductFactory()
    cover = SupplierWarranty.objects.create(supplier="压缩机厂", product=product, months=36)
    claim = VendorClaim.objects.create(request=work_request, supplier_warranty=cover)
    services.close_defective(
        defective, DefectiveStatus.RETURNED, actor=manager, reference="RTV-9", vendor_claim=claim
    )
    defective.refresh_from_db()
    assert defective.status == DefectiveStatus.RETURNED and defective.vendor_claim == claim
    assert list(claim.defective_parts.all()) == [defective]
    # and the claim's page cites the returned part
    from django.test import Client
    from django.urls import reverse

    browser = Client()
    browser.force_login(manager)
    page = browser.get(reverse("warranty:claim_detail", args=[claim.pk])).content.decode()
    assert 'id="defective-parts"' in page and "CMP-SN-1" in page
    assert StockLevel.objects.get(part=compressor, location=location).on_hand == 0
    with pytest.raises(Conflict):
        services.close_defective(defective, DefectiveStatus.SCRAPPED, actor=manager)
    assert services.check_levels() == []


def test_a_claim_of_another_request_cannot_cite_the_part(
    manager, technician, center, compressor, work_request
):
    defective = services.return_faulty(
        compressor, request=work_request, center=center, actor=technician
    )
    cover = SupplierWarranty.objects.create(supplier="厂", product=ProductFactory(), months=12)
    claim = VendorClaim.objects.create(request=ServiceRequestFactory(), supplier_warranty=cover)
    with pytest.raises(DomainError, match="another request"):
        services.link_claim(defective, claim, actor=manager)


def test_only_managers_send_faulty_parts_on(technician, center, compressor, work_request):
    defective = services.return_faulty(
        compressor, request=work_request, center=center, actor=technician
    )
    with pytest.raises(NotAllowed):
        services.close_defective(defective, DefectiveStatus.SCRAPPED, actor=technician)


def test_faulty_parts_are_recorded_at_ones_own_center(partner, center, compressor, partner_center):
    request = ServiceRequestFactory(service_center=partner_center)
    with pytest.raises(NotAllowed):
        services.return_faulty(compressor, request=request, center=center, actor=partner)
    services.return_faulty(compressor, request=request, center=partner_center, actor=partner)
