"""Renewal reminders: active contracts ending soon that nobody has renewed yet."""

import datetime

import pytest

from aftersales.warranty import services
from aftersales.warranty.models import ContractStatus

S = ContractStatus
DAY = datetime.timedelta(days=1)


@pytest.fixture
def contracts(contract_in, today, manager):
    ends_in = {
        "today": (S.ACTIVE, 0),
        "in_60_days": (S.ACTIVE, 60),
        "in_61_days": (S.ACTIVE, 61),
        "yesterday": (S.ACTIVE, -1),  # ended: the daily run expires it
        "accepted": (S.ACCEPTED, 30),
        "quote": (S.QUOTE, 30),
        "cancelled": (S.CANCELLED, 30),
        "renewed_already": (S.ACTIVE, 20),
        "renewal_declined": (S.ACTIVE, 25),
    }
    made = {
        name: contract_in(status, starts_on=today - 300 * DAY, ends_on=today + days * DAY)
        for name, (status, days) in ends_in.items()
    }
    services.renew_contract(made["renewed_already"], actor=manager)
    declined = services.renew_contract(made["renewal_declined"], actor=manager)
    services.decline_contract(declined, actor=manager)
    return made


def test_reminders_list_active_contracts_ending_within_60_days_without_renewal(contracts, today):
    reminders = list(services.renewal_reminders(today=today))
    assert reminders == [contracts["today"], contracts["in_60_days"]]


@pytest.mark.parametrize(
    ("days", "expected"),
    [(1, ["today"]), (60, ["today", "in_60_days"]), (61, ["today", "in_60_days", "in_61_days"])],
)
def test_the_window_is_chosen_in_days(contracts, today, days, expected):
    reminders = list(services.renewal_reminders(days, today=today))
    assert reminders == [contracts[name] for name in expected]


def test_the_reminders_page_lists_them(client, agent, contracts):
    client.force_login(agent)
    body = client.get("/warranty/renewals/", {"days": 61}).content.decode()
    for name in ("today", "in_60_days", "in_61_days"):
        assert contracts[name].number in body
    for name in ("yesterday", "accepted", "quote", "renewed_already", "renewal_declined"):
        assert contracts[name].number not in body
    assert 'data-action="renew"' not in body  # agents read; managers renew


def test_a_manager_renews_from_the_reminders(client, manager, contracts):
    client.force_login(manager)
    body = client.get("/warranty/renewals/").content.decode()
    assert 'data-action="renew"' in body
