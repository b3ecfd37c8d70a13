"""pytest fixtures shared by every app's tests: one user per role, and a browser page."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.testing.factories import (
    CustomerFactory,
    ServiceCenterFactory,
    UserFactory,
)


@pytest.fixture
def center(db):
    return ServiceCenterFactory(code="SC-OWN", name="上海服务中心")


@pytest.fixture
def partner_center(db):
    return ServiceCenterFactory(code="SC-PARTNER", name="广州授权网点", kind="partner")


@pytest.fixture
def other_center(db):
    return ServiceCenterFactory(code="SC-OTHER", name="成都授权网点", kind="partner")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role=Role.MANAGER, is_staff=True)


@pytest.fixture
def agent(db):
    return UserFactory(username="agent", role=Role.AGENT)


@pytest.fixture
def dispatcher(db):
    return UserFactory(username="dispatcher", role=Role.DISPATCHER)


@pytest.fixture
def technician(db, center):
    return UserFactory(username="tech", role=Role.TECHNICIAN, service_center=center)


@pytest.fixture
def partner(db, partner_center):
    return UserFactory(username="partner", role=Role.PARTNER, service_center=partner_center)


@pytest.fixture
def other_partner(db, other_center):
    return UserFactory(username="partner2", role=Role.PARTNER, service_center=other_center)


@pytest.fixture
def customer(db):
    return CustomerFactory(name="王小明", phone="13800138000")


@pytest.fixture
def customer_user(db, customer):
    return UserFactory(username="wang", role=Role.CUSTOMER, customer=customer)


@pytest.fixture
def users(admin_user, manager, agent, dispatcher, technician, partner, customer_user):
    """Every role, by role name."""
    return {
        "admin": admin_user,
        "manager": manager,
        "agent": agent,
        "dispatcher": dispatcher,
        "technician": technician,
        "partner": partner,
        "customer": customer_user,
    }
