"""Fixtures shared by the visit tests (imported by each test_visit_* module): a request
that needs a visit at the own center, its technician with the right skill, a signature."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from aftersales.dispatch import services
from aftersales.field.models import Technician, TechnicianSkill
from aftersales.testing.factories import (
    CategoryFactory,
    ProductFactory,
    ServiceRequestFactory,
    UnitFactory,
)

__all__ = ["aircon", "sr", "tech", "visit", "scheduled", "on_site"]


def signature_png(size=(200, 80)) -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    for x in range(20, 180):
        image.putpixel((x, 40 + (x % 7)), (0, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def tomorrow_at(hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def today_at(hour: int) -> datetime.datetime:
    day = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def aircon(db):
    return CategoryFactory(code="AC", name="空调")


@pytest.fixture
def sr(db, customer, center, aircon):
    customer.email = "wang@example.com"
    customer.city = "上海市"
    customer.save()
    unit = UnitFactory(
        customer=customer, product=ProductFactory(name="变频空调 KFR-35", category=aircon)
    )
    return ServiceRequestFactory(
        customer=customer,
        unit=unit,
        service_center=center,
        needs_visit=True,
        onsite_due_at=timezone.now() + datetime.timedelta(hours=24),
    )


@pytest.fixture
def tech(technician, center, aircon):
    profile = Technician.objects.create(user=technician, home_center=center, phone="13912345678")
    TechnicianSkill.objects.create(technician=profile, category=aircon)
    return profile


@pytest.fixture
def visit(sr, dispatcher):
    return services.create_visit(sr, actor=dispatcher)


@pytest.fixture
def scheduled(visit, tech, dispatcher):
    return services.schedule(visit, actor=dispatcher, technician=tech, planned_start=today_at(10))


@pytest.fixture
def on_site(scheduled, technician):
    services.start_travel(scheduled, technician)
    return services.check_in(scheduled, technician, "31.230000", "121.470000")


def check_out_fields(**overrides):
    fields = {
        "work_done": "更换启动电容，试机制冷正常",
        "first_time_fix": True,
        "not_fixed_reason": "",
        "customer_comment": "师傅很专业",
        "customer_rating": 5,
        "signed_by": "王小明",
        "signature_png_bytes": signature_png(),
    }
    fields.update(overrides)
    return fields
