"""Delivering many messages at once: one claim and one record for a batch, each message
still sent once with its own outcome; and the web process's deliverer thread, which
sends what its requests queued in batches instead of one task per message."""

import time

import pytest
from django.db import connection, transaction

from aftersales.core import background
from aftersales.notifications import services
from aftersales.notifications.models import DeliveryEvent, Event, OutboundMessage, Status
from aftersales.testing.factories import CustomerFactory

K = DeliveryEvent.Kind


def queue_sms(n: int) -> list[OutboundMessage]:
    return [
        services.notify(
            Event.REQUEST_RECEIVED, customer=CustomerFactory(email="", phone=f"1390000{i:04d}")
        )[0]
        for i in range(n)
    ]


def test_a_batch_sends_each_due_message_once_and_records_each(db, memory):
    messages = queue_sms(3)

    sent = services.deliver_batch(limit=10)

    assert [m.pk for m in sent] == [m.pk for m in messages]
    assert sorted(m["to"] for m in memory.outbox) == ["13900000000", "13900000001", "13900000002"]
    for message in messages:
        message.refresh_from_db()
        assert message.status == Status.SENT
        assert message.attempts == 1
        assert message.provider_id == f"memory-{message.pk}"
        assert message.sent_at is not None and message.next_attempt_at is None
        assert list(message.delivery_events.values_list("kind", "attempt")) == [(K.SENT, 1)]
    assert services.deliver_batch() == []


def test_a_batch_claims_and_sends_in_few_queries(db, memory, django_assert_max_num_queries):
    queue_sms(20)

    # select + claim, then the outcomes and their events, whatever the batch's size
    with django_assert_max_num_queries(10):
        assert len(services.deliver_batch(limit=100)) == 20
    assert len(memory.outbox) == 20


def test_in_a_batch_each_message_gets_its_own_outcome(db, memory, monkeypatch):
    good, refused, down = queue_sms(3)
    send = memory.send

    def flaky(self, message):
        if message.pk == refused.pk:
            raise services.PermanentFailure("no such number")
        if message.pk == down.pk:
            raise services.TemporaryFailure("gateway down")
        return send(self, message)

    monkeypatch.setattr(memory, "send", flaky)

    services.deliver_batch()

    statuses = dict(OutboundMessage.objects.values_list("pk", "status"))
    assert statuses == {good.pk: Status.SENT, refused.pk: Status.FAILED, down.pk: Status.QUEUED}
    down.refresh_from_db()
    assert down.last_error == "gateway down"
    assert down.next_attempt_at is not None
    assert sorted(DeliveryEvent.objects.values_list("kind", flat=True)) == sorted(
        [K.SENT, K.FAILED, K.RETRY]
    )


def test_a_batch_leaves_alone_what_is_not_due(db, memory):
    due, later, claimed = queue_sms(3)
    services.deliver(due.pk)  # sent already
    OutboundMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=later.next_attempt_at + services.sending_timeout()
    )
    # another worker is sending this one right now
    with services._bookkeeping():
        services._claim(claimed.pk)

    assert services.deliver_batch() == []
    assert len(memory.outbox) == 1


def test_the_limit_takes_the_oldest_first(db, memory):
    first, second, third = queue_sms(3)

    assert [m.pk for m in services.deliver_batch(limit=2)] == [first.pk, second.pk]
    assert [m.pk for m in services.deliver_batch(limit=2)] == [third.pk]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the deliverer thread writes while the test reads: SQLite's in-memory test "
    "database (shared cache) then refuses it with 'table is locked' (it failed a CI run); "
    "a real SQLite file in WAL mode does not, and the deliver-due sweep retries anyway",
)
@pytest.mark.django_db(transaction=True)
def test_in_a_web_process_the_deliverer_thread_sends_what_a_commit_queued(memory, settings):
    # given a web process without a broker (background work in its own threads)
    settings.BACKGROUND_MODE = "thread"
    settings.OUTBOX_GATHER_SECONDS = 0.05
    customers = [CustomerFactory(email="", phone=f"1380000000{i}") for i in range(3)]

    # when a change queues messages and commits
    with transaction.atomic():
        messages = [services.notify(Event.REQUEST_RECEIVED, customer=c)[0] for c in customers]
        # nothing goes out before the commit
        time.sleep(0.2)
        assert memory.outbox == []

    # then the deliverer thread sends them and records it, soon
    ids = [m.pk for m in messages]
    try:
        for _ in range(100):
            statuses = set(
                OutboundMessage.objects.filter(pk__in=ids).values_list("status", flat=True)
            )
            if statuses == {Status.SENT}:
                break
            time.sleep(0.05)
        assert statuses == {Status.SENT}
        assert sorted(m["to"] for m in memory.outbox) == [c.phone for c in customers]
    finally:
        assert background.stop(10)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing_from_the_deliverer(memory, settings):
    settings.BACKGROUND_MODE = "thread"
    settings.OUTBOX_GATHER_SECONDS = 0.01
    customer = CustomerFactory(email="", phone="13800000009")

    try:
        with transaction.atomic():
            services.notify(Event.REQUEST_RECEIVED, customer=customer)
            transaction.set_rollback(True)
        time.sleep(0.3)
    finally:
        assert background.stop(10)

    assert memory.outbox == []
    assert not OutboundMessage.objects.exists()
