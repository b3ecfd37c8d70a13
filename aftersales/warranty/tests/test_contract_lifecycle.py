"""A contract's life: quote → accepted → active → expired / renewed; declined; cancelled.

Every status × every action: allowed moves land where they should with their history;
refused ones say why and change nothing.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.warranty import services
from aftersales.warranty.models import ContractStatus, ServiceContract
from aftersales.warranty.services import Action, EventKind

S = ContractStatus
A = Action

# What each action does from each status (started 30 days ago, ends in 300 days).
ALLOWED = {
    (S.QUOTE, A.ACCEPT): S.ACTIVE,  # its start has come: active at once
    (S.QUOTE, A.DECLINE): S.DECLINED,
    (S.ACCEPTED, A.ACTIVATE): S.ACTIVE,
    (S.ACCEPTED, A.CANCEL): S.CANCELLED,
    (S.ACTIVE, A.CANCEL): S.CANCELLED,
    (S.ACTIVE, A.RENEW): S.ACTIVE,  # stays active; a renewal quote is made
}
REFUSALS = {
    A.ACCEPT: "Only a quote can be accepted; contract {number} is {status}.",
    A.DECLINE: "Only a quote can be declined; contract {number} is {status}.",
    A.ACTIVATE: "Only an accepted contract can be activated; contract {number} is {status}.",
    A.CANCEL: "Only an accepted or active contract can be cancelled; contract {number} is "
    "{status}.",
    A.RENEW: "Only an active contract can be renewed; contract {number} is {status}. Make a "
    "new contract for the customer instead.",
}
EVENTS = {
    A.ACCEPT: [EventKind.ACCEPTED, EventKind.ACTIVATED],
    A.DECLINE: [EventKind.DECLINED],
    A.ACTIVATE: [EventKind.ACTIVATED],
    A.CANCEL: [EventKind.CANCELLED],
    A.RENEW: [EventKind.RENEWAL_QUOTED],
}


def act(action, contract, actor, **extra):
    if action == A.CANCEL:
        extra.setdefault("reason", "客户公司搬迁，不再需要服务")
    return services.ACTIONS[action](contract, actor=actor, **extra)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(S.values, A.values)))
def test_every_status_and_action(status, action, manager, contract_in, stored):
    # given
    contract = contract_in(status)
    before = stored()

    if (status, action) in ALLOWED:
        # when
        result = act(action, contract, manager)

        # then
        contract.refresh_from_db()
        assert contract.status == ALLOWED[(status, action)]
        assert contract.version > 1
        kinds = list(contract.events.values_list("kind", flat=True))
        assert kinds == EVENTS[action]
        assert all(e.actor == manager for e in contract.events.all())
        if action == A.RENEW:
            assert result.status == S.QUOTE
            assert result.renewal_of == contract
    else:
        # when
        with pytest.raises(DomainError) as refused:
            act(action, contract, manager)

        # then
        if status == S.QUOTE and action == A.CANCEL:
            expected = f"Quote {contract.number} is not cancelled but declined: use Decline."
        else:
            expected = REFUSALS[action].format(
                number=contract.number, status=str(S(status).label).lower()
            )
        assert str(refused.value) == expected
        assert refused.value.code == "illegal_transition"
        assert stored() == before


@pytest.mark.parametrize("action", A.values)
@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_move_contracts(role, action, users, contract_in, stored):
    # given a contract where the action would be allowed
    source = next(s for (s, a) in ALLOWED if a == action)
    contract = contract_in(source)
    before = stored()

    # when / then
    with pytest.raises(NotAllowed):
        act(action, contract, users[role])
    assert stored() == before


def test_an_administrator_may_move_contracts(admin_user, contract_in):
    contract = act(A.DECLINE, contract_in(S.QUOTE), admin_user)
    assert contract.status == S.DECLINED


def test_a_quote_accepted_before_its_start_waits_for_it(manager, contract_in, today, stored):
    # given a quote that starts next week
    contract = contract_in(
        S.QUOTE,
        starts_on=today + datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=372),
    )

    # when it is accepted
    act(A.ACCEPT, contract, manager, note="客户已签字盖章")

    # then it is accepted, not yet active
    contract.refresh_from_db()
    assert contract.status == S.ACCEPTED
    event = contract.events.get()
    assert (event.kind, event.body) == (EventKind.ACCEPTED, "客户已签字盖章")

    # and activating it early is refused with the day it starts
    before = stored()
    with pytest.raises(DomainError) as refused:
        act(A.ACTIVATE, contract, manager)
    day = (today + datetime.timedelta(days=7)).isoformat()
    assert str(refused.value) == (
        f"Contract {contract.number} starts on {day}; it becomes active on that day."
    )
    assert stored() == before


def test_a_quote_whose_period_is_over_cannot_be_accepted(manager, contract_in, today, stored):
    contract = contract_in(
        S.QUOTE,
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today - datetime.timedelta(days=35),
    )
    before = stored()

    with pytest.raises(DomainError) as refused:
        act(A.ACCEPT, contract, manager)

    ended = (today - datetime.timedelta(days=35)).isoformat()
    assert str(refused.value) == (
        f"The period of quote {contract.number} ended on {ended}; change its dates before "
        "accepting it."
    )
    assert stored() == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(reason, manager, contract_in, stored):
    contract = contract_in(S.ACTIVE)
    before = stored()

    with pytest.raises(DomainError) as refused:
        act(A.CANCEL, contract, manager, reason=reason)

    assert str(refused.value) == "Say why the contract is cancelled."
    assert refused.value.field == "reason"
    assert stored() == before


def test_the_cancel_reason_is_kept_in_the_history(manager, contract_in):
    contract = act(A.CANCEL, contract_in(S.ACTIVE), manager, reason="客户设备已报废")
    event = contract.events.get()
    assert event.body == "客户设备已报废"
    assert event.data == {"from": S.ACTIVE}
    # and the day, so that requests reported before it keep the cover
    assert contract.cancelled_on == timezone.localdate()


def test_a_stale_version_is_refused(manager, contract_in, stored):
    contract = contract_in(S.QUOTE)
    before = stored()

    with pytest.raises(Conflict) as refused:
        services.accept_contract(contract, actor=manager, expected_version=7)

    assert "Someone else changed contract" in str(refused.value)
    assert stored() == before


# --- Renewal ------------------------------------------------------------------------------


def test_renew_quotes_the_next_period_with_the_same_plan_and_units(
    manager, contract_in, customer, gold
):
    # given an active one-year contract on two of the customer's units
    from aftersales.testing.factories import UnitFactory

    units = [UnitFactory(customer=customer), UnitFactory(customer=customer)]
    contract = contract_in(
        S.ACTIVE,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2027, 2, 28),
        units=units,
    )

    # when
    renewal = services.renew_contract(contract, actor=manager)

    # then the renewal starts the day after, runs a year, same plan and units, plan price
    assert renewal.status == S.QUOTE
    assert (renewal.starts_on, renewal.ends_on) == (
        datetime.date(2027, 3, 1),
        datetime.date(2028, 2, 29),
    )
    assert renewal.plan == gold
    assert renewal.all_units is False
    assert set(renewal.units.all()) == set(units)
    assert renewal.price == Decimal("3650.00")
    assert renewal.renewal_of == contract
    assert renewal.events.get().data["renewal_of"] == contract.number
    assert contract.events.get().data == {"renewal": renewal.number}


def test_a_contract_is_renewed_once(manager, contract_in, stored):
    contract = contract_in(S.ACTIVE)
    renewal = services.renew_contract(contract, actor=manager)
    before = stored()

    with pytest.raises(DomainError) as refused:
        services.renew_contract(contract, actor=manager)

    assert str(refused.value) == (
        f"Contract {contract.number} already has a renewal: {renewal.number} (quoted)."
    )
    assert stored() == before


def test_a_plan_no_longer_sold_is_not_renewed(manager, contract_in, gold, stored):
    contract = contract_in(S.ACTIVE)
    gold.active = False
    gold.save()
    before = stored()

    with pytest.raises(DomainError) as refused:
        services.renew_contract(contract, actor=manager)

    assert str(refused.value) == (
        "The plan 金牌服务 is no longer sold; make a new contract with another plan."
    )
    assert stored() == before


def test_accepting_a_late_renewal_marks_the_expired_contract_renewed(manager, contract_in, today):
    # given a contract that ended last week and expired, and its renewal quoted since
    old = contract_in(
        S.EXPIRED,
        starts_on=today - datetime.timedelta(days=372),
        ends_on=today - datetime.timedelta(days=7),
    )
    renewal = contract_in(
        S.QUOTE,
        starts_on=today - datetime.timedelta(days=6),
        ends_on=today + datetime.timedelta(days=358),
        renewal_of=old,
    )

    # when the customer accepts it
    services.accept_contract(renewal, actor=manager)

    # then the renewal is active, and the old contract reads renewed
    renewal.refresh_from_db()
    old.refresh_from_db()
    assert renewal.status == S.ACTIVE
    assert old.status == S.RENEWED
    event = old.events.get()
    assert (event.kind, event.actor) == (EventKind.RENEWED, manager)
    assert event.data == {"renewal": renewal.number, "from": S.EXPIRED}


def test_a_cancelled_contract_stays_cancelled_when_its_renewal_starts(manager, contract_in, today):
    old = contract_in(
        S.CANCELLED,
        starts_on=today - datetime.timedelta(days=372),
        ends_on=today - datetime.timedelta(days=7),
    )
    renewal = contract_in(S.QUOTE, starts_on=today - datetime.timedelta(days=6), renewal_of=old)

    services.accept_contract(renewal, actor=manager)

    old.refresh_from_db()
    assert old.status == S.CANCELLED


def test_available_actions_follow_the_rules(manager, agent, contract_in, today):
    assert services.available_actions(manager, contract_in(S.QUOTE)) == [A.ACCEPT, A.DECLINE]
    assert services.available_actions(manager, contract_in(S.ACTIVE)) == [A.CANCEL, A.RENEW]
    later = contract_in(S.ACCEPTED, starts_on=today + datetime.timedelta(days=3))
    assert services.available_actions(manager, later) == [A.CANCEL]
    assert services.available_actions(manager, contract_in(S.EXPIRED)) == []
    assert services.available_actions(agent, contract_in(S.QUOTE)) == []


def test_nothing_is_written_for_an_unknown_action(manager, contract_in, stored):
    contract = contract_in(S.QUOTE)
    before = stored()
    with pytest.raises(DomainError) as refused:
        services.check_action(manager, contract, "sign")
    assert "sign is not something a contract can do" in str(refused.value)
    assert stored() == before
    assert ServiceContract.objects.count() == 1
