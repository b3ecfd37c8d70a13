"""Each request records the warranty decision it is handled under, from the unit's history."""

import datetime

from django.utils import timezone

from aftersales.service import entitlement, services
from aftersales.service.choices import EventKind, Status
from aftersales.testing.factories import (
    CategoryFactory,
    FaultCodeFactory,
    ProductFactory,
    UnitFactory,
)
from aftersales.warranty.models import WarrantyPolicy


def unit_bought(days_ago, customer, category=None):
    category = category or CategoryFactory()
    return UnitFactory(
        customer=customer,
        product=ProductFactory(category=category),
        purchased_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def open_request(agent, customer, unit, **fields):
    return services.create_request(
        actor=agent, customer=customer, unit=unit, subject="不制冷", channel="phone", **fields
    )


def test_a_new_request_records_the_decision_and_says_so(agent, customer):
    unit = unit_bought(3, customer)
    request = open_request(agent, customer, unit)
    snapshot = request.entitlement
    assert snapshot["warranty_status"] == "in_warranty"
    assert snapshot["eligible_remedies"] == ["refund", "exchange", "repair"]
    assert snapshot["repair_charge"] == "free"
    event = request.events.get(kind=EventKind.ENTITLEMENT)
    assert event.data["repair_charge"] == "free"


def test_a_request_without_unit_has_no_decision(agent, customer):
    request = services.create_request(
        actor=agent, customer=customer, subject="咨询", channel="phone"
    )
    assert request.entitlement == {}
    assert not request.events.filter(kind=EventKind.ENTITLEMENT).exists()


def test_finding_the_cause_decides_again(agent, customer):
    request = open_request(agent, customer, unit_bought(30, customer))
    assert request.entitlement["repair_charge"] == "free"

    request = services.update_request(request, actor=agent, fault_cause="customer_damage")

    assert request.entitlement["repair_charge"] == "chargeable"
    assert request.entitlement["fault"] == "customer_damage"
    assert request.events.filter(kind=EventKind.ENTITLEMENT).count() == 2


def test_a_later_policy_change_does_not_rewrite_the_snapshot(agent, customer):
    category = CategoryFactory()
    policy = WarrantyPolicy.objects.create(name="旧政策", category=category)
    request = open_request(agent, customer, unit_bought(10, customer, category))
    assert request.entitlement["eligible_remedies"] == ["exchange", "repair"]

    policy.exchange_days = 5
    policy.save()

    request.refresh_from_db()
    assert request.entitlement["eligible_remedies"] == ["exchange", "repair"]
    assert request.entitlement["policy"]["exchange_days"] == 15
    assert entitlement.snapshot(request).policy["name"] == "旧政策"


def test_the_third_failure_of_the_same_fault_opens_exchange(agent, customer):
    unit = unit_bought(100, customer)
    code = FaultCodeFactory(category=unit.product.category, component="压缩机")

    def fail_and_repair():
        request = open_request(agent, customer, unit, fault_codes=[code], fault_cause="quality")
        request = services.transition(request, actor=agent, to=Status.IN_PROGRESS)
        return services.transition(
            request,
            actor=agent,
            to=Status.RESOLVED,
            resolution_type="onsite",
            resolution_summary="更换压缩机",
        )

    first, second = fail_and_repair(), fail_and_repair()
    assert second.entitlement["eligible_remedies"] == ["repair"]
    third = open_request(agent, customer, unit, fault_codes=[code], fault_cause="quality")
    assert third.entitlement["eligible_remedies"] == ["refund", "exchange", "repair"]
    assert first.number in " ".join(entitlement.snapshot(third).reason_texts)


def test_a_unit_bought_after_the_call_still_gets_its_request(agent, customer):
    # a data slip (purchase date after the call) must not stop the request being taken
    unit = unit_bought(-5, customer)
    request = open_request(agent, customer, unit)
    assert request.pk and request.entitlement == {}


def test_the_timeline_says_what_was_decided(client, agent, customer):
    from django.urls import reverse

    request = open_request(agent, customer, unit_bought(30, customer))
    client.force_login(agent)
    page = client.get(reverse("service:detail", args=[request.number])).content.decode()
    assert "Warranty decision: In warranty · free of charge · Repair · Not yet known" in page
