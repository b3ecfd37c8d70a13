"""End to end with a real broker: a Celery worker with embedded beat, in its own process,
runs the periodic heartbeat and a task that another process enqueued.

The worker connects to this test run's database, so the test needs a database other
processes can open: PostgreSQL (SQLite's test database lives in this process's memory).
Redis is started if it is down (as the machine's services are, see README "Background
work"); RabbitMQ is tried when it answers.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import connection

from aftersales.core.models import Heartbeat

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process must open the test database, which only PostgreSQL "
    "shares (run with DATABASE_URL=postgres://...)",
)

REDIS_URL = os.environ.get("AFTERSALES_E2E_REDIS_URL", "redis://127.0.0.1:6379/15")
AMQP_URL = os.environ.get("AFTERSALES_E2E_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
START_REDIS = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
]
TIMEOUT = 25.0


def answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


def redis_broker() -> str:
    """The Redis URL, starting the local Redis if it is down; its database emptied of
    messages an earlier, interrupted run may have left."""
    import redis

    if not answers(REDIS_URL):
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(START_REDIS, check=False, timeout=10, capture_output=True)
        deadline = time.monotonic() + 5
        while not answers(REDIS_URL) and time.monotonic() < deadline:
            time.sleep(0.1)
    if not answers(REDIS_URL):
        pytest.skip(f"no Redis at {REDIS_URL}, and it could not be started")
    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


def amqp_broker() -> str:
    if not answers(AMQP_URL):
        pytest.skip(f"no RabbitMQ at {AMQP_URL} (optional)")
    return AMQP_URL


def database_url_of_this_run() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def environment(broker: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CELERY_BROKER_URL=broker,
        DATABASE_URL=database_url_of_this_run(),
        DJANGO_SETTINGS_MODULE="aftersales.settings",
        PERIODIC_EVERY="heartbeat=1",
        CONN_MAX_AGE="0",
        LOG_LEVEL="INFO",
    )
    return env


class Worker:
    """`celery -A aftersales worker -B` in its own process group, always stopped."""

    def __init__(self, broker: str, folder: Path):
        self.log = folder / "worker.log"
        self.env = environment(broker)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "aftersales",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=INFO",
            f"--schedule={folder / 'beat-schedule'}",
            f"--hostname=e2e-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)  # warm shutdown: finish the task at hand
            try:
                self.process.wait(5)  # (with RabbitMQ, beat can take 10 s to say goodbye)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(5)
        # Anything it started (the embedded beat) dies with its group.
        self._signal(signal.SIGKILL)

    def _signal(self, number) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start a worker on a broker; stopped before the test database is cleaned."""
    workers = []

    def start(broker: str) -> Worker:
        worker = Worker(broker, tmp_path / f"worker{len(workers)}")
        workers.append(worker)
        return worker

    (tmp_path / "worker0").mkdir()
    (tmp_path / "worker1").mkdir()
    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()


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


def wait_for(condition, worker: Worker, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.process.poll() is not None:
            break
        time.sleep(0.25)
    pytest.fail(f"{what} did not happen within {TIMEOUT:.0f} s; worker said:\n{worker.output()}")


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
