"""Concurrency-safe counters for human-readable numbers (SR-2026-000123, CT-2026-0001).

On PostgreSQL each counter is a database sequence: `nextval` never hands out a value
twice and holds no lock, so concurrent creators do not queue behind each other until
commit. A value taken by a transaction that rolls back is not given out again: numbers
may have gaps, which is allowed.

Elsewhere (SQLite) the counter is a row incremented by one UPDATE, which takes the
database's write lock until the transaction ends; SQLite has one writer at a time anyway.
"""

import re

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import F

from aftersales.core.models import Counter

_NOT_NAME = re.compile(r"[^a-z0-9]+")


def next_value(name: str) -> int:
    if connection.vendor == "postgresql":
        return _next_from_sequence(name)
    return _next_from_row(name)


def sequence_name(name: str) -> str:
    """'SR-2026' → 'counter_sr_2026' (a safe SQL identifier)."""
    return "counter_" + _NOT_NAME.sub("_", name.lower()).strip("_")


def _next_from_row(name: str) -> int:
    with transaction.atomic():
        if not Counter.objects.filter(name=name).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    Counter.objects.create(name=name, value=1)
                    return 1
            except IntegrityError:
                # Another transaction created the row first; increment it like everyone else.
                Counter.objects.filter(name=name).update(value=F("value") + 1)
        return Counter.objects.values_list("value", flat=True).get(name=name)


# Sequences this process has seen committed. Taking a value of one of them needs no
# savepoint: on the hot path of every request creation that is two round trips fewer.
# Only committed ones count: a sequence created in a transaction that rolled back is gone.
_known: set[str] = set()


def _next_from_sequence(name: str) -> int:
    sequence = sequence_name(name)
    if sequence in _known:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(%s)", [sequence])
                return cursor.fetchone()[0]
        except ProgrammingError:
            # Dropped behind our back: this transaction is lost, the next one makes it anew.
            _known.discard(sequence)
            raise
    for _attempt in range(3):
        try:
            # A savepoint, so that a sequence not made yet does not spoil the caller's
            # transaction.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT nextval(%s)", [sequence])
                value = cursor.fetchone()[0]
            transaction.on_commit(lambda: _known.add(sequence))
            return value
        except ProgrammingError:
            _create_sequence(name, sequence)
    raise RuntimeError(f"Could not take a value of counter {name}.")


def _create_sequence(name: str, sequence: str) -> None:
    """Create the counter's sequence, continuing from its row if numbers were taken there."""
    taken = Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{sequence}" START {taken + 1}')
    except (IntegrityError, ProgrammingError):
        # Two creators at once: the other one's sequence will do.
        pass
