"""Units (the installed base) through the JSON API."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.assets.models import Unit, UnitEvent
from aftersales.testing.factories import (
    CustomerFactory,
    ProductFactory,
    ServiceRequestFactory,
    UnitFactory,
)
from aftersales.warranty.models import ComponentWarranty, WarrantyPolicy

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"
BACK_OFFICE = ["admin", "manager", "agent", "dispatcher"]


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.fixture
def world(customer, center, partner_center):
    own = UnitFactory(customer=customer, serial_number="OWN0001")
    serviced = UnitFactory(serial_number="CTR0001")
    ServiceRequestFactory(customer=serviced.customer, unit=serviced, service_center=center)
    partners = UnitFactory(serial_number="PTN0001")
    ServiceRequestFactory(customer=partners.customer, unit=partners, service_center=partner_center)
    alone = UnitFactory(serial_number="ALN0001")
    return {"own": own, "center": serviced, "partner": partners, "alone": alone}


VISIBLE = {
    **{role: {"own", "center", "partner", "alone"} for role in BACK_OFFICE},
    "technician": {"center"},
    "partner": {"partner"},
    "customer": {"own"},
}


@pytest.mark.parametrize("role", VISIBLE)
def test_each_role_lists_the_units_it_may_see(users, world, role):
    response = api(users[role]).get(UNITS)

    assert response.status_code == 200
    serials = {row["serial_number"] for row in response.json()["results"]}
    assert serials == {world[name].serial_number for name in VISIBLE[role]}


@pytest.mark.parametrize("role", VISIBLE)
def test_a_unit_out_of_sight_is_not_found(users, world, role):
    client = api(users[role])
    for name in set(world) - VISIBLE[role]:
        assert client.get(f"{UNITS}{world[name].pk}/").status_code == 404


def test_a_unit_reads_with_its_warranty(customer_user, customer):
    # given: bought ten days ago
    bought = timezone.localdate() - datetime.timedelta(days=10)
    unit = UnitFactory(customer=customer, purchased_on=bought, invoice_number="INV-1")

    # when
    data = api(customer_user).get(f"{UNITS}{unit.pk}/").json()

    # then
    assert {
        "id",
        "serial_number",
        "product",
        "customer",
        "purchased_on",
        "delivered_on",
        "installed_on",
        "status",
        "sales_channel",
        "invoice_number",
        "warranty",
    } <= set(data)
    assert data["purchased_on"] == bought.isoformat()
    assert data["status"] == "in_use"
    assert data["warranty"]["status"] == "exchange"
    assert data["warranty"]["return_until"] == (bought + datetime.timedelta(days=7)).isoformat()
    assert data["warranty"]["repair_until"] == bought.replace(year=bought.year + 1).isoformat()


def test_a_unit_without_purchase_date_has_unknown_warranty(agent):
    unit = UnitFactory(purchased_on=None)

    warranty = api(agent).get(f"{UNITS}{unit.pk}/").json()["warranty"]

    assert warranty["status"] == "unknown"
    assert warranty["repair_until"] is None


def test_units_filter_by_customer_product_status_and_serial(agent, world, customer):
    client = api(agent)
    product = world["center"].product

    def serials(**params):
        return [row["serial_number"] for row in client.get(UNITS, params).json()["results"]]

    assert serials(customer=customer.pk) == ["OWN0001"]
    assert serials(product=product.pk) == ["CTR0001"]
    assert serials(serial_number=" ptn 0001 ") == ["PTN0001"]
    assert serials(status="scrapped") == []


@pytest.mark.parametrize("role", BACK_OFFICE)
def test_the_back_office_registers_units(users, customer, role):
    # given
    product = ProductFactory()

    # when
    response = api(users[role]).post(
        UNITS,
        {
            "serial_number": " ab 12-34 ",
            "product": product.pk,
            "customer": customer.pk,
            "purchased_on": "2026-01-05",
            "delivered_on": "2026-01-07",
            "sales_channel": "京东",
        },
        format="json",
    )

    # then
    assert response.status_code == 201
    assert response.json()["serial_number"] == "AB12-34"
    unit = Unit.objects.get(serial_number="AB12-34")
    assert UnitEvent.objects.filter(unit=unit, kind="registered").exists()


def test_a_serial_number_is_registered_once_however_it_is_typed(agent, world):
    response = api(agent).post(
        UNITS,
        {
            "serial_number": "own 0001",
            "product": world["own"].product_id,
            "customer": world["own"].customer_id,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_serial"
    assert "OWN0001" in response.json()["detail"]


def test_dates_out_of_order_are_refused(agent, customer):
    response = api(agent).post(
        UNITS,
        {
            "serial_number": "X1",
            "product": ProductFactory().pk,
            "customer": customer.pk,
            "purchased_on": "2026-02-01",
            "delivered_on": "2026-01-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "delivered_on" in response.json()["errors"]
    assert not Unit.objects.filter(serial_number="X1").exists()


@pytest.mark.parametrize("role", ["technician", "partner", "customer"])
def test_other_roles_may_not_register_or_edit_units(users, world, role):
    client = api(users[role])
    visible = world[next(iter(VISIBLE[role]))]

    created = client.post(UNITS, {"serial_number": "NEW1"}, format="json")
    edited = client.patch(f"{UNITS}{visible.pk}/", {"invoice_number": "x"}, format="json")

    assert [created.status_code, edited.status_code] == [403, 403]
    assert not Unit.objects.filter(serial_number="NEW1").exists()


def test_an_agent_edits_details_and_status(agent, world):
    unit = world["own"]

    response = api(agent).patch(
        f"{UNITS}{unit.pk}/",
        {"installed_on": unit.purchased_on.isoformat(), "status": "replaced"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "replaced"
    kinds = set(UnitEvent.objects.filter(unit=unit).values_list("kind", flat=True))
    assert {"updated", "status"} <= kinds


def test_the_owner_changes_only_by_transfer(agent, world):
    # given
    unit = world["own"]
    buyer = CustomerFactory(name="二手买家")
    client = api(agent)

    # when
    refused = client.patch(f"{UNITS}{unit.pk}/", {"customer": buyer.pk}, format="json")
    moved = client.post(
        f"{UNITS}{unit.pk}/transfer/",
        {"customer": buyer.pk, "effective_on": "2026-03-01", "reason": "转卖"},
        format="json",
    )

    # then
    assert refused.status_code == 400
    assert "transfer" in refused.json()["detail"]
    assert moved.status_code == 200
    assert moved.json()["customer"] == buyer.pk
    event = UnitEvent.objects.get(unit=unit, kind="ownership")
    assert (event.from_customer, event.to_customer) == (world["own"].customer, buyer)


def test_the_serial_number_of_a_unit_cannot_be_changed(agent, world):
    unit = world["own"]

    response = api(agent).patch(f"{UNITS}{unit.pk}/", {"serial_number": "NEW"}, format="json")

    assert response.status_code == 400
    assert Unit.objects.get(pk=unit.pk).serial_number == "OWN0001"


def test_the_unit_list_needs_few_queries_for_any_page_size(agent, django_assert_max_num_queries):
    units = UnitFactory.create_batch(20)
    policy = WarrantyPolicy.objects.create(name="三包", category=units[0].product.category)
    ComponentWarranty.objects.create(policy=policy, component="压缩机", months=36)
    client = APIClient()
    client.force_authenticate(agent)

    # count, page, and the policies (with their terms and the category tree) read once
    for size in (1, 20):
        with django_assert_max_num_queries(5):
            response = client.get(UNITS, {"page_size": size})
        assert len(response.json()["results"]) == size
