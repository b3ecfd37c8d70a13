"""Extended warranties bought for a unit: valid dates, who may add them, the unit's history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftersales.assets.models import UnitEvent
from aftersales.core.errors import NotAllowed
from aftersales.testing.factories import UnitFactory
from aftersales.warranty import services
from aftersales.warranty.decision import Status, evaluate
from aftersales.warranty.models import ExtendedWarranty

D = datetime.date


@pytest.fixture
def unit(customer):
    return UnitFactory(customer=customer, serial_number="FR2024000001", purchased_on=D(2024, 5, 1))


def add(unit, actor, **fields):
    values = {
        "name": "延保三年",
        "reference": "EW-2025-0001",
        "starts_on": D(2025, 5, 2),
        "ends_on": D(2028, 5, 1),
        "price": Decimal("399"),
    } | fields
    return services.add_extended_warranty(unit, actor=actor, **values)


def test_an_agent_adds_an_extended_warranty_and_the_unit_remembers(unit, agent):
    # when
    cover = add(unit, agent, covers_accidental_damage=True)

    # then
    assert (cover.unit, cover.price, cover.currency) == (unit, Decimal("399"), "CNY")
    event = unit.events.get(kind=UnitEvent.Kind.UPDATED)
    assert event.actor == agent
    assert event.body == "延保三年 EW-2025-0001: 2025-05-02 – 2028-05-01"
    assert event.data["extended_warranty"]["ends_on"] == "2028-05-01"


def test_the_decision_sees_it(unit, agent):
    add(unit, agent)
    decision = evaluate(unit, "quality", D(2026, 6, 1), today=D(2026, 6, 1))
    assert decision.warranty_status == Status.EXTENDED
    assert decision.repair_charge == "free"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"starts_on": D(2025, 5, 2), "ends_on": D(2025, 5, 2)},
            {"ends_on": ["The cover must end after it starts (2025-05-02)."]},
        ),
        (
            {"starts_on": D(2025, 5, 2), "ends_on": D(2024, 5, 2)},
            {"ends_on": ["The cover must end after it starts (2025-05-02)."]},
        ),
        (
            {"starts_on": D(2024, 4, 1)},
            {"starts_on": ["The cover cannot start before the unit was bought (2024-05-01)."]},
        ),
        ({"price": Decimal("-10")}, {"price": ["The amount cannot be negative."]}),
        ({"name": "  "}, {"name": ["This field cannot be blank."]}),
        ({"starts_on": None}, {"starts_on": ["This field cannot be null."]}),
    ],
)
def test_bad_cover_is_refused(unit, agent, fields, errors):
    with pytest.raises(ValidationError) as refused:
        add(unit, agent, **fields)
    assert refused.value.message_dict == errors
    assert ExtendedWarranty.objects.count() == 0
    assert not unit.events.exists()


def test_the_same_certificate_is_recorded_once(unit, agent):
    add(unit, agent)
    with pytest.raises(ValidationError) as refused:
        add(unit, agent, starts_on=D(2026, 1, 1))
    assert refused.value.message_dict == {
        "reference": ["Certificate EW-2025-0001 is already recorded for this unit."]
    }
    assert ExtendedWarranty.objects.count() == 1


def test_a_unit_without_purchase_date_may_get_cover(agent):
    unit = UnitFactory(purchased_on=None)
    assert add(unit, agent).pk


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("manager", True),
        ("agent", True),
        ("dispatcher", False),
        ("technician", False),
        ("partner", False),
        ("customer", False),
    ],
)
def test_who_may_add_extended_warranties(unit, users, role, allowed):
    if allowed:
        assert add(unit, users[role]).pk
    else:
        with pytest.raises(NotAllowed):
            add(unit, users[role])
        assert ExtendedWarranty.objects.count() == 0
