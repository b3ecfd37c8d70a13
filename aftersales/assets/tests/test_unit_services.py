"""The installed base: registering units by serial number, editing them, owners and status."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.assets import services
from aftersales.assets.models import Unit, UnitEvent, UnitStatus, normalize_serial
from aftersales.core.errors import DomainError
from aftersales.testing.concurrency import needs_postgres, run_together
from aftersales.testing.factories import CustomerFactory, ProductFactory, UnitFactory

D = datetime.timedelta(days=1)
Kind = UnitEvent.Kind


@pytest.mark.parametrize(
    ("raw", "serial"),
    [
        ("KFR-35GW/001", "KFR-35GW/001"),
        (" kfr-35gw/001 ", "KFR-35GW/001"),
        ("KFR 35GW 001", "KFR35GW001"),
        ("kfr\t35gw\n001", "KFR35GW001"),
        ("", ""),
        (None, ""),
    ],
)
def test_serial_numbers_are_compared_without_spaces_and_case(raw, serial):
    assert normalize_serial(raw) == serial


@pytest.fixture
def product(db):
    return ProductFactory(sku="KFR-35GW", name="空调挂机", requires_installation=True)


def register(actor, customer, product, **fields):
    bought = timezone.localdate() - 30 * D
    values = {"serial_number": "kfr 35gw 0001", "purchased_on": bought} | fields
    return services.register_unit(actor=actor, customer=customer, product=product, **values)


def test_a_unit_is_registered_with_its_history(agent, customer, product):
    # when
    unit = register(agent, customer, product, sales_channel="京东自营")

    # then
    unit.refresh_from_db()
    assert unit.serial_number == "KFR35GW0001"
    assert unit.status == UnitStatus.IN_USE
    event = unit.events.get()
    assert (event.kind, event.actor, event.to_customer) == (Kind.REGISTERED, agent, customer)


@pytest.mark.parametrize("spelling", ["KFR35GW0001", "kfr35gw0001", " KFR 35GW 0001 "])
def test_a_serial_number_is_registered_once_however_it_is_typed(spelling, agent, customer, product):
    # given
    register(agent, customer, product)

    # when
    with pytest.raises(DomainError) as refused:
        register(agent, CustomerFactory(), product, serial_number=spelling)

    # then
    assert refused.value.code == "duplicate_serial"
    assert str(refused.value) == "A unit with serial number KFR35GW0001 is already registered."
    assert Unit.objects.count() == 1


@pytest.mark.parametrize("spelling", ["KFR35GW0001", "kfr 35gw 0001", "  kfr35GW0001"])
def test_a_unit_is_found_by_any_spelling_of_its_serial(spelling, agent, customer, product):
    # given
    unit = register(agent, customer, product)

    # when / then
    assert services.find_unit(spelling) == unit


@pytest.mark.parametrize("serial", ["", "   ", "NOSUCH"])
def test_no_unit_is_found_for_nothing_or_an_unknown_serial(serial, db):
    assert services.find_unit(serial) is None


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"purchased_on": 0 * D, "delivered_on": -1 * D},
            "delivered_on",
            "The delivery date cannot be before the purchase date.",
        ),
        (
            {"purchased_on": -5 * D, "delivered_on": -3 * D, "installed_on": -4 * D},
            "installed_on",
            "The installation date cannot be before delivery or purchase.",
        ),
        (
            {"purchased_on": -5 * D, "installed_on": -6 * D},
            "installed_on",
            "The installation date cannot be before delivery or purchase.",
        ),
        (
            {"purchased_on": 3 * D},
            "purchased_on",
            "The purchase date cannot be in the future.",
        ),
    ],
)
def test_dates_out_of_order_are_refused(dates, field, message, agent, customer, product):
    # given dates relative to today
    today = timezone.localdate()
    values = {name: today + offset for name, offset in dates.items()}

    # when
    with pytest.raises(ValidationError) as refused:
        register(agent, customer, product, **values)

    # then
    assert refused.value.message_dict[field] == [message]
    assert not Unit.objects.exists()
    assert not UnitEvent.objects.exists()


def test_dates_in_order_are_accepted(agent, customer, product):
    # given bought, delivered and installed on the same day: today
    today = timezone.localdate()

    # when
    unit = register(
        agent, customer, product, purchased_on=today, delivered_on=today, installed_on=today
    )

    # then
    assert unit.installed_on == today


def test_an_edit_records_old_and_new(agent, customer, product):
    # given
    unit = register(agent, customer, product)

    # when
    services.update_unit(unit, actor=agent, invoice_number="No.0012345", installed_on=None)

    # then
    event = unit.events.get(kind=Kind.UPDATED)
    assert event.actor == agent
    assert event.data["changes"] == {"invoice_number": ["", "No.0012345"]}


def test_an_edit_with_bad_dates_changes_nothing(agent, customer, product):
    # given
    unit = register(agent, customer, product)

    # when
    with pytest.raises(ValidationError):
        services.update_unit(unit, actor=agent, delivered_on=unit.purchased_on - D)

    # then
    unit.refresh_from_db()
    assert unit.delivered_on is None
    assert not unit.events.filter(kind=Kind.UPDATED).exists()


@pytest.mark.parametrize("field", ["serial_number", "customer", "status"])
def test_serial_owner_and_status_are_not_plain_edits(field, agent, customer, product):
    # given
    unit = register(agent, customer, product)

    # when / then: the owner and status have their own use cases, with history
    with pytest.raises(ValueError, match=f"Not editable: {field}"):
        services.update_unit(unit, actor=agent, **{field: "x"})


def test_a_new_owner_is_recorded_with_the_previous_one(agent, customer, product):
    # given
    unit = register(agent, customer, product)
    buyer = CustomerFactory(name="二手买家")
    effective = timezone.localdate() - D

    # when
    moved = services.transfer_ownership(
        unit, buyer, actor=agent, effective_on=effective, reason="转卖"
    )

    # then
    moved.refresh_from_db()
    assert moved.customer == buyer
    event = moved.events.get(kind=Kind.OWNERSHIP)
    assert (event.from_customer, event.to_customer) == (customer, buyer)
    assert (event.effective_on, event.body, event.actor) == (effective, "转卖", agent)


def test_transferring_to_the_current_owner_is_refused(agent, customer, product):
    # given
    unit = register(agent, customer, product)

    # when
    with pytest.raises(DomainError) as refused:
        services.transfer_ownership(unit, customer, actor=agent)

    # then
    assert str(refused.value) == f"{customer} already owns this unit."
    assert not unit.events.filter(kind=Kind.OWNERSHIP).exists()


def test_a_status_change_is_recorded(agent, customer, product):
    # given
    unit = register(agent, customer, product)

    # when
    services.set_unit_status(unit, UnitStatus.REPLACED, actor=agent, reason="三包换机")

    # then
    unit.refresh_from_db()
    assert unit.status == UnitStatus.REPLACED
    event = unit.events.get(kind=Kind.STATUS)
    assert event.data == {"changes": {"status": ["in_use", "replaced"]}}
    assert event.body == "三包换机"


def test_the_same_status_again_writes_nothing(agent, db):
    # given
    unit = UnitFactory()

    # when
    services.set_unit_status(unit, UnitStatus.IN_USE, actor=agent)

    # then
    assert not unit.events.exists()


def test_an_unknown_status_is_refused(agent, db):
    # given
    unit = UnitFactory()

    # when
    with pytest.raises(DomainError) as refused:
        services.set_unit_status(unit, "lost", actor=agent)

    # then
    assert str(refused.value) == "Unknown unit status: lost"
    unit.refresh_from_db()
    assert unit.status == UnitStatus.IN_USE


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_serial_registered_at_once_makes_one_unit(agent, manager, customer, product):
    # when two agents register the same new unit at the same moment
    results = run_together(lambda actor: register(actor, customer, product), [(agent,), (manager,)])

    # then one is registered and the other is told it already is
    units = [r for r in results if isinstance(r, Unit)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(units), len(refused)) == (1, 1), results
    assert refused[0].code == "duplicate_serial"
    assert Unit.objects.count() == 1
    assert UnitEvent.objects.count() == 1
