"""Delivering queued messages: sent once, retried with backoff, given up after N tries,
picked up again when a worker died half-way, and the managers' retry and cancel."""

import datetime

import pytest

from aftersales.core.errors import Conflict, NotAllowed
from aftersales.notifications import services
from aftersales.notifications.adapters import adapter_for
from aftersales.notifications.models import Channel, DeliveryEvent, Event, Status
from aftersales.testing.factories import CustomerFactory

K = DeliveryEvent.Kind


@pytest.fixture
def sms(db):
    """A queued SMS to a customer without email (goes to MemoryAdapter)."""
    customer = CustomerFactory(email="", phone="13900001111")
    [message] = services.notify(Event.REQUEST_RECEIVED, customer=customer)
    return message


def kinds(message):
    return list(message.delivery_events.values_list("kind", "attempt"))


def test_a_due_message_is_sent_and_recorded(sms, memory):
    message = services.deliver(sms.pk)

    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.provider_id == f"memory-{sms.pk}"
    assert message.next_attempt_at is None
    assert [m["to"] for m in memory.outbox] == ["13900001111"]
    assert kinds(message) == [(K.SENT, 1)]


def test_a_sent_message_is_not_sent_again(sms, memory):
    services.deliver(sms.pk)
    again = services.deliver(sms.pk)
    services.deliver_due()

    assert again.status == Status.SENT and again.attempts == 1
    assert len(memory.outbox) == 1


@pytest.mark.parametrize(
    ("failed_attempts", "wait"),
    [
        (1, datetime.timedelta(minutes=1)),
        (2, datetime.timedelta(minutes=5)),
        (3, datetime.timedelta(minutes=30)),
        (4, datetime.timedelta(hours=2)),
        (5, datetime.timedelta(hours=6)),
        (6, datetime.timedelta(hours=12)),
        (7, datetime.timedelta(hours=24)),
        (20, datetime.timedelta(hours=24)),
    ],
)
def test_the_backoff_schedule(failed_attempts, wait):
    assert services.backoff(failed_attempts) == wait


def test_a_temporary_failure_is_retried_later_with_the_error_kept(sms, memory, clock):
    memory.fail = "temporary"

    message = services.deliver(sms.pk)

    assert message.status == Status.QUEUED
    assert message.attempts == 1
    assert message.last_error == "the test double is down"
    assert message.next_attempt_at == clock.now + datetime.timedelta(minutes=1)
    # Not due yet: a sweep now leaves it alone.
    assert services.deliver_due() == {}
    clock.advance(seconds=61)
    memory.fail = None
    assert services.deliver_due() == {"sent": 1}
    assert len(memory.outbox) == 1
    assert kinds(message) == [(K.RETRY, 1), (K.SENT, 2)]


