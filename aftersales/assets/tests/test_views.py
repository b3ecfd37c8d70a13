"""Unit pages: the installed base list, a unit's record, registering, editing, new owner."""

import datetime

import pytest
from django.urls import reverse

from aftersales.assets.models import Unit, UnitEvent
from aftersales.testing.factories import CustomerFactory, ProductFactory, UnitFactory


def test_unit_page_shows_warranty_dates(client, agent, customer):
    unit = UnitFactory(customer=customer, purchased_on=datetime.date(2026, 1, 31))
    client.force_login(agent)
    body = client.get(reverse("assets:detail", args=[unit.pk])).content.decode()
    assert "2026-02-07" in body  # return within 7 days
    assert "2026-02-15" in body  # exchange within 15 days
    assert "2027-01-31" in body  # repair for 12 months


def test_register_unit_from_customer_page(client, agent, customer):
    product = ProductFactory()
    client.force_login(agent)
    response = client.post(
        f"{reverse('assets:create')}?customer={customer.pk}",
        {"serial_number": " ab 123 ", "product": product.pk, "purchased_on": "2026-05-01"},
    )
    assert response.url == reverse("customers:detail", args=[customer.pk])
    unit = Unit.objects.get()
    assert (unit.serial_number, unit.customer) == ("AB123", customer)
    assert unit.events.get().kind == UnitEvent.Kind.REGISTERED


def test_register_unit_refuses_delivery_before_purchase(client, agent, customer):
    product = ProductFactory()
    client.force_login(agent)
    response = client.post(
        f"{reverse('assets:create')}?customer={customer.pk}",
        {
            "serial_number": "X1",
            "product": product.pk,
            "purchased_on": "2026-05-01",
            "delivered_on": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert "cannot be before the purchase date" in response.content.decode()
    assert not Unit.objects.exists()


def test_transfer_ownership_by_phone_keeps_history(client, agent, customer):
    unit = UnitFactory(customer=customer)
    buyer = CustomerFactory(name="二手买家", phone="13511112222")
    client.force_login(agent)
    client.post(
        reverse("assets:transfer", args=[unit.pk]),
        {"new_owner": "135 1111 2222", "reason": "二手转让"},
    )
    unit.refresh_from_db()
    assert unit.customer == buyer
    event = unit.events.get(kind=UnitEvent.Kind.OWNERSHIP)
    assert (event.from_customer, event.to_customer, event.body) == (customer, buyer, "二手转让")


@pytest.mark.parametrize(
    "role, status",
    [("agent", 200), ("manager", 200), ("technician", 404), ("partner", 404), ("customer", 403)],
)
def test_unit_page_access_per_role(client, users, role, status):
    unit = UnitFactory()
    client.force_login(users[role])
    assert client.get(reverse("assets:detail", args=[unit.pk])).status_code == status


def test_unit_list_query_count_is_bounded(client, agent, django_assert_max_num_queries):
    UnitFactory.create_batch(30)
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("assets:list")).status_code == 200
