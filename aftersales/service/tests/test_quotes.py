"""Quotes for chargeable work: lines and totals, the one-open-quote rule, the state table
of quote actions, who may do what, and answers that race."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.service import quotes
from aftersales.service.choices import EventKind, Status, Visibility
from aftersales.service.models import TimelineEvent
from aftersales.service.tests.quoting import LABOUR, TRAVEL, fresh, make_request, part, quote_in
from aftersales.testing.factories import CustomerFactory, UserFactory
from aftersales.warranty.models import Quote, QuoteLine, QuoteStatus

pytestmark = pytest.mark.django_db

S = QuoteStatus


@pytest.fixture
def job(agent, customer):
    return make_request(agent, customer)


def stored(quote) -> tuple:
    """Everything stored about a quote and its request's timeline, to compare."""
    row = Quote.objects.filter(pk=quote.pk).values().get()
    lines = list(QuoteLine.objects.filter(quote=quote).values())
    events = list(TimelineEvent.objects.filter(request_id=quote.request_id).values_list("pk"))
    return row, lines, events


# --- Lines and totals -------------------------------------------------------------------------


def test_the_total_is_computed_from_the_lines(agent, job):
    # given a part in the catalog
    filter_ = part(unit_price=Decimal("99.00"))

    # when a quote is made with labour, the part (name and price left to the catalog), travel
    quote = quotes.create_quote(
        job,
        actor=agent,
        lines=[LABOUR, quotes.LineInput(kind="part", spare_part=filter_, quantity=3), TRAVEL],
    )

    # then each line is quantity × unit price and the total is their sum, in CNY
    lines = list(quote.lines.all())
    assert [(line.kind, line.amount) for line in lines] == [
        ("labour", Decimal("71.00")),
        ("part", Decimal("297.00")),
        ("travel", Decimal("50.00")),
    ]
    assert lines[1].description == "空气滤网"
    assert lines[1].unit_price == Decimal("99.00")
    assert fresh(quote).total == Decimal("418.00")
    assert quote.currency == "CNY"
    assert quote.status == S.DRAFT


def test_changing_lines_recomputes_the_total(agent, job):
    # given a draft
    quote = quotes.create_quote(job, actor=agent, lines=[LABOUR])

    # when a line is added, one removed, then all replaced
    line = quotes.add_line(quote, actor=agent, line=TRAVEL)
    assert fresh(quote).total == Decimal("121.00")
    quotes.remove_line(quote, actor=agent, line_id=line.pk)
    assert fresh(quote).total == Decimal("71.00")
    quotes.update_quote(
        quote,
        actor=agent,
        lines=[quotes.LineInput(kind="other", description="清洗", quantity="1.5", unit_price="20")],
    )

    # then the total always follows the lines
    assert fresh(quote).total == Decimal("30.00")
    assert fresh(quote).lines.count() == 1


def test_a_part_priced_in_another_currency_is_refused(agent, job):
    # given
    dollar_part = part(currency="USD")

    # when / then
    with pytest.raises(DomainError) as refused:
        quotes.create_quote(
            job, actor=agent, lines=[quotes.LineInput(kind="part", spare_part=dollar_part)]
        )
    assert "USD" in str(refused.value)
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (quotes.LineInput(kind="labour", description="x", quantity=0, unit_price=10), "quantity"),
        (quotes.LineInput(kind="labour", description="x", quantity=1, unit_price=-1), "unit_price"),
        (quotes.LineInput(kind="labour", description="x", quantity=1), "unit_price"),
        (quotes.LineInput(kind="labour", description="", unit_price=1), "description"),
        (quotes.LineInput(kind="gift", description="x", unit_price=1), "kind"),
        (
            quotes.LineInput(kind="labour", description="x", quantity="abc", unit_price=1),
            "quantity",
        ),
        (quotes.LineInput(kind="labour", description="x", unit_price="1.005"), "unit_price"),
    ],
    ids=["zero", "negative", "no-price", "no-text", "kind", "not-a-number", "decimals"],
)
def test_a_bad_line_is_refused_and_nothing_is_written(agent, job, line, field):
    # given a draft with a line
    quote = quotes.create_quote(job, actor=agent, lines=[LABOUR])
    before = stored(quote)

    # when a bad line is added
    with pytest.raises((DomainError, ValidationError)) as refused:
        quotes.add_line(quote, actor=agent, line=line)

    # then it says which field is wrong, and the quote is as it was
    error = refused.value
    assert field in (error.message_dict if isinstance(error, ValidationError) else {error.field: 1})
    assert stored(quote) == before


