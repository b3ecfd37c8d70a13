"""Training test data: a category with a model, a gold plan whose contracts include the
operators' course, a company customer with a contact and an active gold contract, and a
technician profile."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.field.models import Technician
from aftersales.testing.factories import (
    CategoryFactory,
    ContactFactory,
    ProductFactory,
    TrainingCourseFactory,
    TrainingSessionFactory,
)
from aftersales.warranty.models import ContractStatus, ServiceContract, ServicePlan


@pytest.fixture
def category(db):
    return CategoryFactory(code="AC", name="空调")


@pytest.fixture
def product(category):
    return ProductFactory(category=category, name="KFR-35GW")


@pytest.fixture
def gold(db):
    return ServicePlan.objects.create(
        code="gold", name="金牌", rank=3, response_hours=2, resolution_hours=24,
        onsite_hours=8, price=Decimal(1000),
    )  # fmt: skip


@pytest.fixture
def course(category, gold):
    course = TrainingCourseFactory(title="空调操作员培训", category=category, price=Decimal(800))
    course.included_in_plans.set([gold])
    return course


@pytest.fixture
def contact(db):
    return ContactFactory(name="李操作", phone="13711112222")


@pytest.fixture
def contract(contact, gold):
    today = timezone.localdate()
    return ServiceContract.objects.create(
        number="CT-2026-0001", customer=contact.customer, plan=gold,
        status=ContractStatus.ACTIVE, starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=335),
    )  # fmt: skip


@pytest.fixture
def tech(technician, center):
    """The `technician` user's profile."""
    return Technician.objects.create(user=technician, home_center=center)


@pytest.fixture
def session(course):
    return TrainingSessionFactory(course=course, seats=3)
