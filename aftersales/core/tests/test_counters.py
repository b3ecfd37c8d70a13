"""Counters for human-readable numbers: each value handed out once, also under races."""

import uuid

import pytest
from django.db import connection, transaction

from aftersales.core.counters import next_value
from aftersales.core.models import Counter
from aftersales.testing.concurrency import needs_postgres, run_together


def fresh(prefix: str) -> str:
    """A counter name no other test used: on PostgreSQL a counter is a sequence, and a
    sequence's values are not given back when a test's transaction rolls back."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_a_counter_starts_at_one_and_counts_up(db):
    # when
    name = fresh("SR")
    values = [next_value(name) for _ in range(3)]

    # then
    assert values == [1, 2, 3]


def test_counters_are_independent(db):
    # given
    this_year, next_year = fresh("SR"), fresh("SR")
    next_value(this_year)
    next_value(this_year)

    # when / then
    assert next_value(next_year) == 1
    assert next_value(this_year) == 3


def test_a_rolled_back_number_leaves_at_most_a_gap(db):
    # given numbers taken, one of them by a transaction that then failed
    first = next_value("SR-2026")
    with pytest.raises(RuntimeError), transaction.atomic():
        next_value("SR-2026")
        raise RuntimeError("the save failed")

    # when the next one is taken
    after = next_value("SR-2026")

    # then it is new: the failed one is given back (SQLite) or skipped (PostgreSQL)
    assert after in (first + 1, first + 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's")
def test_a_sequence_continues_where_the_counter_row_stopped(db):
    # given numbers once counted in the table (e.g. data moved from SQLite)
    Counter.objects.create(name="SR-2025", value=41)

    # when / then
    assert next_value("SR-2025") == 42


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_racing_takers_never_get_the_same_value():
    # given ten workers asking for numbers of a counter that does not exist yet (a name
    # of its own: a sequence outlives the transactional tests that used it before)
    name = fresh("RACE")

    def take(_):
        return [next_value(name) for _ in range(10)]

    # when
    results = run_together(take, [(i,) for i in range(10)])

    # then
    assert not [r for r in results if isinstance(r, BaseException)]
    values = sorted(v for batch in results for v in batch)
    assert values == list(range(1, 101))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_committed_sequence_is_used_without_a_savepoint():
    from django.test.utils import CaptureQueriesContext

    name = fresh("SEEN")
    with transaction.atomic():
        assert next_value(name) == 1  # made here, in a savepoint

    # when the next value is taken in another transaction
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        value = next_value(name)

    # then it is the next one, taken with one statement
    assert value == 2
    assert [q["sql"] for q in queries if "nextval" in q["sql"] or "SAVEPOINT" in q["sql"]] == [
        f"SELECT nextval('counter_{name.lower().replace('-', '_')}')"
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's")
def test_a_sequence_made_by_a_rolled_back_transaction_is_made_again(db):
    # given a sequence whose creation was rolled back (the test's own transaction here)
    name = fresh("GONE")
    with pytest.raises(RuntimeError), transaction.atomic():
        next_value(name)
        raise RuntimeError("the save failed")

    # when / then the next value makes it again instead of failing
    assert next_value(name) == 1