def test_a_spare_part_goes_on_a_part_line_only(agent, job):
    with pytest.raises(DomainError) as refused:
        quotes.create_quote(
            job, actor=agent, lines=[quotes.LineInput(kind="labour", spare_part=part())]
        )
    assert refused.value.field == "kind"


def test_a_quote_cannot_be_valid_only_until_yesterday(agent, job):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        quotes.create_quote(job, actor=agent, lines=[LABOUR], valid_until=yesterday)
    assert refused.value.field == "valid_until"


# --- One open quote per request ---------------------------------------------------------------


@pytest.mark.parametrize("first", [S.DRAFT, S.SENT])
def test_a_request_has_one_open_quote_at_a_time(agent, job, first):
    # given an open quote
    quote_in(first, job, agent)

    # when another is started
    with pytest.raises(Conflict) as refused:
        quotes.create_quote(job, actor=agent, lines=[LABOUR])

    # then it is refused, saying why
    assert refused.value.code == "open_quote"
    assert "already has an open quote" in str(refused.value)
    assert Quote.objects.filter(request=job).count() == 1


@pytest.mark.parametrize("first", [S.ACCEPTED, S.DECLINED, S.WITHDRAWN])
def test_a_new_quote_may_follow_a_closed_one(agent, job, first):
    # given a quote that is answered or withdrawn
    quote_in(first, job, agent)

    # when / then a new one may be started (more work, a new price)
    assert quotes.create_quote(job, actor=agent, lines=[LABOUR]).status == S.DRAFT


def test_no_quotes_on_a_closed_or_cancelled_request(agent, customer):
    job = make_request(agent, customer)
    job.status = Status.CANCELLED
    job.save()
    with pytest.raises(DomainError) as refused:
        quotes.create_quote(job, actor=agent, lines=[LABOUR])
    assert refused.value.code == "request_archived"


# --- State table --------------------------------------------------------------------------------


def _act(action, quote, staff):
    if action == "edit":
        return quotes.add_line(quote, actor=staff, line=TRAVEL)
    if action == "send":
        return quotes.send_quote(quote, actor=staff)
    if action == "accept":
        return quotes.accept_quote(quote, actor=staff, via="phone")
    if action == "decline":
        return quotes.decline_quote(quote, actor=staff, via="sms", reason="再考虑")
    return quotes.withdraw_quote(quote, actor=staff, reason="重新报价")


REFUSED = {
    # status: {action: (error class, words of the message)}
    S.DRAFT: {
        "accept": (DomainError, "not been sent"),
        "decline": (DomainError, "not been sent"),
    },
    S.SENT: {
        "edit": (Conflict, "can no longer be changed"),
        "send": (Conflict, "already sent"),
    },
    S.ACCEPTED: dict.fromkeys(quotes.ALLOWED_FROM, (Conflict, "already accepted")),
    S.DECLINED: dict.fromkeys(quotes.ALLOWED_FROM, (Conflict, "already declined")),
    S.WITHDRAWN: dict.fromkeys(quotes.ALLOWED_FROM, (Conflict, "withdrawn")),
}
RESULT = {"send": S.SENT, "accept": S.ACCEPTED, "decline": S.DECLINED, "withdraw": S.WITHDRAWN}


