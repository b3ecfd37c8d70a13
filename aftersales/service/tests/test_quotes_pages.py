"""The quotes and charges panel of a request's page: the warranty note, the whole flow
through htmx and without it, refusals shown, who may do what, and bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.service import quotes
from aftersales.service.tests.quoting import LABOUR, TRAVEL, fresh, make_request, part, quote_in
from aftersales.warranty.models import Charge, ChargeStatus, Quote, QuoteStatus

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def job(agent, customer):
    return make_request(agent, customer)


def detail(obj):
    return reverse("service:detail", args=[obj.number])


def version(quote) -> int:
    """The version the page shows now."""
    return fresh(quote).version


def url(name, obj, *args):
    return reverse(f"quotes:{name}", args=[obj.number, *args])


def test_the_page_warns_when_the_warranty_covers_the_repair(client, agent, customer):
    # given a request whose repair is free under warranty, and one out of warranty
    covered = make_request(agent, customer, free=True)
    charged = make_request(agent, customer, free=False)
    client.force_login(agent)

    # then only the first warns that a quote is for what the warranty does not cover
    note = "This repair is covered by warranty; a quote is for work the warranty does not cover"
    assert note in client.get(detail(covered)).content.decode()
    assert note not in client.get(detail(charged)).content.decode()
    assert url("service_form", covered) in client.get(detail(covered)).content.decode()


def test_a_quote_from_start_to_payment_with_htmx(client, agent, job):
    client.force_login(agent)
    filter_ = part(name="空气滤网", unit_price="99.00")

    # when the agent starts a quote: the panel comes back alone, with the line form
    response = client.post(url("create", job), **HTMX)
    assert response.status_code == 200
    panel = response.content.decode()
    assert "<html" not in panel and 'id="quotes"' in panel and 'data-form="line"' in panel
    quote = Quote.objects.get(request=job)

    # when they add labour and a part (name and price from the catalog)
    client.post(
        url("line_add", job, quote.pk),
        {"kind": "labour", "description": "人工", "quantity": "1", "unit_price": "80"},
        **HTMX,
    )
    response = client.post(
        url("line_add", job, quote.pk),
        {"kind": "labour", "spare_part": filter_.pk, "quantity": "2", "version": version(quote)},
        **HTMX,
    )
    assert "278.00 CNY" in response.content.decode()
    assert fresh(quote).total == 278

    # when they send it: the customer's link is shown to pass on
    response = client.post(url("send", job, quote.pk), {"version": version(quote)}, **HTMX)
    panel = response.content.decode()
    assert "is sent" in panel
    token = quotes.link_token(fresh(quote))
    assert f"http://testserver/q/{token}/" in panel

    # when the customer says yes on the phone
    response = client.post(
        url("answer", job, quote.pk),
        {"decision": "accept", "via": "phone", "note": "客户同意", "version": version(quote)},
        **HTMX,
    )
    assert "is accepted" in response.content.decode()
    assert fresh(quote).status == QuoteStatus.ACCEPTED

    # when the work is done, the charge is recorded, then paid
    response = client.post(url("charge_record", job), **HTMX)
    assert "Charge recorded: 278.00 CNY due" in response.content.decode()
    charge = Charge.objects.get()
    response = client.post(url("charge_pay", job, charge.pk), {"method": "alipay"}, **HTMX)
    assert "Payment of 278.00 CNY recorded" in response.content.decode()
    assert fresh(charge).status == ChargeStatus.PAID

    # then the timeline tells the story
    page = client.get(detail(job)).content.decode()
    for text in (
        f"Quote #{quote.pk} sent to the customer: 278.00 CNY",
        f"Quote #{quote.pk} accepted: 278.00 CNY (By phone)",
        "Charge recorded: 278.00 CNY due",
        "Charge paid: 278.00 CNY (Alipay)",
    ):
        assert text in page


def test_without_htmx_each_action_goes_back_to_the_page(client, agent, job):
    client.force_login(agent)

    response = client.post(url("create", job), follow=True)

    assert response.redirect_chain[-1][0] == f"{detail(job)}#quotes"
    assert "started: add its lines" in response.content.decode()


def test_a_bad_line_is_shown_on_its_field(client, agent, job):
    # given
    quote = quote_in(QuoteStatus.DRAFT, job, agent)
    client.force_login(agent)

    # when a line without a price is added
    response = client.post(
        url("line_add", job, quote.pk),
        {"kind": "labour", "description": "人工", "quantity": 1},
        **HTMX,
    )

    # then the line form says so, and nothing changed
    assert response.status_code == 200
    assert "Give the unit price." in response.content.decode()
    assert fresh(quote).lines.count() == 2


def test_a_stale_page_is_told_to_reload(client, agent, job):
    # given a draft someone changed after the page was shown
    quote = quote_in(QuoteStatus.DRAFT, job, agent)
    shown = quote.version
    quotes.add_line(quote, actor=agent, line=TRAVEL)
    client.force_login(agent)

    # when it is sent from the old page (no htmx)
    response = client.post(url("send", job, quote.pk), {"version": shown}, follow=True)

    # then
    assert "Someone else changed this quote" in response.content.decode()
    assert fresh(quote).status == QuoteStatus.DRAFT


def test_a_refused_action_is_shown_in_the_panel(client, agent, job):
    quote = quote_in(QuoteStatus.ACCEPTED, job, agent)
    client.force_login(agent)
    response = client.post(url("withdraw", job, quote.pk), {"reason": "x"}, **HTMX)
    assert response.status_code == 200
    assert "already accepted" in response.content.decode()


def test_picking_a_part_fills_in_its_name_and_price(client, agent, job):
    # given
    filter_ = part(name="滤芯", unit_price="45.00")
    client.force_login(agent)

    # when
    response = client.get(
        url("part_defaults", job), {"spare_part": filter_.pk, "quantity": "3"}, **HTMX
    )

    # then
    fields = response.content.decode()
    assert 'id="line-fields"' in fields
    assert 'value="滤芯"' in fields and 'value="45.00"' in fields and 'value="3"' in fields
    assert '<option value="part" selected>' in fields


def test_the_manager_waives_and_the_agent_may_not(client, agent, manager, job):
    quote_in(QuoteStatus.ACCEPTED, job, agent)
    (charge,) = quotes.charge_for_request(job, actor=agent)

    client.force_login(agent)
    page = client.get(detail(job)).content.decode()
    assert url("charge_waive", job, charge.pk) not in page
    assert client.post(url("charge_waive", job, charge.pk), {"reason": "x"}).status_code == 403

    client.force_login(manager)
    assert url("charge_waive", job, charge.pk) in client.get(detail(job)).content.decode()
    client.post(url("charge_waive", job, charge.pk), {"reason": "老客户"}, **HTMX)
    assert fresh(charge).status == ChargeStatus.WAIVED


def _actions(job, quote, charge):
    line = {"kind": "travel", "quantity": 1, "unit_price": 1}
    return [
        ("post", url("create", job), {}),
        ("post", url("edit", job, quote.pk), {"note": "x"}),
        ("post", url("line_add", job, quote.pk), line),
        ("post", url("send", job, quote.pk), {}),
        ("post", url("answer", job, quote.pk), {"decision": "accept", "via": "phone"}),
        ("post", url("withdraw", job, quote.pk), {}),
        ("post", url("charge_record", job), {}),
        ("post", url("charge_pay", job, charge.pk), {"method": "cash"}),
        ("get", url("service_form", job), {}),
        ("get", url("part_defaults", job), {}),
    ]  # fmt: skip


@pytest.mark.parametrize(("role", "status"), [("customer", 403), ("partner", 404)])
def test_those_who_may_not_see_the_request_change_nothing(client, users, job, role, status):
    # given a draft and a charge on a request of the customer's, outside the partner's center
    quote = quote_in(QuoteStatus.DRAFT, job, users["agent"])
    charge = Charge.objects.create(request=job, amount=10)
    client.force_login(users[role])

    # when they try every action
    for method, path, data in _actions(job, quote, charge):
        response = getattr(client, method)(path, data)
        # then the staff pages are closed to customers, and the request is not found
        assert response.status_code == status, path
    assert fresh(quote).version == quote.version
    assert fresh(charge).status == ChargeStatus.DUE


def test_the_technician_on_the_request_quotes_on_site(client, agent, technician, customer):
    job = make_request(agent, customer, assignee=technician)
    client.force_login(technician)
    client.post(url("create", job), **HTMX)
    quote = Quote.objects.get(request=job)
    client.post(
        url("line_add", job, quote.pk),
        {"kind": "part", "description": "滤网", "quantity": 1, "unit_price": "30"},
        **HTMX,
    )
    client.post(url("send", job, quote.pk), **HTMX)
    client.post(url("answer", job, quote.pk), {"decision": "accept", "via": "in_person"}, **HTMX)
    assert fresh(quote).status == QuoteStatus.ACCEPTED


def _page_queries(client, job) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail(job)).status_code == 200
    return len(queries)


def test_the_page_queries_do_not_grow_with_quotes_and_lines(
    client, agent, customer, django_assert_max_num_queries
):
    # given a request with one small quote, and one with many quotes, lines and charges
    client.force_login(agent)
    small = make_request(agent, customer)
    quote_in(QuoteStatus.ACCEPTED, small, agent, lines=[LABOUR])
    quotes.charge_for_request(small, actor=agent)
    baseline = _page_queries(client, small)

    big = make_request(agent, customer)
    lines = [LABOUR, TRAVEL] * 5 + [quotes.LineInput(kind="part", spare_part=part(), quantity=1)]
    for _ in range(4):
        quote_in(QuoteStatus.ACCEPTED, big, agent, lines=lines)
        quotes.charge_for_request(big, actor=agent)
    quote_in(QuoteStatus.SENT, big, agent, lines=lines)

    # then the big one's page takes no more queries than the small one's
    with django_assert_max_num_queries(baseline):
        response = client.get(detail(big))
    assert response.content.decode().count('data-charge-status="due"') == 4
