"""`manage.py update_contracts`: the daily run activates, expires and renews; twice is once."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aftersales.warranty import services
from aftersales.warranty.models import ContractEvent, ContractStatus
from aftersales.warranty.services import EventKind

S = ContractStatus
DAY = datetime.timedelta(days=1)


@pytest.fixture
def book(contract_in, today):
    """One contract in each situation the daily run meets."""
    ended_renewed = contract_in(S.ACTIVE, starts_on=today - 365 * DAY, ends_on=today - DAY)
    return {
        "starts_today": contract_in(S.ACCEPTED, starts_on=today, ends_on=today + 364 * DAY),
        "starts_tomorrow": contract_in(
            S.ACCEPTED, starts_on=today + DAY, ends_on=today + 365 * DAY
        ),
        "ends_today": contract_in(S.ACTIVE, starts_on=today - 364 * DAY, ends_on=today),
        "ended": contract_in(S.ACTIVE, starts_on=today - 365 * DAY, ends_on=today - DAY),
        "ended_renewed": ended_renewed,
        "renewal": contract_in(
            S.ACTIVE, starts_on=today, ends_on=today + 364 * DAY, renewal_of=ended_renewed
        ),
        "quote": contract_in(S.QUOTE, starts_on=today - 10 * DAY),
        "cancelled": contract_in(S.CANCELLED, ends_on=today - 10 * DAY),
    }


EXPECTED = {
    "starts_today": S.ACTIVE,
    "starts_tomorrow": S.ACCEPTED,
    "ends_today": S.ACTIVE,  # its last day is still covered
    "ended": S.EXPIRED,
    "ended_renewed": S.RENEWED,
    "renewal": S.ACTIVE,
    "quote": S.QUOTE,  # a quote never starts by itself
    "cancelled": S.CANCELLED,
}


def test_the_daily_run_moves_what_is_due(book, today):
    # when
    result = services.update_contracts(today)

    # then
    for name, contract in book.items():
        contract.refresh_from_db()
        assert contract.status == EXPECTED[name], name
    assert result.activated == [book["starts_today"].number]
    assert result.expired == [book["ended"].number]
    assert result.renewed == [book["ended_renewed"].number]
    assert book["starts_today"].events.get().kind == EventKind.ACTIVATED
    assert book["ended"].events.get().kind == EventKind.EXPIRED
    renewed = book["ended_renewed"].events.get()
    assert (renewed.kind, renewed.actor) == (EventKind.RENEWED, None)
    assert renewed.data == {"renewal": book["renewal"].number, "from": S.ACTIVE}


def test_running_twice_changes_nothing_more(book, today, stored):
    # given one run already done
    services.update_contracts(today)
    after_first = stored()

    # when it runs again
    result = services.update_contracts(today)

    # then
    assert result.changed == 0
    assert stored() == after_first


def test_a_renewal_starting_the_next_day_takes_over(manager, contract_in, today):
    # given an active contract ending today, and its accepted renewal starting tomorrow
    old = contract_in(S.ACTIVE, starts_on=today - 364 * DAY, ends_on=today)
    renewal = services.renew_contract(old, actor=manager)
    services.accept_contract(renewal, actor=manager)
    renewal.refresh_from_db()
    assert renewal.status == S.ACCEPTED

    # when the daily run comes tomorrow
    result = services.update_contracts(today + DAY)

    # then the renewal is active and the old contract renewed, each once
    old.refresh_from_db()
    renewal.refresh_from_db()
    assert (renewal.status, old.status) == (S.ACTIVE, S.RENEWED)
    assert result.activated == [renewal.number]
    assert result.renewed == [old.number]
    assert result.expired == []
    assert services.update_contracts(today + DAY).changed == 0


def test_a_renewal_still_quoted_does_not_save_the_old_contract(manager, contract_in, today):
    old = contract_in(S.ACTIVE, starts_on=today - 365 * DAY, ends_on=today - DAY)
    services.renew_contract(old, actor=manager)

    services.update_contracts(today)

    old.refresh_from_db()
    assert old.status == S.EXPIRED


def test_a_contract_accepted_long_ago_and_never_activated_ends_expired(contract_in, today):
    contract = contract_in(S.ACCEPTED, starts_on=today - 400 * DAY, ends_on=today - 35 * DAY)

    result = services.update_contracts(today)

    contract.refresh_from_db()
    assert contract.status == S.EXPIRED
    assert list(contract.events.values_list("kind", flat=True)) == [
        EventKind.ACTIVATED,
        EventKind.EXPIRED,
    ]
    assert (result.activated, result.expired) == ([contract.number], [contract.number])


def test_the_command_reports_and_is_safe_to_repeat(book):
    out = StringIO()
    call_command("update_contracts", stdout=out)
    assert out.getvalue().strip() == "1 activated, 1 expired, 1 renewed."

    events = ContractEvent.objects.count()
    out = StringIO()
    call_command("update_contracts", stdout=out, verbosity=2)
    assert out.getvalue().strip() == "0 activated, 0 expired, 0 renewed."
    assert ContractEvent.objects.count() == events


def test_the_command_can_catch_up_on_a_given_day(contract_in, today):
    contract = contract_in(S.ACCEPTED, starts_on=today + 10 * DAY, ends_on=today + 20 * DAY)

    call_command("update_contracts", "--date", (today + 10 * DAY).isoformat(), stdout=StringIO())

    contract.refresh_from_db()
    assert contract.status == S.ACTIVE


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="31-12-2026 is not a date; write it as YYYY-MM-DD."):
        call_command("update_contracts", "--date", "31-12-2026")
