"""Customers through the JSON API: who sees and changes which, search, filters."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.customers.models import Customer, CustomerEvent
from aftersales.testing.factories import ContactFactory, CustomerFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"
BACK_OFFICE = ["admin", "manager", "agent", "dispatcher"]


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.fixture
def world(customer, center, partner_center):
    """The logged-in customer, one customer served by each center, one nobody serves."""
    served = CustomerFactory(name="技术中心客户")
    ServiceRequestFactory(customer=served, service_center=center)
    partners = CustomerFactory(name="网点客户")
    ServiceRequestFactory(customer=partners, service_center=partner_center)
    alone = CustomerFactory(name="无工单客户")
    return {"own": customer, "center": served, "partner": partners, "alone": alone}


VISIBLE = {
    **{role: {"own", "center", "partner", "alone"} for role in BACK_OFFICE},
    "technician": {"center"},
    "partner": {"partner"},
    "customer": {"own"},
}


@pytest.mark.parametrize("role", VISIBLE)
def test_each_role_lists_the_customers_it_may_see(users, world, role):
    # when
    response = api(users[role]).get(CUSTOMERS)

    # then
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {world[name].pk for name in VISIBLE[role]}


@pytest.mark.parametrize("role", VISIBLE)
def test_a_customer_out_of_sight_is_not_found(users, world, role):
    client = api(users[role])
    for name in {"own", "center", "partner", "alone"} - VISIBLE[role]:
        assert client.get(f"{CUSTOMERS}{world[name].pk}/").status_code == 404


def test_a_customer_reads_with_the_contract_fields(agent, world):
    # given
    ContactFactory(customer=world["own"], name="张经理", role="decision_maker")

    # when
    data = api(agent).get(f"{CUSTOMERS}{world['own'].pk}/").json()

    # then
    assert {"id", "name", "kind", "phone", "email", "province", "city", "address"} <= set(data)
    assert data["kind"] == "person"
    assert data["contacts"][0]["name"] == "张经理"
    assert data["contacts"][0]["role"] == "decision_maker"


def test_internal_notes_are_not_shown_to_the_customer(agent, customer_user, customer):
    customer.notes = "VIP, 投诉过两次"
    customer.save()

    assert api(agent).get(f"{CUSTOMERS}{customer.pk}/").json()["notes"] == customer.notes
    assert "notes" not in api(customer_user).get(f"{CUSTOMERS}{customer.pk}/").json()


def test_a_caller_is_found_by_any_spelling_of_their_number(agent, customer, world):
    for spelling in ("138 0013 8000", "+86 138-0013-8000", "8613800138000", "00138"):
        results = api(agent).get(CUSTOMERS, {"q": spelling}).json()["results"]
        assert [row["id"] for row in results] == [customer.pk], spelling


def test_search_by_name_respects_visibility(partner, world):
    results = api(partner).get(CUSTOMERS, {"q": "客户"}).json()["results"]

    assert [row["id"] for row in results] == [world["partner"].pk]


def test_customers_filter_by_city_and_kind(agent, db):
    company = CustomerFactory(kind="company", city="深圳市")
    CustomerFactory(kind="person", city="深圳市")
    CustomerFactory(kind="company", city="北京市")

    results = api(agent).get(CUSTOMERS, {"city": "深圳市", "kind": "company"}).json()["results"]

    assert [row["id"] for row in results] == [company.pk]


@pytest.mark.parametrize("role", BACK_OFFICE)
def test_the_back_office_creates_customers_with_contacts(users, role):
    # given
    body = {
        "name": "华东电子有限公司",
        "kind": "company",
        "phone": "021-6552 9988",
        "province": "上海市",
        "city": "上海市",
        "address": "浦东新区 1 号",
        "contacts": [{"name": "陈采购", "role": "purchaser", "phone": "13900001111"}],
    }

    # when
    response = api(users[role]).post(CUSTOMERS, body, format="json")

    # then
    assert response.status_code == 201
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.phone_normalized == "+862165529988"
    assert response.json()["contacts"][0]["name"] == "陈采购"
    assert CustomerEvent.objects.filter(customer=customer, kind="created").exists()


@pytest.mark.parametrize("role", ["technician", "partner", "customer"])
def test_other_roles_may_not_create_or_edit_customers(users, world, role):
    client = api(users[role])
    visible = world[next(iter(VISIBLE[role]))]

    created = client.post(CUSTOMERS, {"name": "x"}, format="json")
    edited = client.patch(f"{CUSTOMERS}{visible.pk}/", {"name": "x"}, format="json")
    contact = client.post(f"{CUSTOMERS}{visible.pk}/contacts/", {"name": "x"}, format="json")

    assert [created.status_code, edited.status_code, contact.status_code] == [403, 403, 403]
    assert "back office" in created.json()["detail"]
    assert Customer.objects.get(pk=visible.pk).name == visible.name


def test_invalid_customer_data_is_refused_with_the_field(agent):
    response = api(agent).post(CUSTOMERS, {"name": "", "email": "not-mail"}, format="json")

    assert response.status_code == 400
    assert {"name", "email"} <= set(response.json()["errors"])
    assert not Customer.objects.exists()


def test_an_agent_edits_a_customer_and_the_change_is_recorded(agent, customer):
    response = api(agent).patch(
        f"{CUSTOMERS}{customer.pk}/", {"city": "杭州市", "phone": "13900002222"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["city"] == "杭州市"
    customer.refresh_from_db()
    assert customer.phone_normalized == "+8613900002222"
    event = CustomerEvent.objects.get(customer=customer, kind="updated")
    assert set(event.data["changes"]) == {"city", "phone"}


def test_contacts_are_added_through_their_own_endpoint(agent, customer):
    client = api(agent)

    refused = client.patch(
        f"{CUSTOMERS}{customer.pk}/", {"contacts": [{"name": "x"}]}, format="json"
    )
    added = client.post(
        f"{CUSTOMERS}{customer.pk}/contacts/",
        {"name": "刘工", "role": "user", "is_primary": True},
        format="json",
    )

    assert refused.status_code == 400
    assert added.status_code == 201
    assert customer.contacts.get().name == "刘工"


def test_the_customer_list_needs_few_queries_for_any_page_size(
    agent, django_assert_max_num_queries
):
    for _ in range(20):
        ContactFactory.create_batch(2, customer=CustomerFactory())
    client = APIClient()
    client.force_authenticate(agent)

    for size in (1, 20):
        with django_assert_max_num_queries(3):
            response = client.get(CUSTOMERS, {"page_size": size})
        assert len(response.json()["results"]) == size
