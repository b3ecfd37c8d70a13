"""Run the same code in several threads at once, each with its own database connection.

For tests of races (numbers, idempotency keys, versions). They need real transactions
(`@pytest.mark.django_db(transaction=True)`) and a database that lets several
connections write at once, so they run on PostgreSQL only.
"""

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection, connections

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races need several connections writing at once; SQLite's test database "
    "is in memory and serialises them (run with DATABASE_URL=postgres://...)",
)


def run_together(
    work: Callable[..., Any], calls: Sequence[tuple], timeout: float = 30.0
) -> list[Any]:
    """Call `work(*args)` for each args in `calls`, all threads released at the same moment.

    Returns each call's result, or the exception it raised, in the order of `calls`.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, args: tuple) -> None:
        try:
            barrier.wait(timeout)
            results[index] = work(*args)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            results[index] = error
        finally:
            # Each thread opened its own connection; leave none behind for the test
            # database teardown to trip over.
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(index, args), daemon=True)
        for index, args in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results
