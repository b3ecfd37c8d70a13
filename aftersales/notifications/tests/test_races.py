"""Never twice, also when workers and callers race (PostgreSQL: real concurrent writers)."""

import time

import pytest
from django.db import transaction

from aftersales.notifications import services
from aftersales.notifications.models import Event, OutboundMessage, Status
from aftersales.testing.concurrency import needs_postgres, run_together
from aftersales.testing.factories import CustomerFactory

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_delivering_the_same_message_send_one_mail(smtp, monkeypatch):
    # Given a queued email and a mail server that takes a moment to answer
    customer = CustomerFactory(email="wang@example.com")
    [message] = services.notify(Event.REQUEST_RECEIVED, customer=customer)
    from aftersales.notifications.adapters import EmailAdapter

    slow_send = EmailAdapter.send

    def send(self, outgoing):
        time.sleep(0.2)
        return slow_send(self, outgoing)

    monkeypatch.setattr(EmailAdapter, "send", send)

    # When four workers deliver it at the same moment
    run_together(services.deliver, [(message.pk,)] * 4)

    # Then one mail arrived and the message was attempted once
    assert len(smtp.received) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.delivery_events.count() == 1


def test_sweeps_running_together_send_each_message_once(memory):
    for n in range(5):
        services.notify(
            Event.REQUEST_RECEIVED, customer=CustomerFactory(email="", phone=f"1390000000{n}")
        )

    run_together(services.deliver_due, [()] * 3)

    assert sorted(m["to"] for m in memory.outbox) == [f"1390000000{n}" for n in range(5)]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_two_callers_with_the_same_dedupe_key_queue_one_message():
    customer = CustomerFactory(email="wang@example.com")

    def queue():
        with transaction.atomic():
            [message] = services.notify(
                Event.REQUEST_RECEIVED, customer=customer, dedupe_key="received:1"
            )
            time.sleep(0.1)  # keep the transaction open while the other one inserts
            return message.pk

    results = run_together(queue, [()] * 3)

    assert all(isinstance(pk, int) for pk in results), results
    assert len(set(results)) == 1
    assert OutboundMessage.objects.count() == 1
