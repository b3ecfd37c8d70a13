"""The parts API: who reads which stock, moves, reservations (also of parts coming from
the warehouse), parts used, faulty parts; errors as JSON; bounded queries."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.parts import services
from aftersales.parts.models import (
    DefectivePart,
    ReorderRule,
    Reservation,
    StockLevel,
    StockMove,
)
from aftersales.parts.tests.conftest import stock
from aftersales.service.choices import Status
from aftersales.testing.factories import SparePartFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.fixture
def stocked(manager, warehouse, center_stock, partner_stock, van, compressor, filter_part):
    stock(compressor, warehouse, 10, manager)
    stock(compressor, center_stock, 1, manager)
    stock(filter_part, partner_stock, 4, manager)
    stock(filter_part, van, 2, manager)
    ReorderRule.objects.create(part=compressor, location=center_stock, minimum=3, target=6)


# role: levels listed (or status)
ACCESS = {
    "admin": 4,
    "manager": 4,
    "agent": 4,
    "dispatcher": 4,
    "technician": 1,
    "partner": 1,
    "customer": 403,
}


@pytest.mark.parametrize("role", ACCESS)
def test_stock_levels_per_role(users, stocked, role):
    response = api(users[role]).get(f"{BASE}/stock-levels/")
    expected = ACCESS[role]
    if expected == 403:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_levels_filter_by_location_and_below_reorder_point(manager, stocked, center_stock):
    client = api(manager)
    rows = client.get(f"{BASE}/stock-levels/", {"below": "true"}).json()["results"]
    assert [
        (r["part_number"], r["location_code"], r["available"], r["reorder_point"]) for r in rows
    ] == [("CMP-01", "ST-OWN", 1, 3)]
    rows = client.get(f"{BASE}/stock-levels/", {"location": center_stock.pk}).json()["results"]
    assert len(rows) == 1
    rows = client.get(f"{BASE}/stock-levels/replenishment/").json()["results"]
    assert rows[0]["suggested"] == 5 and rows[0]["source_available"] == 10


def test_a_manager_records_moves_and_a_refusal_is_json(
    manager, stocked, warehouse, van, compressor
):
    client = api(manager)
    response = client.post(
        f"{BASE}/stock-moves/",
        {
            "kind": "transfer",
            "part": compressor.pk,
            "from_location": warehouse.pk,
            "to_location": van.pk,
            "quantity": 3,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "transfer"
    count = StockMove.objects.count()
    response = client.post(
        f"{BASE}/stock-moves/",
        {
            "kind": "transfer",
            "part": compressor.pk,
            "from_location": warehouse.pk,
            "to_location": van.pk,
            "quantity": 30,
        },
        format="json",
    )
    assert response.status_code == 409
    assert "Only 7 of" in str(response.json())
    assert StockMove.objects.count() == count
    response = client.post(
        f"{BASE}/stock-moves/",
        {"kind": "consume", "part": compressor.pk, "from_location": van.pk, "quantity": 1},
        format="json",
    )
    assert response.status_code == 400


def test_an_agent_may_not_receive_goods(agent, stocked, warehouse, compressor):
    response = api(agent).post(
        f"{BASE}/stock-moves/",
        {"kind": "receipt", "part": compressor.pk, "to_location": warehouse.pk, "quantity": 1},
        format="json",
    )
    assert response.status_code == 403


def test_reserve_from_the_warehouse_receive_and_use(
    agent, technician, stocked, warehouse, van, compressor, work_request
):
    response = api(agent).post(
        f"{BASE}/stock-reservations/",
        {
            "request": work_request.number,
            "part": compressor.pk,
            "quantity": 2,
            "location": van.pk,
            "source": warehouse.pk,
            "wait": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    reservation = response.json()
    assert reservation["status"] == "awaiting"
    work_request.refresh_from_db()
    assert work_request.status == Status.WAITING_PARTS

    tech = api(technician)
    listed = tech.get(f"{BASE}/stock-reservations/", {"status": "awaiting"}).json()
    assert [r["id"] for r in listed["results"]] == [reservation["id"]]
    response = tech.post(f"{BASE}/stock-reservations/{reservation['id']}/receive/")
    assert response.status_code == 200 and response.json()["status"] == "reserved"
    work_request.refresh_from_db()
    assert work_request.status == Status.IN_PROGRESS
    response = tech.post(f"{BASE}/stock-reservations/{reservation['id']}/use/")
    assert response.status_code == 201 and response.json()["quantity"] == 2
    usages = tech.get(f"{BASE}/part-usages/", {"request": work_request.number}).json()
    assert usages["count"] == 1


def test_the_last_unit_is_refused_with_409(
    agent, dispatcher, stocked, center_stock, compressor, work_request
):
    body = {
        "request": work_request.number,
        "part": compressor.pk,
        "quantity": 1,
        "location": center_stock.pk,
    }
    assert api(agent).post(f"{BASE}/stock-reservations/", body, format="json").status_code == 201
    response = api(dispatcher).post(f"{BASE}/stock-reservations/", body, format="json")
    assert response.status_code == 409
    assert Reservation.objects.count() == 1


def test_release_through_the_api(agent, stocked, center_stock, compressor, work_request):
    reservation = services.reserve(compressor, center_stock, 1, request=work_request, actor=agent)
    client = api(agent)
    response = client.post(f"{BASE}/stock-reservations/{reservation.pk}/release/")
    assert response.status_code == 200 and response.json()["status"] == "released"
    assert client.post(f"{BASE}/stock-reservations/{reservation.pk}/release/").status_code == 409
    assert StockLevel.objects.get(part=compressor, location=center_stock).reserved == 0


def test_a_technician_records_a_part_used_from_the_van(
    technician, stocked, van, filter_part, work_request
):
    response = api(technician).post(
        f"{BASE}/part-usages/",
        {"request": work_request.number, "part": filter_part.pk, "quantity": 1, "location": van.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["is_consumable"] and response.json()["chargeable"]


def test_faulty_parts_through_the_api(technician, manager, center, compressor, work_request):
    response = api(technician).post(
        f"{BASE}/defective-parts/",
        {
            "request": work_request.number,
            "part": compressor.pk,
            "center": center.pk,
            "serial_number": "OLD-7",
        },
        format="json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert (
        api(technician)
        .post(f"{BASE}/defective-parts/{pk}/close/", {"outcome": "scrapped"}, format="json")
        .status_code
        == 403
    )
    response = api(manager).post(
        f"{BASE}/defective-parts/{pk}/close/",
        {"outcome": "returned", "reference": "RTV"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert DefectivePart.objects.get().reference == "RTV"


def test_partner_staff_do_not_see_other_centers_reservations(
    agent, partner, stocked, center_stock, compressor, work_request
):
    reservation = services.reserve(compressor, center_stock, 1, request=work_request, actor=agent)
    response = api(partner).get(f"{BASE}/stock-reservations/{reservation.pk}/")
    assert response.status_code == 404


def test_lists_use_a_bounded_number_of_queries(
    manager, stocked, warehouse, center_stock, work_request, django_assert_max_num_queries
):
    for _ in range(6):
        part = SparePartFactory()
        stock(part, warehouse, 3, manager)
        services.reserve(part, warehouse, 1, request=work_request, actor=manager)
        services.consume(part, warehouse, 1, request=work_request, actor=manager)
    client = api(manager)
    for url in (
        "stock-levels/",
        "stock-levels/replenishment/",
        "stock-moves/",
        "stock-reservations/",
        "part-usages/",
        "defective-parts/",
        "stock-locations/",
    ):
        with django_assert_max_num_queries(10):
            assert client.get(f"{BASE}/{url}").status_code == 200, url


def test_a_retried_receipt_with_the_same_key_is_recorded_once(manager, warehouse, compressor):
    client = api(manager)
    body = {
        "kind": "receipt",
        "part": compressor.pk,
        "to_location": warehouse.pk,
        "quantity": 4,
        "reference": "DN-77",
    }
    first = client.post(f"{BASE}/stock-moves/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"{BASE}/stock-moves/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert StockLevel.objects.get(part=compressor, location=warehouse).on_hand == 4
    body["quantity"] = 5
    reused = client.post(f"{BASE}/stock-moves/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 409


def test_a_stocktake_that_matches_changes_nothing(manager, warehouse, compressor):
    stock(compressor, warehouse, 2, manager)
    body = {
        "kind": "adjust",
        "part": compressor.pk,
        "from_location": warehouse.pk,
        "quantity": 2,
        "note": "count",
    }
    assert api(manager).post(f"{BASE}/stock-moves/", body, format="json").status_code == 204


def test_partner_staff_read_only_their_centers_ledger(manager, partner, stocked):
    moves = api(partner).get(f"{BASE}/stock-moves/").json()["results"]
    assert moves and {m["to_location"] for m in moves} == {
        StockLevel.objects.get(location__code="ST-PARTNER").location_id
    }
    locations = api(partner).get(f"{BASE}/stock-locations/").json()["results"]
    assert {row["code"] for row in locations} == {"ST-PARTNER"}
