"""Delivering the outbox from a web process that runs its background work itself.

Without a broker (`core.background` in thread mode) the web process sends the messages it
queued, in its background worker thread. Handing that thread one task per message cost
every request three more commits and a dozen queries, on the same CPUs that serve the
requests. Instead a commit that queued messages only asks for one drain
(`tasks.deliver_queued`) unless one is asked for already; the drain waits a moment for
more commits to gather, then sends everything due in batches (`services.deliver_batch`:
one claim for many rows, one transaction for their outcomes).

Each message is in the outbox table before the drain is asked for, so nothing is lost if
the process stops first: the periodic `deliver-due` job sends what is left.
"""

from __future__ import annotations

import os
import threading
import time

from django.conf import settings

# How long a drain waits before it looks, so that one batch takes many messages.
DEFAULT_GATHER_SECONDS = 0.1
BATCH_SIZE = 100
# A drain asked for longer ago than this is taken as lost (its runner was stopped).
PENDING_FOR = 10.0

_lock = threading.Lock()
_asked_at: float | None = None
_asked_of = None  # the runner asked: a stopped one drops what it was asked


def wake() -> None:
    """Messages were committed: have them sent soon, by one drain for all of them."""
    global _asked_at, _asked_of
    from aftersales.core.background import runner
    from aftersales.notifications.tasks import deliver_queued

    current = runner()
    with _lock:
        now = time.monotonic()
        if _asked_of is current and _asked_at is not None and now - _asked_at < PENDING_FOR:
            return
        _asked_at, _asked_of = now, current
    current.submit(deliver_queued)


def drain() -> int:
    """Send every due message, in batches; the number of messages handled."""
    global _asked_at
    time.sleep(float(getattr(settings, "OUTBOX_GATHER_SECONDS", DEFAULT_GATHER_SECONDS)))
    with _lock:
        # From here on, a new commit asks for another drain: nothing it queued is missed.
        _asked_at = None
    from aftersales.notifications.services import deliver_batch

    handled = 0
    while True:
        batch = deliver_batch(BATCH_SIZE)
        handled += len(batch)
        if len(batch) < BATCH_SIZE:
            return handled


def _after_fork_in_child() -> None:
    # A forked worker (gunicorn --preload) starts with its own runner: forget the parent's
    # request, and its lock, which a thread of the parent may have held at the fork.
    global _lock, _asked_at, _asked_of
    _lock, _asked_at, _asked_of = threading.Lock(), None, None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