@pytest.mark.parametrize("action", list(quotes.ALLOWED_FROM))
@pytest.mark.parametrize("status", list(S))
def test_quote_actions_by_status(agent, job, status, action):
    # given a quote in `status`
    quote = quote_in(status, job, agent)
    before = stored(quote)
    refusal = REFUSED[status].get(action)

    if refusal:
        # when the action is refused, then the message says why and nothing changed
        error_class, words = refusal
        with pytest.raises(error_class) as refused:
            _act(action, quote, agent)
        assert type(refused.value) is error_class
        assert words in str(refused.value)
        assert stored(quote) == before
    else:
        # when it is allowed, then the quote moves on and its version too
        _act(action, quote, agent)
        after = fresh(quote)
        assert after.status == RESULT.get(action, status)
        assert after.version == quote.version + 1


def test_the_state_table_and_the_buttons_agree(agent, job):
    for status in S:
        quote = quote_in(status, job, agent)
        allowed = {a for a in quotes.ALLOWED_FROM if a not in REFUSED[status]}
        assert quotes.quote_actions(agent, quote) == allowed, status
        if quote.status in quotes.OPEN:
            quotes.withdraw_quote(quote, actor=agent)


def test_a_sent_quote_needs_lines_and_a_total(agent, job):
    quote = quotes.create_quote(job, actor=agent)
    with pytest.raises(DomainError) as refused:
        quotes.send_quote(quote, actor=agent)
    assert refused.value.code == "no_lines"

    quotes.add_line(
        quote,
        actor=agent,
        line=quotes.LineInput(kind="other", description="免费检测", unit_price=0),
    )
    with pytest.raises(DomainError) as refused:
        quotes.send_quote(quote, actor=agent)
    assert refused.value.code == "zero_total"
    assert fresh(quote).status == S.DRAFT


def test_an_expired_quote_cannot_be_accepted(agent, job):
    # given a sent quote whose validity has passed since
    quote = quote_in(S.SENT, job, agent)
    Quote.objects.filter(pk=quote.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )

    # when / then
    with pytest.raises(DomainError) as refused:
        quotes.accept_quote(fresh(quote), actor=agent, via="phone")
    assert refused.value.code == "quote_expired"
    assert fresh(quote).status == S.SENT


# --- Versions and races -------------------------------------------------------------------------


def test_an_answer_based_on_an_old_version_is_a_conflict(agent, job):
    # given a draft that someone changed after the page was shown
    quote = quote_in(S.DRAFT, job, agent)
    shown = quote.version
    quotes.add_line(quote, actor=agent, line=TRAVEL)

    # when the page's form is sent
    with pytest.raises(Conflict) as refused:
        quotes.send_quote(quote, actor=agent, expected_version=shown)

    # then
    assert refused.value.code == "stale_version"
    assert fresh(quote).status == S.DRAFT


def test_a_second_answer_is_told_the_first(agent, customer_user, job):
    # given a quote the customer accepted online
    quote = quote_in(S.SENT, job, agent)
    quotes.accept_quote(quote, actor=customer_user)
    before = stored(quote)

    # when the agent records a decline on the customer's behalf, from the old page
    with pytest.raises(Conflict) as refused:
        quotes.decline_quote(quote, actor=agent, via="phone", expected_version=quote.version)

    # then
    assert "already accepted" in str(refused.value)
    assert stored(quote) == before


