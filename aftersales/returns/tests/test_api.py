"""The returns API: a refund at day 5 and an exchange at day 10 end to end, the override,
who may read and do what, filters and bounded queries, trade-in valuation and credits."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.assets.models import Unit, UnitStatus
from aftersales.returns import services
from aftersales.returns.models import ReturnAuthorisation

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def post(client, url, data=None):
    return client.post(f"{BASE}{url}", data or {}, format="json")


def test_refund_five_days_after_purchase_through_the_api(agent, faulty_request, charger):
    request = faulty_request(5)
    client = api(agent)
    response = post(
        client, "/returns/", {"request": request.number, "kind": "refund", "price_paid": "1999.00"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    number = body["number"]
    assert body["status"] == "authorised" and body["next_steps"] == ["receive", "reject"]
    assert "refund" in body["allowed_remedies"] and body["currency"] == "CNY"
    response = post(
        client,
        f"/returns/{number}/receive/",
        {"condition": "good", "missing": [charger.pk], "version": body["version"]},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["missing_accessories"] == ["充电器"]
    assert post(client, f"/returns/{number}/inspect/", {"fault_confirmed": True}).status_code == 200
    response = post(client, f"/returns/{number}/refund/", {"method": "alipay"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["refund_amount"] == "1900.00" and body["deductions"] == "99.00"
    assert body["refund_method"] == "alipay"
    body = post(client, f"/returns/{number}/close/").json()
    assert body["status"] == "closed"
    assert [e["action"] for e in body["events"]] == [
        "authorised",
        "received",
        "inspected",
        "refunded",
        "closed",
    ]
    assert Unit.objects.get(pk=request.unit_id).status == UnitStatus.RETURNED


def test_exchange_ten_days_after_purchase_through_the_api(agent, faulty_request):
    request = faulty_request(10)
    client = api(agent)
    number = post(client, "/returns/", {"request": request.number, "kind": "exchange"}).json()[
        "number"
    ]
    post(client, f"/returns/{number}/receive/", {"condition": "as_new"})
    post(client, f"/returns/{number}/inspect/", {"fault_confirmed": True})
    response = post(client, f"/returns/{number}/exchange/", {"new_serial": "x100-api-1"})
    assert response.status_code == 200, response.json()
    assert response.json()["replacement_unit"] == "X100-API-1"
    new = Unit.objects.get(serial_number="X100-API-1")
    assert new.customer_id == request.customer_id and new.warranty_starts_on is not None
    assert Unit.objects.get(pk=request.unit_id).status == UnitStatus.REPLACED
    assert post(client, f"/returns/{number}/close/").json()["status"] == "closed"


def test_refund_at_day_ten_needs_a_manager_and_a_reason(agent, manager, faulty_request):
    request = faulty_request(10)
    response = post(api(agent), "/returns/", {"request": request.number, "kind": "refund"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_entitled"
    response = post(api(manager), "/returns/", {"request": request.number, "kind": "refund"})
    assert response.status_code == 400
    assert "override_reason" in response.json()["errors"]
    response = post(
        api(manager),
        "/returns/",
        {"request": request.number, "kind": "refund", "override_reason": "经理批准"},
    )
    assert response.status_code == 201
    assert response.json()["overridden"] is True
    assert response.json()["override_reason"] == "经理批准"


def test_a_stale_version_and_a_wrong_step_are_conflicts(agent, faulty_request):
    request = faulty_request(5)
    client = api(agent)
    number = post(client, "/returns/", {"request": request.number, "kind": "refund"}).json()[
        "number"
    ]
    response = post(client, f"/returns/{number}/receive/", {"condition": "good", "version": 9})
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    response = post(client, f"/returns/{number}/refund/", {"method": "cash"})
    assert response.status_code == 409


@pytest.fixture
def two_returns(agent, faulty_request, partner_center, other_center):
    mine = services.authorise(agent, faulty_request(5, center=partner_center), kind="refund")
    theirs = services.authorise(agent, faulty_request(5, center=other_center), kind="refund")
    return mine, theirs


# role: (returns listed or status, may start a return)
ACCESS = {
    "admin": (2, 201),
    "manager": (2, 201),
    "agent": (2, 201),
    "dispatcher": (2, 403),
    "technician": (403, 403),
    "partner": (1, 403),
    "customer": (403, 403),
}


@pytest.mark.parametrize("role", ACCESS)
def test_api_access_per_role(users, two_returns, faulty_request, partner_center, role):
    listed, start = ACCESS[role]
    client = api(users[role])
    response = client.get(f"{BASE}/returns/")
    if isinstance(listed, int) and listed >= 100:
        assert response.status_code == listed
    else:
        assert response.status_code == 200
        assert response.json()["count"] == listed
    request = faulty_request(3, center=partner_center)
    response = post(client, "/returns/", {"request": request.number, "kind": "refund"})
    assert response.status_code in ((start,) if start != 403 else (403, 404)), response.json()


def test_partner_staff_read_their_centers_returns_only(partner, two_returns):
    mine, theirs = two_returns
    client = api(partner)
    assert client.get(f"{BASE}/returns/{mine.number}/").status_code == 200
    assert client.get(f"{BASE}/returns/{theirs.number}/").status_code == 404
    response = post(client, f"/returns/{mine.number}/receive/", {"condition": "good"})
    assert response.status_code == 403


def test_list_filters_and_bounded_queries(agent, faulty_request, django_assert_max_num_queries):
    for days in (1, 2, 3):
        services.authorise(agent, faulty_request(days), kind="refund")
    services.authorise(agent, faulty_request(10), kind="exchange")
    client = api(agent)
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/returns/")
    assert response.json()["count"] == 4
    assert client.get(f"{BASE}/returns/?kind=exchange").json()["count"] == 1
    assert client.get(f"{BASE}/returns/?status=received").json()["count"] == 0
    assert client.get(f"{BASE}/returns/?customer=王小明").json()["count"] == 4
    first = ReturnAuthorisation.objects.order_by("created_at").first()
    rows = client.get(f"{BASE}/returns/?sort=created").json()["results"]
    assert rows[0]["number"] == first.number


def test_trade_in_valuation_and_credit_through_the_api(
    agent, manager, customer, phone_model, trade_in_rates
):
    from aftersales.testing.factories import UnitFactory

    old = UnitFactory(customer=customer, product=phone_model, purchased_on=phone_model_purchase(14))
    client = api(agent)
    response = post(
        client, "/trade-in/valuation/", {"serial_number": old.serial_number, "condition": "good"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["value"] == "800.00" and response.json()["age_months"] == 14
    response = post(
        client, "/trade-in-credits/", {"serial_number": old.serial_number, "condition": "good"}
    )
    assert response.status_code == 201
    number = response.json()["number"]
    new = UnitFactory(customer=customer, product=phone_model)
    response = post(client, f"/trade-in-credits/{number}/use/", {"new_serial": new.serial_number})
    assert response.status_code == 200
    assert response.json()["status"] == "used"
    assert response.json()["used_on_unit"] == new.serial_number
    response = post(client, "/trade-in-rates/", {"condition": "poor", "value": "100"})
    assert response.status_code == 403
    response = post(api(manager), "/trade-in-rates/", {"condition": "poor", "value": "100"})
    assert response.status_code == 201


def phone_model_purchase(months):
    from django.utils import timezone

    from aftersales.warranty.dates import add_months

    today = timezone.localdate()
    return add_months(today, -months)


def test_photos_of_the_received_item_are_uploaded_with_the_receipt(agent, faulty_request):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.returns.tests.test_return_rules import PNG

    request = faulty_request(5)
    client = api(agent)
    number = post(client, "/returns/", {"request": request.number, "kind": "refund"}).json()[
        "number"
    ]
    photos = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in (1, 2)]
    response = client.post(
        f"{BASE}/returns/{number}/receive/",
        {"condition": "fair", "photos": photos},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert len(response.json()["events"][-1]["data"]["photos"]) == 2
    assert sorted(request.attachments.values_list("original_name", flat=True)) == [
        "p1.png",
        "p2.png",
    ]


def test_a_retried_start_with_the_same_idempotency_key_returns_the_first_return(
    agent, faulty_request
):
    request = faulty_request(5)
    client = api(agent)
    data = {"request": request.number, "kind": "refund"}
    first = client.post(f"{BASE}/returns/", data, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(f"{BASE}/returns/", data, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert ReturnAuthorisation.objects.count() == 1
    other = {"request": request.number, "kind": "exchange"}
    response = client.post(f"{BASE}/returns/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 409
