"""Core background tasks: the scheduler's heartbeat.

`heartbeat` runs from the periodic schedule (`aftersales.celery.PERIODIC_JOBS`);
`record_beat` is the same write under any name, which tests and operators enqueue to see
that enqueued work reaches a worker.
"""

import os
import socket

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from aftersales.core.models import Heartbeat

SCHEDULER = "scheduler"


@shared_task(name="aftersales.core.tasks.record_beat")
def record_beat(name: str) -> dict:
    """Note that `name` is alive now, in this process (idempotent: the last beat wins)."""
    now = timezone.now()
    values = {"beat_at": now, "host": socket.gethostname()[:200], "pid": os.getpid()}
    updated = Heartbeat.objects.filter(name=name).update(beats=F("beats") + 1, **values)
    if not updated:
        Heartbeat.objects.bulk_create(
            [Heartbeat(name=name, beats=1, **values)], ignore_conflicts=True
        )
    return {"name": name, "beat_at": now.isoformat(), "pid": values["pid"]}


@shared_task(name="aftersales.core.tasks.heartbeat")
def heartbeat() -> dict:
    """The periodic sign that the scheduler (beat, or the in-process one) is alive."""
    return record_beat(SCHEDULER)
