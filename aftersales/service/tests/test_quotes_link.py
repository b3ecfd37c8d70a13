"""The customer's quote page behind a signed link: no login, one answer, and a clear page
for every link that cannot be answered (tampered, expired, replayed, withdrawn)."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.service import quotes
from aftersales.service.choices import EventKind, Visibility
from aftersales.service.tests.quoting import fresh, make_request, quote_in
from aftersales.warranty.models import Quote, QuoteStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_customer(customer):
    customer.language = "en"
    customer.save()
    return customer


@pytest.fixture
def sent(agent, english_customer):
    """A sent quote on an out-of-warranty repair, and its link."""
    quote = quote_in(QuoteStatus.SENT, make_request(agent, english_customer), agent)
    return quote, reverse("quotes:customer", args=[quotes.link_token(quote)])


def answers(quote):
    return quote.request.events.filter(
        kind=EventKind.QUOTE, data__action__in=["accepted", "declined"]
    ).count()


def test_the_link_shows_the_quote_without_a_login(client, sent):
    # given
    quote, url = sent

    # when the customer opens the link on their phone
    response = client.get(url)

    # then they read the request, the lines, the total and the warranty, with the buttons
    assert response.status_code == 200
    page = response.content.decode()
    assert quote.request.number in page
    assert "更换风扇 人工" in page and "上门费" in page
    assert "121.00 CNY" in page
    assert "not covered by warranty" in page
    assert "The repair warranty ended" in page  # the decision's reasons
    assert 'value="accept"' in page and 'value="decline"' in page
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_customer_accepts_through_the_link(client, sent):
    # given
    quote, url = sent

    # when
    response = client.post(url, {"decision": "accept"})

    # then they are thanked, and the quote is accepted by the customer through the link
    assert response.status_code == 200
    assert "You accepted the quote" in response.content.decode()
    quote = fresh(quote)
    assert quote.status == QuoteStatus.ACCEPTED
    assert quote.decided_by is None
    event = quote.request.events.get(kind=EventKind.QUOTE, data__action="accepted")
    assert (event.actor, event.data["via"], event.visibility) == (None, "link", Visibility.PUBLIC)


def test_the_customer_declines_with_a_reason(client, sent):
    quote, url = sent
    response = client.post(url, {"decision": "decline", "reason": "太贵了，不修了"})
    assert response.status_code == 200
    assert "You declined the quote" in response.content.decode()
    assert (fresh(quote).status, fresh(quote).decision_note) == (
        QuoteStatus.DECLINED,
        "太贵了，不修了",
    )


def test_a_replayed_link_never_makes_a_second_decision(client, sent):
    # given a link already used to accept
    quote, url = sent
    client.post(url, {"decision": "accept"})

    # when it is used again, to decline, and opened again
    again = client.post(url, {"decision": "decline", "reason": "改主意了"})
    opened = client.get(url)

    # then both say it was answered, and nothing changed
    for response in (again, opened):
        assert response.status_code == 410
        page = response.content.decode()
        assert "already accepted" in page
        assert 'value="decline"' not in page
    assert fresh(quote).status == QuoteStatus.ACCEPTED
    assert answers(quote) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: signing.Signer(salt="another.salt").sign_object(
            signing.Signer(salt=quotes.LINK_SALT).unsign_object(token)
        ),
        lambda token: signing.Signer(salt=quotes.LINK_SALT).sign_object({"q": 999999, "v": 2}),
        lambda token: signing.Signer(salt=quotes.LINK_SALT).sign_object({"q": "x"}),
        lambda token: "nonsense",
    ],
    ids=["tampered", "other-salt", "no-such-quote", "bad-payload", "garbage"],
)
def test_a_tampered_link_is_refused_clearly(client, sent, change):
    # given
    quote, url = sent
    token = change(quotes.link_token(quote))
    bad = reverse("quotes:customer", args=[token])

    # when
    opened = client.get(bad)
    posted = client.post(bad, {"decision": "accept"})

    # then
    for response in (opened, posted):
        assert response.status_code == 400
        page = response.content.decode()
        assert "not valid" in page
        assert quote.request.number not in page
    assert fresh(quote).status == QuoteStatus.SENT


def test_a_link_expires_after_its_days(client, sent):
    # given a quote sent more than the link's days ago
    quote, url = sent
    Quote.objects.filter(pk=quote.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=quotes.LINK_DAYS, minutes=1)
    )

    # when / then
    for response in (client.get(url), client.post(url, {"decision": "accept"})):
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert fresh(quote).status == QuoteStatus.SENT


def test_a_link_expires_with_the_quote(client, agent, english_customer):
    # given a quote valid until today: the link works today, not after it
    job = make_request(agent, english_customer)
    quote = quotes.create_quote(
        job, actor=agent, lines=[quotes.LineInput("labour", "人工", 1, 80)], valid_until=None
    )
    quotes.update_quote(quote, actor=agent, valid_until=timezone.localdate())
    quote = quotes.send_quote(quote, actor=agent)
    url = reverse("quotes:customer", args=[quotes.link_token(quote)])
    assert client.get(url).status_code == 200

    Quote.objects.filter(pk=quote.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_withdrawn_quote_cannot_be_answered(client, agent, sent):
    # given the agent withdrew the quote after sending the link
    quote, url = sent
    quotes.withdraw_quote(quote, actor=agent, reason="价格有误")

    # when the customer opens or answers the link
    for response in (client.get(url), client.post(url, {"decision": "accept"})):
        # then
        assert response.status_code == 410
        assert "withdrawn" in response.content.decode()
    assert fresh(quote).status == QuoteStatus.WITHDRAWN


def test_the_answer_needs_the_csrf_token(sent):
    # given a browser that checks CSRF like a real one
    quote, url = sent
    browser = Client(enforce_csrf_checks=True)

    # when the form is posted without the token (another site's form)
    response = browser.post(url, {"decision": "accept"})

    # then
    assert response.status_code == 403
    assert fresh(quote).status == QuoteStatus.SENT


def test_a_bad_answer_is_refused(client, sent):
    quote, url = sent
    response = client.post(url, {"decision": "maybe"})
    assert response.status_code == 400
    assert fresh(quote).status == QuoteStatus.SENT


def test_the_page_is_in_the_customers_language(client, agent, customer):
    # given a customer who reads Chinese (the default)
    quote = quote_in(QuoteStatus.SENT, make_request(agent, customer), agent)
    url = reverse("quotes:customer", args=[quotes.link_token(quote)])

    # when they open the link in a browser that asks for English
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    # then the page is in Chinese
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()
    assert '<dt class="col-5">标题</dt>' in response.content.decode()  # "Subject"

    # unless they chose a language in this browser
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response["Content-Language"] == "en"


def test_a_link_is_the_same_every_time_and_stale_once_answered(agent, customer_user, sent):
    quote, url = sent
    assert quotes.link_token(quote) == quotes.link_token(fresh(quote))
    assert quotes.read_link(quotes.link_token(quote)).answerable

    quotes.accept_quote(quote, actor=customer_user)

    link = quotes.read_link(quotes.link_token(quote))
    assert (link.answerable, link.problem) == (False, quotes.LinkProblem.ANSWERED)
