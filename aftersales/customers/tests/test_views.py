"""Customer pages: the list, a customer's whole picture, editing; per role."""

import pytest
from django.urls import reverse

from aftersales.customers.models import Customer, CustomerEvent
from aftersales.service import services
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory, UnitFactory


@pytest.fixture
def served_customer(agent, customer):
    unit = UnitFactory(customer=customer, serial_number="FR2025000123")
    request = services.create_request(
        actor=agent, customer=customer, unit=unit, subject="冰箱不制冷", channel="phone"
    )
    services.add_comment(request, actor=agent, body="内部备注：老客户", visibility="internal")
    return customer


def test_customer_page_shows_units_requests_contacts_and_timeline(client, agent, served_customer):
    client.force_login(agent)
    body = client.get(reverse("customers:detail", args=[served_customer.pk])).content.decode()
    assert "FR2025000123" in body
    assert "冰箱不制冷" in body
    assert "SR-" in body
    assert "内部备注：老客户" in body  # staff see internal notes in the timeline


@pytest.mark.parametrize(
    "role, status",
    [
        ("admin", 200),
        ("manager", 200),
        ("agent", 200),
        ("dispatcher", 200),
        ("technician", 404),  # not one of their requests' customers
        ("partner", 404),
        ("customer", 403),  # customers use their own pages
    ],
)
def test_customer_page_access_per_role(client, users, served_customer, role, status):
    other = CustomerFactory()
    client.force_login(users[role])
    assert client.get(reverse("customers:detail", args=[other.pk])).status_code == status


def test_technician_sees_customer_of_assigned_request(client, technician, customer):
    ServiceRequestFactory(customer=customer, assignee=technician)
    client.force_login(technician)
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    assert reverse("customers:edit", args=[customer.pk]) not in response.content.decode()


def test_search_customers_by_phone_spelling(client, agent, customer):
    CustomerFactory(name="别人", phone="13900000000")
    client.force_login(agent)
    body = client.get(reverse("customers:list"), {"q": "0086 138 0013 8000"}).content.decode()
    assert customer.name in body
    assert "别人" not in body


def test_customer_list_query_count_is_bounded(client, agent, django_assert_max_num_queries):
    for _ in range(25):
        customer = CustomerFactory()
        UnitFactory(customer=customer)
        ServiceRequestFactory(customer=customer)
    client.force_login(agent)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("customers:list")).status_code == 200


def test_create_and_edit_customer_records_history(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("customers:create"),
        {"kind": "company", "name": "华强电子", "phone": "0755-8888 6666", "language": "zh-hans"},
    )
    customer = Customer.objects.get(name="华强电子")
    assert response.url == reverse("customers:detail", args=[customer.pk])
    assert customer.phone_normalized == "+8675588886666"
    data = {
        "kind": "company",
        "name": "华强电子有限公司",
        "phone": customer.phone,
        "language": "zh-hans",
    }
    client.post(reverse("customers:edit", args=[customer.pk]), data)
    event = customer.events.get(kind=CustomerEvent.Kind.UPDATED)
    assert event.data["changes"]["name"] == ["华强电子", "华强电子有限公司"]
    assert event.actor == agent


def test_add_contact_with_buying_role(client, agent):
    company = CustomerFactory(kind="company", name="某医院")
    client.force_login(agent)
    client.post(
        reverse("customers:contact_add", args=[company.pk]),
        {"name": "张主任", "role": "decision_maker", "phone": "13700001111", "is_primary": "on"},
    )
    contact = company.contacts.get()
    assert (contact.name, contact.role, contact.is_primary) == ("张主任", "decision_maker", True)


@pytest.mark.parametrize("role", ["technician", "partner"])
def test_field_roles_cannot_create_or_edit_customers(client, users, customer, role):
    client.force_login(users[role])
    assert client.get(reverse("customers:create")).status_code == 403
    assert client.post(reverse("customers:edit", args=[customer.pk]), {}).status_code == 403
