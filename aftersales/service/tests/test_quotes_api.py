"""Quotes and charges through the JSON API, per role: customers read what was sent to them
and answer their own quotes only; staff who see the ticket do the rest."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.service import quotes
from aftersales.service.tests.quoting import fresh, make_request, part, quote_in
from aftersales.testing.factories import CustomerFactory
from aftersales.warranty.models import Charge, ChargeStatus, Quote, QuoteStatus

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def quotes_url(ticket):
    return f"/api/v1/tickets/{ticket.pk}/quotes/"


def charges_url(ticket):
    return f"/api/v1/tickets/{ticket.pk}/charges/"


def quote_url(quote, action=""):
    return f"/api/v1/quotes/{quote.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def job(agent, customer):
    return make_request(agent, customer)


@pytest.fixture
def elsewhere(agent, other_center):
    """A ticket of another customer, served by another partner's center."""
    return make_request(agent, CustomerFactory(name="李四"), service_center=other_center)


def test_staff_start_a_quote_and_the_total_is_computed(agent, job):
    # given a part in the catalog
    filter_ = part(unit_price=Decimal("99.00"))

    # when a client sends lines, and a total of its own
    response = api(agent).post(
        quotes_url(job),
        {
            "lines": [
                {"kind": "labour", "description": "人工", "quantity": "2", "unit_price": "35.50"},
                {"kind": "part", "spare_part": filter_.pk},
            ],
            "total": "1.00",
            "note": "请确认",
        },
        format="json",
    )

    # then the total is the lines' sum, as a decimal string with its currency
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["total"], data["currency"]) == ("draft", "170.00", "CNY")
    assert [line["amount"] for line in data["lines"]] == ["71.00", "99.00"]
    assert data["lines"][1]["description"] == "空气滤网"
    assert data["lines"][1]["unit_price"] == "99.00"
    assert set(data["actions"]) == {"edit", "send", "withdraw"}
    assert data["customer_link"] is None
    assert Quote.objects.get().total == Decimal("170.00")


