"""Concurrency-safe counters.

The increment is a single UPDATE, which takes the row lock on PostgreSQL (and the write
lock on SQLite) until the surrounding transaction ends, so two concurrent creators can
never read the same value. A rolled-back transaction gives its number back; a number
taken by a transaction that later fails elsewhere may leave a gap, which is allowed.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from aftersales.core.models import Counter


def next_value(name: str) -> int:
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
