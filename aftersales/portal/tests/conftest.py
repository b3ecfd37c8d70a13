import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.accounts.roles import Role
from aftersales.core.tests import files
from aftersales.testing.factories import (
    CustomerFactory,
    ProductFactory,
    ServiceRequestFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture
def product(db):
    return ProductFactory(name="变频空调 KFR-35", sku="KFR-35")


@pytest.fixture
def unit(customer, product):
    return UnitFactory(customer=customer, product=product, serial_number="AC0001")


@pytest.fixture
def other_customer(db):
    return CustomerFactory(name="李四")


@pytest.fixture
def other_user(other_customer):
    return UserFactory(username="li", role=Role.CUSTOMER, customer=other_customer)


@pytest.fixture
def other_request(other_customer):
    return ServiceRequestFactory(customer=other_customer, subject="别人的工单")


@pytest.fixture
def other_unit(other_customer, product):
    return UnitFactory(customer=other_customer, product=product, serial_number="OTHER01")


@pytest.fixture
def portal(client, customer_user):
    """A browser session of the customer's login."""
    client.force_login(customer_user)
    return client


def png(name="发票.png"):
    return SimpleUploadedFile(name, files.png(), content_type="image/png")


def pdf(name="invoice.pdf"):
    return SimpleUploadedFile(name, files.pdf(), content_type="application/pdf")
