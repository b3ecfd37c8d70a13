"""A real Celery worker with embedded beat in its own process, for end-to-end tests.

The worker connects to this test run's database, which only PostgreSQL shares with other
processes. Redis is started if it is down; RabbitMQ is used when it answers.
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
    """The Redis URL, starting the local Redis if it is down. Each worker has a queue of
    its own, so messages an interrupted run left behind are never read."""
    if not answers(REDIS_URL):
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(START_REDIS, check=False, timeout=10, capture_output=True)
        deadline = time.monotonic() + 5
        while not answers(REDIS_URL) and time.monotonic() < deadline:
            time.sleep(0.1)
    if not answers(REDIS_URL):
        pytest.skip(f"no Redis at {REDIS_URL}, and it could not be started")
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


def environment(broker: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CELERY_BROKER_URL=broker,
        DATABASE_URL=database_url_of_this_run(),
        DJANGO_SETTINGS_MODULE="aftersales.settings",
        PERIODIC_EVERY="heartbeat=1",
        # Its own queue: tests running side by side (pytest -n) share the broker.
        CELERY_QUEUE=f"e2e-{uuid.uuid4().hex[:12]}",
        CONN_MAX_AGE="0",
        LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


class Worker:
    """`celery -A aftersales worker -B` in its own process group, always stopped."""

    def __init__(self, broker: str, folder: Path, **env: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "worker.log"
        self.env = environment(broker, **env)
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

    def start(broker: str, **env: str) -> Worker:
        worker = Worker(broker, tmp_path / f"worker{len(workers)}", **env)
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()


def wait_for(condition, worker: Worker, what: str, explain=None) -> None:
    """Wait for `condition()`; on time-out fail with `explain()` and what the worker said
    about it (its errors first: the tail of its log is mostly beat's chatter)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.process.poll() is not None:
            break
        time.sleep(0.25)
    state = f"state: {explain()}\n" if explain else ""
    log = worker.log.read_text(errors="replace")
    trouble = [line for line in log.splitlines() if "ERROR" in line or "WARNING" in line]
    pytest.fail(
        f"{what} did not happen within {TIMEOUT:.0f} s; {state}worker errors:\n"
        + "\n".join(trouble[-20:])
        + f"\nworker said:\n{worker.output()}"
    )
