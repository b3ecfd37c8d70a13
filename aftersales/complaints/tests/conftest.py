"""Fixtures of the complaints tests: a repair request with a visit by a partner's
technician, and a helper that opens a complaint and walks it through its steps."""

import pytest

from aftersales.complaints import services
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.field.models import Technician
from aftersales.service import services as request_services
from aftersales.service.choices import Channel, ResolutionType, Status
from aftersales.testing.factories import ProductFactory, UnitFactory, UserFactory


@pytest.fixture
def unit(customer):
    return UnitFactory(customer=customer, product=ProductFactory(name="变频空调 KFR-35"))


@pytest.fixture
def repair(agent, customer, unit, partner_center):
    """A repair request of the customer's unit, served by the partner center."""
    return request_services.create_request(
        actor=agent, customer=customer, subject="空调不制冷", channel=Channel.PHONE,
        unit=unit, service_center=partner_center,
    )  # fmt: skip


@pytest.fixture
def partner_tech(partner_center):
    user = UserFactory(username="ptech", role="technician", service_center=partner_center)
    return Technician.objects.create(user=user, home_center=partner_center)


@pytest.fixture
def visit(repair, partner_center, partner_tech):
    return Visit.objects.create(
        request=repair, center=partner_center, technician=partner_tech,
        status=VisitStatus.COMPLETED,
    )  # fmt: skip


def open_complaint(actor, customer, severity="major", **fields):
    fields.setdefault("subject", "师傅迟到两小时，态度差")
    return services.open_complaint(actor, customer=customer, severity=severity, **fields)


def handle(complaint, actor):
    """Apology, root cause and action recorded; the request resolved."""
    complaint = services.record_apology(complaint, actor, how="call", note="电话致歉")
    complaint = services.record_cause(
        complaint, actor, root_cause="late", corrective_action="调整派单时间窗，培训师傅"
    )
    request_services.transition(
        complaint.request, actor=actor, to=Status.RESOLVED,
        resolution_type=ResolutionType.ADVICE, resolution_summary="已道歉并补偿",
    )  # fmt: skip
    complaint.refresh_from_db()
    return complaint
