"""Idempotency keys: a retried create returns what the first attempt made, never a second."""

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.errors import Conflict
from aftersales.core.idempotency import fingerprint, run_once
from aftersales.core.models import IdempotencyKey
from aftersales.service import services
from aftersales.service.models import ServiceRequest
from aftersales.testing.concurrency import needs_postgres, run_together

PAYLOAD = {"subject": "热水器不出热水", "channel": "api"}


def create_once(user, customer, key, payload=PAYLOAD, scope="tickets.create"):
    return run_once(
        user=user,
        scope=scope,
        key=key,
        payload=payload,
        create=lambda: services.create_request(actor=user, customer=customer, **payload),
        load=lambda pk: ServiceRequest.objects.get(pk=pk),
    )


def test_a_retry_returns_the_first_request(agent, customer):
    # given
    first, created = create_once(agent, customer, "retry-1")

    # when the client retries after a timeout
    again, created_again = create_once(agent, customer, "retry-1")

    # then
    assert (created, created_again) == (True, False)
    assert again == first
    assert ServiceRequest.objects.count() == 1


def test_the_same_key_for_a_different_request_is_refused(agent, customer):
    # given
    create_once(agent, customer, "k-1")

    # when
    with pytest.raises(Conflict) as refused:
        create_once(agent, customer, "k-1", payload={"subject": "另一件事", "channel": "api"})

    # then
    assert refused.value.code == "idempotency_key_reused"
    assert str(refused.value) == "This Idempotency-Key was already used for a different request."
    assert ServiceRequest.objects.count() == 1


def test_keys_belong_to_a_user_and_a_scope(agent, manager, customer):
    # when two users, or two kinds of create, happen to pick the same key
    a, _ = create_once(agent, customer, "1")
    b, _ = create_once(manager, customer, "1")
    c, _ = create_once(agent, customer, "1", scope="other.create")

    # then each is its own request
    assert len({a.pk, b.pk, c.pk}) == 3


def test_a_failed_attempt_keeps_no_key(agent, customer):
    # given a first attempt that is refused (subject missing)
    with pytest.raises(ValidationError):
        create_once(agent, customer, "k-2", payload={"subject": "", "channel": "api"})
    assert not IdempotencyKey.objects.exists()

    # when the client corrects it and retries with the same key
    request, created = create_once(
        agent, customer, "k-2", payload={"subject": "修好了吗", "channel": "api"}
    )

    # then
    assert created
    assert request.subject == "修好了吗"


def test_the_fingerprint_does_not_depend_on_key_order():
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_at_once_creates_one_request(agent, customer):
    # given a client that fires the same create six times at once (a retry storm)
    # when
    results = run_together(
        lambda _: create_once(agent, customer, "storm"), [(i,) for i in range(6)]
    )

    # then all six get the one request, and only one of them made it
    assert not [r for r in results if isinstance(r, BaseException)]
    assert len({request.pk for request, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert ServiceRequest.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
