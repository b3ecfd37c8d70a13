"""Quoting a contract: numbers, default end and price, the customer's units; changing a quote."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.errors import DomainError, NotAllowed
from aftersales.testing.factories import CustomerFactory, UnitFactory
from aftersales.warranty import services
from aftersales.warranty.models import ContractStatus, ServiceContract
from aftersales.warranty.services import EventKind

D = datetime.date


def quote(manager, customer, plan, **fields):
    values = {"starts_on": D(2026, 3, 1)} | fields
    return services.create_contract(actor=manager, customer=customer, plan=plan, **values)


def test_a_quote_gets_a_number_a_year_and_the_plans_price(manager, customer, gold, today):
    # when
    contract = quote(manager, customer, gold)

    # then
    assert re.fullmatch(rf"CT-{today.year}-\d{{4,}}", contract.number)
    assert contract.status == ContractStatus.QUOTE
    assert (contract.starts_on, contract.ends_on) == (D(2026, 3, 1), D(2027, 2, 28))
    assert (contract.price, contract.currency) == (Decimal("3650.00"), "CNY")
    assert contract.all_units is True
    assert contract.created_by == manager
    event = contract.events.get()
    assert (event.kind, event.actor) == (EventKind.QUOTED, manager)
    assert event.data == {
        "plan": "金牌服务",
        "starts_on": "2026-03-01",
        "ends_on": "2027-02-28",
        "price": "3650.00",
        "currency": "CNY",
        "all_units": True,
        "units": [],
    }


def test_numbers_count_up(manager, customer, gold):
    first = quote(manager, customer, gold)
    second = quote(manager, customer, gold)
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "price"),
    [
        (D(2026, 1, 1), D(2026, 12, 31), "3650.00"),  # a whole year
        (D(2026, 1, 1), D(2026, 6, 30), "1825.00"),  # six months
        (D(2026, 1, 31), D(2026, 2, 27), "304.17"),  # a month (Jan 31 + 1 month = Feb 28)
        (D(2026, 1, 1), D(2027, 12, 31), "7300.00"),  # two years
        (D(2026, 1, 1), D(2026, 1, 30), "300.00"),  # 30 days: by the day
        (D(2028, 1, 1), D(2028, 12, 31), "3650.00"),  # a leap year is still a year
    ],
)
def test_default_price_is_the_yearly_price_for_the_period(gold, starts_on, ends_on, price):
    assert services.default_price(gold, starts_on, ends_on) == Decimal(price)


def test_the_price_and_end_may_be_given(manager, customer, gold):
    contract = quote(manager, customer, gold, ends_on=D(2026, 8, 31), price=Decimal("999.5"))
    assert (contract.ends_on, contract.price) == (D(2026, 8, 31), Decimal("999.50"))


def test_chosen_units_are_covered(manager, customer, gold):
    units = [UnitFactory(customer=customer), UnitFactory(customer=customer)]
    UnitFactory(customer=customer)  # not chosen

    contract = quote(manager, customer, gold, all_units=False, units=units)

    assert set(contract.units.all()) == set(units)
    assert contract.events.get().data["units"] == sorted(u.serial_number for u in units)


def test_units_are_ignored_when_all_are_covered(manager, customer, gold):
    contract = quote(
        manager, customer, gold, all_units=True, units=[UnitFactory(customer=customer)]
    )
    assert contract.units.count() == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"ends_on": D(2026, 3, 1)},
            "ends_on",
            "The contract must end after it starts (2026-03-01).",
        ),
        (
            {"ends_on": D(2026, 2, 1)},
            "ends_on",
            "The contract must end after it starts (2026-03-01).",
        ),
        ({"price": Decimal("-1")}, "price", "The amount cannot be negative."),
        (
            {"all_units": False, "units": []},
            "units",
            "Choose the units the contract covers, or choose all of the customer's units.",
        ),
    ],
)
def test_bad_terms_are_refused(manager, customer, gold, stored, fields, field, message):
    before = stored()
    with pytest.raises(ValidationError) as refused:
        quote(manager, customer, gold, **fields)
    assert refused.value.message_dict == {field: [message]}
    assert stored() == before


def test_only_the_customers_own_units_can_be_covered(manager, customer, gold, stored):
    other = UnitFactory(customer=CustomerFactory(name="李四"), serial_number="OTHER0001")
    own = UnitFactory(customer=customer)
    before = stored()

    with pytest.raises(ValidationError) as refused:
        quote(manager, customer, gold, all_units=False, units=[own, other])

    assert refused.value.message_dict == {
        "units": ["Only units of 王小明 can be covered; not OTHER0001."]
    }
    assert stored() == before


def test_a_plan_no_longer_sold_is_not_quoted(manager, customer, gold, stored):
    gold.active = False
    gold.save()
    before = stored()
    with pytest.raises(ValidationError) as refused:
        quote(manager, customer, gold)
    assert refused.value.message_dict == {"plan": ["The plan 金牌服务 is no longer sold."]}
    assert stored() == before


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_quote(role, users, customer, gold, stored):
    before = stored()
    with pytest.raises(NotAllowed):
        quote(users[role], customer, gold)
    assert stored() == before


# --- Changing a quote -----------------------------------------------------------------------


def test_changing_a_quote_records_what_changed(manager, customer, gold, silver):
    contract = quote(manager, customer, gold)
    unit = UnitFactory(customer=customer, serial_number="AC0001")

    services.update_quote(
        contract,
        actor=manager,
        plan=silver,
        ends_on=D(2026, 8, 31),
        price=None,  # the plan's price for the new period
        all_units=False,
        units=[unit],
    )

    contract.refresh_from_db()
    assert contract.plan == silver
    assert contract.price == Decimal("912.50")  # six months of 1825 a year
    assert list(contract.units.all()) == [unit]
    event = contract.events.latest("id")
    assert event.kind == EventKind.CHANGED
    changes = event.data["changes"]
    assert changes["plan"] == ["金牌服务", "银牌服务"]
    assert changes["ends_on"] == ["2027-02-28", "2026-08-31"]
    assert changes["units"] == [[], ["AC0001"]]
    assert contract.version == 2


def test_a_quote_without_changes_writes_nothing(manager, customer, gold):
    contract = quote(manager, customer, gold)
    services.update_quote(contract, actor=manager, plan=gold, notes="")
    assert contract.events.count() == 1


def test_only_a_quote_can_be_changed(manager, contract_in, stored):
    contract = contract_in(ContractStatus.ACTIVE)
    before = stored()
    with pytest.raises(DomainError) as refused:
        services.update_quote(contract, actor=manager, price=Decimal("1"))
    assert str(refused.value) == (
        f"Only a quote can be changed; contract {contract.number} is active."
    )
    assert stored() == before


def test_the_number_is_not_taken_by_a_refused_quote(manager, customer, gold):
    with pytest.raises(ValidationError):
        quote(manager, customer, gold, price=Decimal("-5"))
    assert ServiceContract.objects.count() == 0
