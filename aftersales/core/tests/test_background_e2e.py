"""End to end with a real broker: a Celery worker with embedded beat, in its own process,
runs the periodic heartbeat and a task that another process enqueued.

The worker connects to this test run's database, so the test needs a database other
processes can open: PostgreSQL (SQLite's test database lives in this process's memory).
Redis is started if it is down (as the machine's services are, see README "Background
work"); RabbitMQ is tried when it answers.
"""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

from aftersales.core.models import Heartbeat
from aftersales.testing.workers import Worker, amqp_broker, redis_broker, wait_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process must open the test database, which only PostgreSQL "
    "shares (run with DATABASE_URL=postgres://...)",
)


def enqueue_from_another_process(worker: Worker, name: str) -> None:
    """What the web process does: `enqueue` with a broker configured, after commit."""
    code = (
        "from django.db import transaction\n"
        "from aftersales.core import background\n"
        "from aftersales.core.tasks import record_beat\n"
        "assert background.mode() == 'celery', background.mode()\n"
        "with transaction.atomic():\n"
        f"    background.enqueue(record_beat, {name!r})\n"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=worker.env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def check_worker_runs_periodic_and_enqueued_work(worker: Worker) -> None:
    # when another process enqueues a task while the worker starts
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    enqueue_from_another_process(worker, name)

    # then the worker ran it, in its own process
    wait_for(lambda: Heartbeat.objects.filter(name=name).exists(), worker, "the enqueued task")
    ran = Heartbeat.objects.get(name=name)
    assert ran.pid == worker.process.pid != os.getpid()

    # and beat sent the heartbeat every second, which the worker ran
    wait_for(
        lambda: Heartbeat.objects.filter(name="scheduler", beats__gte=2).exists(),
        worker,
        "two heartbeats",
    )
    assert Heartbeat.objects.get(name="scheduler").pid == worker.process.pid


def test_a_redis_worker_runs_the_periodic_heartbeat_and_enqueued_tasks(start_worker):
    worker = start_worker(redis_broker())
    check_worker_runs_periodic_and_enqueued_work(worker)
    worker.stop()
    assert worker.process.poll() is not None


def test_a_rabbitmq_worker_does_the_same(start_worker):
    worker = start_worker(amqp_broker())
    check_worker_runs_periodic_and_enqueued_work(worker)