def test_a_draft_is_edited_sent_and_its_link_given(agent, job):
    # given
    quote = quote_in(QuoteStatus.DRAFT, job, agent)
    client = api(agent)

    # when the lines are replaced, then the quote is sent
    response = client.patch(
        quote_url(quote),
        {"lines": [{"kind": "travel", "description": "上门", "unit_price": "60"}], "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["total"] == "60.00"
    response = client.post(quote_url(quote, "send"), {"version": 2}, format="json")

    # then the answer carries the customer's link
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "sent"
    assert data["customer_link"] == (f"http://testserver/q/{quotes.link_token(fresh(quote))}/")
    assert data["link_expires_at"]


def test_the_customer_reads_their_sent_quotes_and_answers(agent, customer_user, job):
    # given a sent quote and a draft (of an earlier round, withdrawn) on their ticket
    quote_in(QuoteStatus.WITHDRAWN, job, agent)
    sent = quote_in(QuoteStatus.SENT, job, agent)
    client = api(customer_user)

    # when they list the ticket's quotes: only what was sent to them, no link
    listed = client.get(quotes_url(job)).json()
    assert [row["id"] for row in listed] == [sent.pk]
    assert listed[0]["actions"] == ["accept", "decline"]
    assert listed[0]["customer_link"] is None

    # when they accept it
    response = client.post(quote_url(sent, "accept"), {}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert fresh(sent).decided_by == customer_user


def test_the_customer_may_do_nothing_else(agent, customer_user, job):
    draft = quote_in(QuoteStatus.DRAFT, job, agent)
    client = api(customer_user)

    # a draft is not theirs to read yet
    assert client.get(quote_url(draft)).status_code == 404
    # quotes are prepared by staff
    assert client.post(quotes_url(job), {"lines": []}, format="json").status_code == 403
    quotes.withdraw_quote(draft, actor=agent)
    sent = quote_in(QuoteStatus.SENT, job, agent)
    assert client.patch(quote_url(sent), {"note": "x"}, format="json").status_code == 403
    assert client.post(quote_url(sent, "withdraw"), {}, format="json").status_code == 403
    assert client.post(charges_url(job), {}, format="json").status_code == 403
    assert fresh(sent).status == QuoteStatus.SENT


@pytest.mark.parametrize("role", ["customer", "partner", "technician"])
def test_quotes_and_charges_out_of_sight_are_not_found(users, elsewhere, role):
    # given a sent quote and a charge on a ticket the caller cannot see
    quote = quote_in(QuoteStatus.ACCEPTED, elsewhere, users["agent"])
    (charge,) = quotes.charge_for_request(elsewhere, actor=users["agent"])
    client = api(users[role])

    # when they try every endpoint
    calls = [
        client.get(quotes_url(elsewhere)),
        client.post(quotes_url(elsewhere), {}, format="json"),
        client.get(quote_url(quote)),
        client.patch(quote_url(quote), {}, format="json"),
        *(client.post(quote_url(quote, a), {}, format="json") for a in ("send", "accept")),
        *(client.post(quote_url(quote, a), {}, format="json") for a in ("decline", "withdraw")),
        client.get(charges_url(elsewhere)),
        client.post(charges_url(elsewhere), {}, format="json"),
        client.get(f"/api/v1/charges/{charge.pk}/"),
        client.post(f"/api/v1/charges/{charge.pk}/pay/", {"method": "cash"}, format="json"),
        client.post(f"/api/v1/charges/{charge.pk}/waive/", {"reason": "x"}, format="json"),
    ]

    # then none of it exists for them
    assert [call.status_code for call in calls] == [404] * len(calls)
    assert fresh(charge).status == ChargeStatus.DUE


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "dispatcher"])
def test_the_back_office_reads_every_ticket_s_quotes(users, elsewhere, role):
    quote = quote_in(QuoteStatus.SENT, elsewhere, users["agent"])
    response = api(users[role]).get(quotes_url(elsewhere))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [quote.pk]


def test_staff_must_say_how_the_customer_answered(agent, job):
    quote = quote_in(QuoteStatus.SENT, job, agent)
    response = api(agent).post(quote_url(quote, "accept"), {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["via"]
    response = api(agent).post(
        quote_url(quote, "decline"), {"via": "wechat", "note": "太贵"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["decision_note"] == "太贵"


def test_a_second_answer_is_a_conflict(agent, customer_user, job):
    # given a quote the customer accepted
    quote = quote_in(QuoteStatus.SENT, job, agent)
    client = api(customer_user)
    assert client.post(quote_url(quote, "accept"), {"version": 2}, format="json").status_code == 200

    # when the same answer comes again (a retry), or a decline
    again = client.post(quote_url(quote, "accept"), {"version": 2}, format="json")
    other = client.post(quote_url(quote, "decline"), {}, format="json")

    # then both get 409 saying what happened
    for response in (again, other):
        assert response.status_code == 409
        assert "already accepted" in response.json()["detail"]
    assert fresh(quote).status == QuoteStatus.ACCEPTED


def test_one_open_quote_per_ticket(agent, job):
    quote_in(QuoteStatus.SENT, job, agent)
    response = api(agent).post(quotes_url(job), {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "open_quote"


def test_a_bad_line_is_a_400_naming_the_field(agent, job):
    response = api(agent).post(
        quotes_url(job),
        {"lines": [{"kind": "labour", "description": "人工", "unit_price": "-5"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "unit_price" in str(response.json())
    assert not Quote.objects.exists()


def test_charges_are_recorded_paid_and_waived(agent, manager, customer_user, job):
    # given an accepted quote
    quote_in(QuoteStatus.ACCEPTED, job, agent)

    # when the charge is recorded, twice
    first = api(agent).post(charges_url(job), {}, format="json")
    second = api(agent).post(charges_url(job), {}, format="json")

    # then one charge is due, in money strings
    assert first.status_code == 201
    (charge,) = first.json()
    assert (charge["amount"], charge["currency"], charge["status"]) == ("121.00", "CNY", "due")
    assert second.status_code == 409
    assert Charge.objects.count() == 1

    # the customer sees it, but cannot waive it; an agent neither; a manager can
    assert api(customer_user).get(charges_url(job)).json()[0]["id"] == charge["id"]
    waive = f"/api/v1/charges/{charge['id']}/waive/"
    assert api(customer_user).post(waive, {"reason": "x"}, format="json").status_code == 403
    assert api(agent).post(waive, {"reason": "x"}, format="json").status_code == 403
    response = api(manager).post(waive, {"reason": "老客户"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "waived"


def test_a_payment_is_recorded(agent, job):
    quote_in(QuoteStatus.ACCEPTED, job, agent)
    (charge,) = quotes.charge_for_request(job, actor=agent)
    pay = f"/api/v1/charges/{charge.pk}/pay/"

    response = api(agent).post(pay, {"method": "wechat_pay"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["method"]) == ("paid", "wechat_pay")
    assert api(agent).post(pay, {"method": "cash"}, format="json").status_code == 409