def test_after_the_last_attempt_the_message_is_given_up(sms, memory, clock, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    memory.fail = "temporary"

    for _ in range(5):
        services.deliver_due()
        clock.advance(hours=1)

    sms.refresh_from_db()
    assert sms.status == Status.FAILED
    assert sms.attempts == 3
    assert sms.next_attempt_at is None
    assert kinds(sms) == [(K.RETRY, 1), (K.RETRY, 2), (K.FAILED, 3)]


def test_a_permanent_failure_gives_up_at_once(sms, memory):
    memory.fail = "permanent"
    message = services.deliver(sms.pk)
    assert message.status == Status.FAILED
    assert message.last_error == "rejected by the test double"


def test_an_unexpected_error_in_an_adapter_is_retried(sms, memory, monkeypatch):
    def broken(self, message):
        raise ValueError("provider said something odd")

    monkeypatch.setattr(memory, "send", broken)
    message = services.deliver(sms.pk)
    assert message.status == Status.QUEUED
    assert message.last_error == "provider said something odd"


def test_a_worker_that_died_while_sending_loses_nothing(sms, memory, clock, monkeypatch):
    # Given a worker claimed the message and died before it could report
    def crash(self, message):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr(memory, "send", crash)
        services.deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.status == Status.SENDING

    # When the sweep runs before its claim ran out, nothing happens (it may still be busy)
    clock.now = sms.next_attempt_at - datetime.timedelta(seconds=1)
    assert services.deliver_due() == {}

    # Then once the claim ran out, the sweep sends it, once
    clock.now = sms.next_attempt_at + datetime.timedelta(seconds=1)
    assert services.deliver_due() == {"sent": 1}
    assert len(memory.outbox) == 1
    sms.refresh_from_db()
    assert sms.attempts == 2
    assert kinds(sms) == [(K.INTERRUPTED, 1), (K.SENT, 2)]


def test_deliver_due_takes_the_oldest_first_up_to_the_limit(db, memory):
    for n in range(3):
        services.notify(
            Event.REQUEST_RECEIVED, customer=CustomerFactory(email="", phone=f"1390000000{n}")
        )
    assert services.deliver_due(limit=2) == {"sent": 2}
    assert [m["to"] for m in memory.outbox] == ["13900000000", "13900000001"]
    assert services.deliver_due() == {"sent": 1}


def test_wechat_and_sms_adapters_come_from_settings(settings):
    settings.SMS_BACKEND = ""
    assert type(adapter_for(Channel.SMS)).__name__ == "LoggingAdapter"
    settings.WECHAT_BACKEND = "aftersales.notifications.adapters.MemoryAdapter"
    assert type(adapter_for(Channel.WECHAT)).__name__ == "MemoryAdapter"


def test_the_logging_adapter_logs_and_succeeds(sms, settings, caplog):
    settings.SMS_BACKEND = "aftersales.notifications.adapters.LoggingAdapter"
    with caplog.at_level("INFO", logger="aftersales.notifications"):
        message = services.deliver(sms.pk)
    assert message.status == Status.SENT
    assert "13900001111" in caplog.text


# --- Retry now and cancel -----------------------------------------------------------------


def test_a_manager_retries_a_failed_message_with_a_fresh_round(sms, memory, manager):
    memory.fail = "permanent"
    services.deliver(sms.pk)
    sms.refresh_from_db()
    memory.fail = None

    services.retry_now(sms, manager)

    sms.refresh_from_db()
    assert sms.status == Status.QUEUED and sms.attempts == 0
    assert services.deliver(sms.pk).status == Status.SENT
    assert kinds(sms) == [(K.FAILED, 1), (K.RETRY_REQUESTED, 1), (K.SENT, 1)]
    assert sms.delivery_events.get(kind=K.RETRY_REQUESTED).actor == manager


def test_retry_now_makes_a_waiting_message_due_at_once(sms, memory, manager, clock):
    memory.fail = "temporary"
    services.deliver(sms.pk)
    sms.refresh_from_db()
    memory.fail = None

    services.retry_now(sms, manager)

    assert services.deliver_due() == {"sent": 1}


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_retry_or_cancel(sms, users, role):
    with pytest.raises(NotAllowed):
        services.retry_now(sms, users[role])
    with pytest.raises(NotAllowed):
        services.cancel(sms, users[role])
    sms.refresh_from_db()
    assert sms.status == Status.QUEUED
    assert not sms.delivery_events.exists()


def test_a_sent_message_cannot_be_retried_or_cancelled(sms, manager):
    services.deliver(sms.pk)
    sms.refresh_from_db()
    with pytest.raises(Conflict, match="not sent twice"):
        services.retry_now(sms, manager)
    with pytest.raises(Conflict, match="cannot be called back"):
        services.cancel(sms, manager)


def test_a_cancelled_message_is_never_sent(sms, memory, manager):
    services.cancel(sms, manager)

    assert services.deliver(sms.pk).status == Status.CANCELLED
    assert services.deliver_due() == {}
    assert memory.outbox == []
    with pytest.raises(Conflict):
        services.retry_now(sms, manager)


def test_a_stale_page_cannot_cancel_a_message_that_moved_on(sms, manager):
    stale = type(sms).objects.get(pk=sms.pk)
    services.deliver(sms.pk)
    with pytest.raises(Conflict, match="changed meanwhile"):
        services.cancel(stale, manager)
    sms.refresh_from_db()
    assert sms.status == Status.SENT


# --- Tasks --------------------------------------------------------------------------------


def test_the_tasks_are_named_by_their_module_path_for_the_schedule():
    from aftersales.notifications import tasks

    assert tasks.deliver_due.name == "aftersales.notifications.tasks.deliver_due"
    assert tasks.deliver_message.name == "aftersales.notifications.tasks.deliver_message"


def test_the_delivery_task_is_idempotent(sms, memory):
    from aftersales.notifications import tasks

    assert tasks.deliver_message.apply(args=[sms.pk]).get() == Status.SENT
    assert tasks.deliver_message.apply(args=[sms.pk]).get() == Status.SENT
    assert tasks.deliver_message.apply(args=[999999]).get() is None
    assert tasks.deliver_due.apply().get() == {}
    assert len(memory.outbox) == 1
