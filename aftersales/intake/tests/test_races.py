"""Twins arriving at the same moment: a form sent twice, a webhook delivered twice, a new
chat visitor's first two lines. PostgreSQL only (several connections writing at once)."""

import pytest

from aftersales.customers.models import Customer
from aftersales.intake import inbound, services
from aftersales.intake.adapters import InboundText
from aftersales.intake.models import ChannelIdentity, InboundMessage, Submission
from aftersales.service.models import ServiceRequest
from aftersales.testing.concurrency import needs_postgres, run_together

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def test_a_form_sent_twice_at_once_makes_one_request():
    data = services.HelpRequest(description="The TV has no sound.", email="anna@example.com")
    results = run_together(
        lambda: services.submit_help(data, key="same-form")[0].number, [(), (), ()]
    )
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 1
    assert ServiceRequest.objects.count() == 1 and Submission.objects.count() == 1


def test_a_webhook_delivery_twice_at_once_makes_one_entry():
    message = InboundText(provider="sms", message_id="m-1", sender_id="+8613911112222",
                          phone="+8613911112222", body="洗衣机漏水")  # fmt: skip
    results = run_together(lambda: inbound.receive(message)[1], [(), ()])
    assert sorted(results) == [False, True]
    assert InboundMessage.objects.count() == 1 and ServiceRequest.objects.count() == 1


def test_a_new_visitors_first_two_lines_at_once_make_one_customer():
    def line(n):
        return inbound.receive(
            InboundText(
                provider="chat",
                message_id=f"c-{n}",
                sender_id="visitor-9",
                name="Anna",
                body=f"line {n}",
            )  # fmt: skip
        )[0].customer_id

    results = run_together(line, [(1,), (2,)])
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert Customer.objects.count() == 1 and ChannelIdentity.objects.count() == 1
    assert InboundMessage.objects.count() == 2
