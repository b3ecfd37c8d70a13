"""The warranty API: who reads and changes what, contract actions, money as decimal strings."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.testing.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ServiceRequestFactory,
    UnitFactory,
)
from aftersales.warranty.models import (
    ClaimStatus,
    ContractStatus,
    ExtendedWarranty,
    ServiceContract,
    SupplierWarranty,
    VendorClaim,
    WarrantyPolicy,
)

S = ContractStatus
BASE = "/api/v1"
ENDPOINTS = [
    "warranty-policies",
    "service-plans",
    "contracts",
    "extended-warranties",
    "supplier-warranties",
    "vendor-claims",
]


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.fixture
def world(gold, contract_in, customer):
    product = ProductFactory(category=CategoryFactory(code="AC", name="空调"))
    WarrantyPolicy.objects.create(name="空调三包", category=product.category)
    own_unit = UnitFactory(customer=customer, product=product, serial_number="OWN0001")
    other_customer = CustomerFactory(name="李四")
    other_unit = UnitFactory(customer=other_customer, product=product, serial_number="OTH0001")
    day = datetime.date(2025, 1, 1)
    ExtendedWarranty.objects.create(
        unit=own_unit, name="延保", starts_on=day, ends_on=day.replace(year=2028)
    )
    ExtendedWarranty.objects.create(
        unit=other_unit, name="别人的延保", starts_on=day, ends_on=day.replace(year=2028)
    )
    cover = SupplierWarranty.objects.create(supplier="格力压缩机厂", product=product, months=36)
    VendorClaim.objects.create(request=ServiceRequestFactory(), supplier_warranty=cover)
    return {
        "own": contract_in(S.ACTIVE, notes="内部：大客户，优先续约"),
        "other": contract_in(S.QUOTE, customer=other_customer),
        "own_unit": own_unit,
    }


READS = {
    "admin": set(ENDPOINTS),
    "manager": set(ENDPOINTS),
    "agent": set(ENDPOINTS),
    "dispatcher": set(ENDPOINTS),
    "technician": set(),
    "partner": set(),
    "customer": {"contracts", "extended-warranties"},
}


@pytest.mark.parametrize("role", READS)
def test_who_reads_what(users, world, role):
    client = api(users[role])
    for endpoint in ENDPOINTS:
        response = client.get(f"{BASE}/{endpoint}/")
        expected = 200 if endpoint in READS[role] else 403
        assert response.status_code == expected, endpoint


def test_a_customer_reads_only_their_own_contracts_without_internal_notes(customer_user, world):
    client = api(customer_user)

    rows = client.get(f"{BASE}/contracts/").json()["results"]
    assert [row["number"] for row in rows] == [world["own"].number]
    assert "notes" not in rows[0] and "actions" not in rows[0]
    assert client.get(f"{BASE}/contracts/{world['other'].pk}/").status_code == 404
    covers = client.get(f"{BASE}/extended-warranties/").json()["results"]
    assert [row["serial_number"] for row in covers] == ["OWN0001"]


@pytest.mark.parametrize("role", ["customer", "agent", "dispatcher"])
def test_they_cannot_change_contracts(users, world, role):
    client = api(users[role])
    contract = world["other"]
    assert client.post(f"{BASE}/contracts/{contract.pk}/accept/").status_code in (403, 404)
    assert (
        client.patch(f"{BASE}/service-plans/{contract.plan_id}/", {"price": "1"}).status_code == 403
    )
    contract.refresh_from_db()
    assert contract.status == S.QUOTE


def test_money_is_a_decimal_string_with_its_currency(users, world):
    row = api(users["agent"]).get(f"{BASE}/contracts/{world['own'].pk}/").json()
    assert (row["price"], row["currency"]) == ("3650.00", "CNY")
    assert row["notes"] == "内部：大客户，优先续约"
    plan = api(users["agent"]).get(f"{BASE}/service-plans/").json()["results"][0]
    assert (plan["price"], plan["currency"]) == ("3650.00", "CNY")


def test_a_manager_quotes_and_the_customer_accepts(manager, customer, gold):
    client = api(manager)
    unit = UnitFactory(customer=customer)

    # when a quote is made for one unit
    response = client.post(
        f"{BASE}/contracts/",
        {
            "customer": customer.pk,
            "plan": gold.pk,
            "starts_on": "2026-03-01",
            "all_units": False,
            "units": [unit.pk],
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    quote = response.json()
    assert quote["status"] == "quote"
    assert quote["ends_on"] == "2027-02-28"
    assert quote["price"] == "3650.00"
    assert quote["units"] == [{"id": unit.pk, "serial_number": unit.serial_number}]
    assert quote["actions"] == ["accept", "decline"]

    # when the customer accepts (its start has come)
    accepted = client.post(f"{BASE}/contracts/{quote['id']}/accept/", {"reason": "电话确认"})

    # then it is active, and the history says so
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "active"
    events = client.get(f"{BASE}/contracts/{quote['id']}/events/").json()["results"]
    assert [e["kind"] for e in events] == ["quoted", "accepted", "activated"]
    assert events[1]["body"] == "电话确认"


def test_refused_moves_are_400_with_the_reason(manager, contract_in):
    contract = contract_in(S.EXPIRED)
    response = api(manager).post(f"{BASE}/contracts/{contract.pk}/renew/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert body["detail"].startswith(
        f"Only an active contract can be renewed; contract {contract.number}"
    )
    assert ServiceContract.objects.count() == 1


def test_cancel_needs_a_reason(manager, contract_in):
    contract = contract_in(S.ACTIVE)
    response = api(manager).post(f"{BASE}/contracts/{contract.pk}/cancel/", {})
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Say why the contract is cancelled."]}


def test_a_cancelled_contract_says_from_which_day(manager, contract_in):
    contract = contract_in(S.ACTIVE)
    response = api(manager).post(
        f"{BASE}/contracts/{contract.pk}/cancel/", {"reason": "客户设备已报废"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["cancelled_on"]) == ("cancelled", str(timezone.localdate()))


def test_renew_answers_with_the_new_quote(manager, contract_in):
    contract = contract_in(S.ACTIVE)
    response = api(manager).post(f"{BASE}/contracts/{contract.pk}/renew/", {"price": "3000"})
    assert response.status_code == 201
    renewal = response.json()
    assert (renewal["renewal_of"], renewal["price"]) == (contract.number, "3000.00")
    assert (
        api(manager).get(f"{BASE}/contracts/{contract.pk}/").json()["renewal"] == renewal["number"]
    )


def test_activate_and_decline(manager, contract_in, today):
    accepted = contract_in(S.ACCEPTED)
    quote = contract_in(S.QUOTE)
    client = api(manager)
    assert client.post(f"{BASE}/contracts/{accepted.pk}/activate/").json()["status"] == "active"
    assert client.post(f"{BASE}/contracts/{quote.pk}/decline/").json()["status"] == "declined"


def test_a_quote_is_changed_with_patch_and_a_stale_version_is_409(manager, contract_in, silver):
    contract = contract_in(S.QUOTE)
    client = api(manager)
    url = f"{BASE}/contracts/{contract.pk}/"

    response = client.patch(url, {"plan": silver.pk, "price": None, "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["plan_code"], response.json()["version"]) == ("silver", 2)

    stale = client.patch(url, {"notes": "x", "version": 1}, format="json")
    assert stale.status_code == 409


def test_units_of_another_customer_are_refused(manager, customer, gold):
    other = UnitFactory(serial_number="ELSE0001")
    response = api(manager).post(
        f"{BASE}/contracts/",
        {
            "customer": customer.pk,
            "plan": gold.pk,
            "starts_on": "2026-03-01",
            "all_units": False,
            "units": [other.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "units": ["Only units of 王小明 can be covered; not ELSE0001."]
    }


def test_contracts_ending_soon_and_sorted(agent, contract_in, today):
    soon = contract_in(S.ACTIVE, ends_on=today + datetime.timedelta(days=10))
    contract_in(S.ACTIVE, ends_on=today + datetime.timedelta(days=100))
    rows = api(agent).get(f"{BASE}/contracts/", {"ending_within": 60}).json()["results"]
    assert [r["number"] for r in rows] == [soon.number]
    rows = api(agent).get(f"{BASE}/contracts/", {"sort": "ends"}).json()["results"]
    assert rows[0]["number"] == soon.number


def test_contract_list_queries_are_bounded(
    agent, contract_in, customer, django_assert_max_num_queries
):
    for index in range(30):
        contract = contract_in(S.ACTIVE)
        if index % 2:
            contract.all_units = False
            contract.save()
            contract.units.set([UnitFactory(customer=customer)])
    client = api(agent)
    with django_assert_max_num_queries(8):
        assert client.get(f"{BASE}/contracts/").status_code == 200


# --- Policies, plans, extended warranties, supplier cover, claims -------------------------


def test_a_manager_writes_a_policy_with_component_terms(manager):
    category = CategoryFactory(code="FR", name="冰箱")
    client = api(manager)
    response = client.post(
        f"{BASE}/warranty-policies/",
        {
            "name": "冰箱三包",
            "category": category.pk,
            "component_terms": [{"component": "压缩机", "months": 36}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    policy = response.json()
    assert policy["scope"] == "冰箱"
    assert policy["component_terms"] == [{"component": "压缩机", "months": 36}]

    refused = client.patch(
        f"{BASE}/warranty-policies/{policy['id']}/", {"exchange_days": 5}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "exchange_days: The exchange window (5 days) cannot be shorter than the return "
        "window (7 days)."
    )


def test_a_second_policy_for_a_category_is_refused_by_name(manager):
    category = CategoryFactory(code="FR", name="冰箱")
    WarrantyPolicy.objects.create(name="冰箱三包", category=category)
    response = api(manager).post(
        f"{BASE}/warranty-policies/", {"name": "新", "category": category.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "category": ["冰箱 already has a policy: 冰箱三包. Change that one instead."]
    }


def test_a_manager_writes_a_plan(manager, gold):
    client = api(manager)
    response = client.post(
        f"{BASE}/service-plans/",
        {
            "code": "bronze",
            "name": "铜牌服务",
            "rank": 1,
            "response_hours": 8,
            "resolution_hours": 72,
            "onsite_hours": 48,
            "price": "800.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["price"] == "800.00"
    tie = client.patch(f"{BASE}/service-plans/{response.json()['id']}/", {"rank": 3})
    assert tie.status_code == 400
    assert "Rank 3 is already 金牌服务's" in tie.json()["detail"]


@pytest.mark.parametrize(
    ("role", "status"), [("agent", 201), ("manager", 201), ("dispatcher", 403)]
)
def test_adding_an_extended_warranty(users, customer, role, status):
    unit = UnitFactory(customer=customer, purchased_on=datetime.date(2025, 1, 1))
    response = api(users[role]).post(
        f"{BASE}/extended-warranties/",
        {
            "unit": unit.pk,
            "name": "延保两年",
            "starts_on": "2026-01-02",
            "ends_on": "2028-01-01",
            "price": "299",
        },
        format="json",
    )
    assert response.status_code == status
    if status == 201:
        assert response.json()["price"] == "299.00"


def test_an_extended_warranty_that_ends_before_it_starts_is_refused(agent, customer):
    unit = UnitFactory(customer=customer, purchased_on=datetime.date(2024, 1, 1))
    response = api(agent).post(
        f"{BASE}/extended-warranties/",
        {"unit": unit.pk, "name": "延保", "starts_on": "2026-01-02", "ends_on": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ends_on": ["The cover must end after it starts (2026-01-02)."]
    }
    assert not ExtendedWarranty.objects.exists()


def test_extended_warranties_of_one_unit(agent, world):
    rows = api(agent).get(f"{BASE}/extended-warranties/", {"unit": world["own_unit"].pk})
    assert [r["name"] for r in rows.json()["results"]] == ["延保"]


def test_supplier_cover_and_claims(manager):
    client = api(manager)
    product = ProductFactory()
    cover = client.post(
        f"{BASE}/supplier-warranties/",
        {"supplier": "华南机电", "product": product.pk, "months": 24, "labour_rate": "150"},
        format="json",
    )
    assert cover.status_code == 201, cover.json()
    assert cover.json()["labour_rate"] == "150.00"
    claim = VendorClaim.objects.create(
        request=ServiceRequestFactory(),
        supplier_warranty=SupplierWarranty.objects.get(pk=cover.json()["id"]),
        amount=Decimal("150"),
    )

    moved = client.post(
        f"{BASE}/vendor-claims/{claim.pk}/transition/",
        {"to": "submitted", "reference": "HN-2026-7"},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json()["status"] == ClaimStatus.SUBMITTED
    assert moved.json()["next_statuses"] == ["accepted", "rejected"]

    skipped = client.post(f"{BASE}/vendor-claims/{claim.pk}/transition/", {"to": "open"})
    assert skipped.status_code == 400
    listed = client.get(f"{BASE}/vendor-claims/", {"status": "submitted", "supplier": "华南"})
    assert [r["id"] for r in listed.json()["results"]] == [claim.pk]


def test_agents_cannot_move_claims(agent, world):
    claim = VendorClaim.objects.get()
    response = api(agent).post(f"{BASE}/vendor-claims/{claim.pk}/transition/", {"to": "submitted"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN
