"""Charges: recorded once for an accepted quote whatever the number of calls, then paid
or (by a manager) waived, each step on the timeline."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.service import quotes
from aftersales.service.choices import EventKind, Visibility
from aftersales.service.tests.quoting import fresh, make_request, quote_in
from aftersales.warranty.models import Charge, ChargeStatus, QuoteStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(agent, customer):
    return make_request(agent, customer)


@pytest.fixture
def accepted(agent, job):
    return quote_in(QuoteStatus.ACCEPTED, job, agent)


def charge_events(job):
    return list(job.events.filter(kind=EventKind.CHARGE).order_by("id"))


def test_a_charge_is_recorded_once_for_an_accepted_quote(agent, job, accepted):
    # when the charge is asked for twice (the button, then resolving the request)
    first = quotes.charge_for_request(job, actor=agent)
    second = quotes.charge_for_request(job, actor=None)

    # then one charge of the quote's total is due, and one event says so
    assert len(first) == 1 and second == []
    charge = Charge.objects.get()
    assert (charge.quote, charge.amount, charge.currency, charge.status) == (
        accepted,
        Decimal("121.00"),
        "CNY",
        ChargeStatus.DUE,
    )
    events = charge_events(job)
    assert [(e.data["action"], e.data["amount"], e.visibility) for e in events] == [
        ("recorded", "121.00", Visibility.PUBLIC)
    ]


@pytest.mark.parametrize("status", [QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.DECLINED])
def test_nothing_is_charged_without_an_accepted_quote(agent, job, status):
    # given a quote that was not accepted
    quote_in(status, job, agent)

    # when resolving asks for the charge: nothing, quietly
    assert quotes.charge_for_request(job, actor=agent) == []

    # when the button asks: a clear refusal
    with pytest.raises(DomainError) as refused:
        quotes.record_charge(job, actor=agent)
    assert refused.value.code == "nothing_to_charge"
    assert not Charge.objects.exists()
    assert charge_events(job) == []


def test_the_button_says_when_the_charge_is_already_recorded(agent, job, accepted):
    quotes.record_charge(job, actor=agent)
    with pytest.raises(Conflict) as refused:
        quotes.record_charge(job, actor=agent)
    assert refused.value.code == "already_charged"
    assert Charge.objects.count() == 1


def test_each_accepted_quote_is_charged(agent, job, accepted):
    # given a second quote for more work, accepted after the first was charged
    quotes.charge_for_request(job, actor=agent)
    second = quote_in(QuoteStatus.ACCEPTED, job, agent)

    # when
    created = quotes.charge_for_request(job, actor=agent)

    # then
    assert [charge.quote for charge in created] == [second]
    assert Charge.objects.count() == 2


def test_customers_do_not_record_charges(customer_user, job, accepted):
    with pytest.raises(NotAllowed):
        quotes.record_charge(job, actor=customer_user)
    assert not Charge.objects.exists()


# --- Paid ---------------------------------------------------------------------------------------


@pytest.fixture
def due(agent, job, accepted):
    return quotes.charge_for_request(job, actor=agent)[0]


def test_a_technician_records_the_payment(agent, customer, technician):
    # given a charge on a request the technician works on
    job = make_request(agent, customer, assignee=technician)
    quote_in(QuoteStatus.ACCEPTED, job, agent)
    (charge,) = quotes.charge_for_request(job, actor=technician)

    # when the customer pays them with WeChat Pay
    quotes.mark_paid(charge, actor=technician, method="wechat_pay")

    # then
    charge = fresh(charge)
    assert (charge.status, charge.method) == (ChargeStatus.PAID, "wechat_pay")
    assert charge.paid_at is not None
    paid = charge_events(job)[-1]
    assert (paid.data["action"], paid.data["method"], paid.actor) == (
        "paid",
        "wechat_pay",
        technician,
    )


def test_a_payment_needs_a_method_and_a_past_time(agent, due):
    with pytest.raises(DomainError) as refused:
        quotes.mark_paid(due, actor=agent, method="bitcoin")
    assert refused.value.field == "method"
    with pytest.raises(DomainError) as refused:
        quotes.mark_paid(
            due, actor=agent, method="cash", paid_at=timezone.now() + datetime.timedelta(hours=1)
        )
    assert refused.value.field == "paid_at"
    assert fresh(due).status == ChargeStatus.DUE


def test_a_payment_recorded_earlier_keeps_its_time(agent, due):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    quotes.mark_paid(due, actor=agent, method="transfer", paid_at=yesterday)
    assert fresh(due).paid_at == yesterday


def test_a_charge_is_paid_once(agent, job, due):
    quotes.mark_paid(due, actor=agent, method="cash")
    with pytest.raises(Conflict) as refused:
        quotes.mark_paid(due, actor=agent, method="card")
    assert "already paid" in str(refused.value)
    assert fresh(due).method == "cash"
    assert len(charge_events(job)) == 2


# --- Waived -------------------------------------------------------------------------------------


def test_a_manager_waives_a_charge_with_a_reason(manager, job, due):
    # when
    quotes.waive_charge(due, actor=manager, reason="老客户，免收材料费")

    # then the customer is told, with the reason
    assert fresh(due).status == ChargeStatus.WAIVED
    waived = charge_events(job)[-1]
    assert (waived.data["action"], waived.body, waived.visibility) == (
        "waived",
        "老客户，免收材料费",
        Visibility.PUBLIC,
    )


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "customer"])
def test_only_managers_waive(users, customer, role):
    job = make_request(users["agent"], customer, assignee=users["technician"])
    quote_in(QuoteStatus.ACCEPTED, job, users["agent"])
    (charge,) = quotes.charge_for_request(job, actor=users["agent"])
    with pytest.raises(NotAllowed):
        quotes.waive_charge(charge, actor=users[role], reason="x")
    assert fresh(charge).status == ChargeStatus.DUE


def test_waiving_needs_a_reason_and_a_due_charge(manager, due):
    with pytest.raises(DomainError) as refused:
        quotes.waive_charge(due, actor=manager, reason="  ")
    assert refused.value.field == "reason"

    quotes.mark_paid(due, actor=manager, method="cash")
    with pytest.raises(Conflict):
        quotes.waive_charge(due, actor=manager, reason="免单")
    assert fresh(due).status == ChargeStatus.PAID