@pytest.mark.django_db(transaction=True)
def test_answers_at_the_same_moment_make_one_decision(agent, customer):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database cannot serve concurrent connections.")
    # given a sent quote, answered four times at once (accept and decline)
    job = make_request(agent, customer)
    quote = quote_in(S.SENT, job, agent)
    outcomes = []
    start = threading.Barrier(4)

    def answer(accept):
        try:
            start.wait(10)
            do = quotes.accept_quote if accept else quotes.decline_quote
            do(Quote.objects.get(pk=quote.pk), actor=agent, via="phone", expected_version=2)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(i % 2 == 0,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly one answer counts, and one event says so
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert fresh(quote).status in (S.ACCEPTED, S.DECLINED)
    answers = TimelineEvent.objects.filter(
        request=job, kind=EventKind.QUOTE, data__action__in=["accepted", "declined"]
    )
    assert answers.count() == 1


# --- Who ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "dispatcher", "technician"])
def test_staff_who_see_the_request_prepare_quotes(users, customer, role):
    # given a request assigned to the technician
    job = make_request(users["agent"], customer, assignee=users["technician"])

    # when / then
    quote = quotes.create_quote(job, actor=users[role], lines=[LABOUR])
    assert quotes.send_quote(quote, actor=users[role]).status == S.SENT


@pytest.mark.parametrize("role", ["partner", "customer"])
def test_others_do_not_prepare_quotes(users, customer, role):
    # given a request the partner's center does not serve (the customer's own request)
    job = make_request(users["agent"], customer)

    # when / then
    with pytest.raises(NotAllowed):
        quotes.create_quote(job, actor=users[role], lines=[LABOUR])
    assert not Quote.objects.exists()


def test_the_customer_cannot_send_or_withdraw_their_quote(agent, customer_user, job):
    quote = quote_in(S.DRAFT, job, agent)
    with pytest.raises(NotAllowed):
        quotes.send_quote(quote, actor=customer_user)
    with pytest.raises(NotAllowed):
        quotes.withdraw_quote(quote, actor=customer_user)
    assert fresh(quote).status == S.DRAFT


def test_the_customer_answers_their_own_quote(agent, customer_user, job):
    # given
    quote = quote_in(S.SENT, job, agent)

    # when
    quotes.decline_quote(quote, actor=customer_user, reason="先不修了")

    # then the answer is theirs, given online
    quote = fresh(quote)
    assert (quote.status, quote.decided_by, quote.decision_note) == (
        S.DECLINED,
        customer_user,
        "先不修了",
    )
    event = job.events.get(kind=EventKind.QUOTE, data__action="declined")
    assert event.data["via"] == "online"
    assert event.visibility == Visibility.PUBLIC


def test_another_customer_cannot_answer(agent, job):
    stranger = UserFactory(role="customer", customer=CustomerFactory())
    quote = quote_in(S.SENT, job, agent)
    with pytest.raises(NotAllowed):
        quotes.accept_quote(quote, actor=stranger)
    assert fresh(quote).status == S.SENT


def test_staff_say_how_the_customer_answered(agent, job):
    quote = quote_in(S.SENT, job, agent)
    with pytest.raises(DomainError) as refused:
        quotes.accept_quote(quote, actor=agent)
    assert refused.value.field == "via"

    quotes.accept_quote(quote, actor=agent, via="in_person", note="现场签字确认")
    event = job.events.get(kind=EventKind.QUOTE, data__action="accepted")
    assert (event.actor, event.data["via"], event.body) == (agent, "in_person", "现场签字确认")


# --- Timeline ------------------------------------------------------------------------------------


def test_the_customer_sees_what_was_sent_to_them_not_the_drafts(agent, job):
    # given a quote started, sent and accepted; another started and withdrawn as a draft
    quote_in(S.ACCEPTED, job, agent)
    quote_in(S.WITHDRAWN, job, agent)

    # then
    events = job.events.filter(kind=EventKind.QUOTE).order_by("id")
    assert [(e.data["action"], e.visibility) for e in events] == [
        ("created", Visibility.INTERNAL),
        ("sent", Visibility.PUBLIC),
        ("accepted", Visibility.PUBLIC),
        ("created", Visibility.INTERNAL),
        ("withdrawn", Visibility.INTERNAL),
    ]
    sent = events[1]
    assert sent.data["amount"] == "121.00"
    assert sent.data["currency"] == "CNY"
    assert [line["amount"] for line in sent.data["lines"]] == ["71.00", "50.00"]
    assert sent.body == "请确认报价"


def test_withdrawing_a_sent_quote_tells_the_customer(agent, job):
    quote = quote_in(S.SENT, job, agent)
    quotes.withdraw_quote(quote, actor=agent, reason="价格有误")
    event = job.events.get(kind=EventKind.QUOTE, data__action="withdrawn")
    assert (event.visibility, event.body) == (Visibility.PUBLIC, "价格有误")


def test_the_warranty_note_follows_the_decision(agent, customer):
    assert quotes.warranty_covers_repair(make_request(agent, customer, free=True))
    assert not quotes.warranty_covers_repair(make_request(agent, customer, free=False))
