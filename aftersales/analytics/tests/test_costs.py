"""costs: what requests cost (labour, parts, travel) and earned, on hand-made figures."""

from decimal import Decimal

import pytest

from aftersales.analytics import costs
from aftersales.analytics.tests import builders as b
from aftersales.service.models import ServiceRequest
from aftersales.settlement.models import Payee
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory
from aftersales.warranty.models import ChargeStatus, QuoteStatus

D = Decimal


@pytest.fixture
def money_data(center, partner_center):
    """R1 at a partner, R2 at our own center (received in October), R3 with no money."""
    alice, bob = CustomerFactory(), CustomerFactory()
    r1 = ServiceRequestFactory(customer=alice, service_center=partner_center, received_at=b.at(3))
    r2 = ServiceRequestFactory(
        customer=alice, service_center=center, received_at=b.at(20, month=10)
    )
    r3 = ServiceRequestFactory(customer=bob, service_center=center, received_at=b.at(5))

    v1 = b.visit(r1, partner_center)
    b.fee(v1, "120.00")  # the partner's fee
    b.fee(v1, "30.00", payee=Payee.TECHNICIAN)  # the technician's piece rate
    b.part_used(r1, 2, "99.00", chargeable=True)
    b.part_used(r1, 1, "30.00")
    b.part_used(r1, 1, "500.00", currency="USD")  # another currency: left out
    accepted = b.quote(r1, "200.00")
    b.charge(r1, "200.00", quote_=accepted)  # one quote, one charge: counted once
    b.charge(r1, "50.00", status=ChargeStatus.WAIVED)  # waived: earns nothing
    b.quote(r1, "80.00")  # accepted, not charged yet
    b.quote(r1, "500.00", status=QuoteStatus.SENT)  # not accepted
    b.quote(r1, "999.00", currency="USD")

    b.visit(
        r2,
        center,
        travel_started_at=b.at(1, 8, 30),
        checked_in_at=b.at(1, 9, 0),
        checked_out_at=b.at(1, 10, 30),
    )
    b.charge(r2, "300.00", status=ChargeStatus.PAID)
    return {"alice": alice, "bob": bob, "r1": r1, "r2": r2, "r3": r3}


@pytest.fixture
def rates(settings):
    settings.ANALYTICS_LABOUR_COST_PER_HOUR = "100"
    settings.ANALYTICS_TRAVEL_COST_PER_HOUR = "60"


def _figures(money):
    return (money.labour, money.parts, money.travel, money.revenue, money.requests)


def test_each_request_its_money(money_data, rates, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        money = costs.for_requests(ServiceRequest.objects.all())
    r1, r2, r3 = (money[money_data[k].pk] for k in ("r1", "r2", "r3"))
    assert _figures(r1) == (D("150.00"), D("228.00"), D("0.00"), D("280.00"), 1)
    # 90 minutes on site at 100 an hour, 30 minutes on the road at 60 an hour
    assert _figures(r2) == (D("150.00"), D("0.00"), D("30.00"), D("300.00"), 1)
    assert _figures(r3) == (D("0.00"), D("0.00"), D("0.00"), D("0.00"), 1)
    assert r1.cost == D("378.00")
    assert r1.margin == D("-98.00")


def test_totals_and_cost_per_request(money_data, rates, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        total = costs.totals(ServiceRequest.objects.all())
    assert _figures(total) == (D("300.00"), D("228.00"), D("30.00"), D("580.00"), 3)
    assert total.cost == D("558.00")
    assert total.cost_per_request == D("186.00")
    assert total.as_dict()["cost_per_request"] == "186.00"
    assert total.as_dict()["currency"] == "CNY"


def test_own_time_is_free_without_rates(money_data):
    money = costs.for_requests(ServiceRequest.objects.filter(pk=money_data["r2"].pk))
    assert _figures(money[money_data["r2"].pk]) == (D("0"), D("0"), D("0"), D("300.00"), 1)


def test_nothing_to_count():
    total = costs.totals(ServiceRequest.objects.none())
    assert total.requests == 0
    assert total.cost_per_request is None
    assert costs.for_requests(ServiceRequest.objects.none()) == {}


def test_by_customer_counts_requests_received_in_the_period(money_data, rates):
    nobody = CustomerFactory()
    alice, bob = money_data["alice"], money_data["bob"]
    money = costs.by_customer([alice.pk, bob.pk, nobody.pk], b.at(1, 0), b.at(1, 0, month=12))
    # Alice's October request (r2) is outside November
    assert _figures(money[alice.pk]) == (D("150.00"), D("228.00"), D("0"), D("280.00"), 1)
    assert _figures(money[bob.pk]) == (D("0"), D("0"), D("0"), D("0"), 1)
    assert money[nobody.pk].requests == 0
    every_time = costs.by_customer([alice.pk])
    assert every_time[alice.pk].revenue == D("580.00")


def test_by_group_and_a_page_of_a_list(money_data, center, partner_center, rates):
    by_center = costs.by_group(ServiceRequest.objects.all(), "service_center_id")
    assert by_center[partner_center.pk].cost == D("378.00")
    assert by_center[center.pk].cost == D("180.00")
    assert by_center[center.pk].requests == 2
    page = ServiceRequest.objects.order_by("received_at")[:1]  # r2, the October one
    assert list(costs.for_requests(page)) == [money_data["r2"].pk]
