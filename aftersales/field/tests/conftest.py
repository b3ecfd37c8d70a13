"""Fixtures of the network tests: a technician profile per center, categories."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.field.models import Technician
from aftersales.testing.factories import CategoryFactory, UserFactory


@pytest.fixture
def aircon(db):
    return CategoryFactory(code="AC", name="空调")


@pytest.fixture
def wall_unit(aircon):
    return CategoryFactory(code="AC-WALL", name="挂机", parent=aircon)


@pytest.fixture
def washer(db):
    return CategoryFactory(code="WM", name="洗衣机")


def make_technician(center, username, role=Role.TECHNICIAN, **fields):
    user = UserFactory(username=username, role=role, service_center=center)
    return Technician.objects.create(user=user, home_center=center, **fields)


@pytest.fixture
def own_tech(technician, center):
    """The `technician` fixture user's profile at the own center."""
    return Technician.objects.create(user=technician, home_center=center)


@pytest.fixture
def partner_tech(partner_center):
    return make_technician(partner_center, "ptech")


@pytest.fixture
def other_tech(other_center):
    return make_technician(other_center, "otech")
