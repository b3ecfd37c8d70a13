"""Background work: hand a task to the workers, or run it in this process without a broker.

The interface every app uses:

    enqueue(task, *args, **kwargs)   # runs `task` after the current transaction commits

`task` is a Celery task (`@shared_task` in an app's `tasks.py`) or its name. Arguments
go through JSON in every mode, as they do to a real worker, so a task gets the same
values whichever mode runs it (a tuple arrives as a list; dates, times, decimals and
UUIDs survive); anything JSON cannot carry is refused at once with a `TypeError`.

How it runs is chosen once per process (`mode()`):

- **celery** — `CELERY_BROKER_URL` is set: `task.apply_async(...)` on commit; workers and
  beat run it (`make worker`, `make beat`). If the broker refuses the message, the error
  is logged and the request that committed goes on: work that must never be lost is
  written to a table in the transaction (an outbox) and swept by a periodic job.
- **thread** — no broker, and this process is a web server (`runserver`'s serving
  process, gunicorn or uvicorn): one worker thread runs enqueued tasks one after the
  other, and a scheduler thread runs the periodic jobs of `aftersales.celery` at their
  intervals. Each job runs once per interval across all processes: the process whose
  conditional UPDATE of its `core.PeriodicJob` row succeeds runs it and holds a lease
  until it finishes. Enqueued tasks still waiting when the process stops are lost.
- **inline** — everything else (tests, management commands, the shell): the task runs
  synchronously when the transaction commits, and its exception propagates to the code
  that committed. Under pytest-django's `django_db`, a test's transaction never commits:
  wrap the work in `django_capture_on_commit_callbacks(execute=True)` or mark the test
  `django_db(transaction=True)` to see the task run.

`settings.BACKGROUND_MODE` ("celery", "thread" or "inline") forces a mode.
`run_periodic_now()` runs the due periodic jobs once, in this thread (tests,
`manage.py run_periodic`).
"""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import queue
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import close_old_connections, connections, transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

CELERY, THREAD, INLINE = "celery", "thread", "inline"
MODES = (CELERY, THREAD, INLINE)

# A run holds its job's lease this long at most (if its process dies, another takes over).
DEFAULT_LEASE_SECONDS = 600
# The scheduler looks again at least this often, and at most this often.
MAX_SCHEDULER_SLEEP = 30.0
MIN_SCHEDULER_SLEEP = 0.2


# --- Mode ------------------------------------------------------------------------------

_mode: str | None = None


def mode() -> str:
    """How this process runs background work: "celery", "thread" or "inline"."""
    global _mode
    if _mode is None:
        _mode = choose_mode()
    return _mode


def choose_mode(argv: list[str] | None = None, environ=None, modules=None) -> str:
    forced = (getattr(settings, "BACKGROUND_MODE", "") or "").strip().lower()
    if forced:
        if forced not in MODES:
            raise ImproperlyConfigured(
                f"BACKGROUND_MODE={forced!r}: use one of {', '.join(MODES)} (or leave it empty)."
            )
        return forced
    if getattr(settings, "CELERY_BROKER_URL", ""):
        return CELERY
    if is_web_server(argv, environ, modules):
        return THREAD
    return INLINE


def is_web_server(argv: list[str] | None = None, environ=None, modules=None) -> bool:
    """Whether this process serves web requests (and so runs background work itself).

    `runserver` with its autoreloader runs twice: the watching parent (no) and the
    serving child, which has `RUN_MAIN=true` (yes).
    """
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    modules = sys.modules if modules is None else modules
    program = os.path.basename(argv[0]) if argv else ""
    if program in ("gunicorn", "uvicorn") or "gunicorn.arbiter" in modules:
        return True
    if len(argv) > 1 and argv[1] == "runserver":
        return environ.get("RUN_MAIN") == "true" or "--noreload" in argv
    return False


@receiver(setting_changed)
def _forget_mode(*, setting, **kwargs):
    """Tests that override the broker or the mode get the mode they asked for."""
    global _mode
    if setting in ("BACKGROUND_MODE", "CELERY_BROKER_URL"):
        _mode = None


# --- Enqueue ---------------------------------------------------------------------------


def enqueue(task, *args, **kwargs) -> None:
    """Run `task(*args, **kwargs)` in the background once the current transaction commits.

    Nothing runs if the transaction rolls back. Outside a transaction it is handed over
    at once. See the module docstring for where it runs in each mode.
    """
    args, kwargs = _through_json(task, args, kwargs)
    current = mode()
    if current == CELERY:
        transaction.on_commit(lambda: _send(task, args, kwargs))
    elif current == THREAD:
        transaction.on_commit(lambda: runner().submit(task, args, kwargs))
    else:
        transaction.on_commit(lambda: run_task(task, args, kwargs, propagate=True))


def _through_json(task, args: tuple, kwargs: dict) -> tuple[list, dict]:
    try:
        return loads(dumps(list(args))), loads(dumps(kwargs))
    except TypeError as error:
        raise TypeError(
            f"{task_name(task)}: its arguments must be JSON (strings, numbers, lists, dicts, "
            f"dates, decimals, UUIDs): {error}. Pass ids, not model instances."
        ) from error


def task_name(task) -> str:
    return task if isinstance(task, str) else getattr(task, "name", repr(task))


def _send(task, args, kwargs) -> None:
    from aftersales.celery import app

    try:
        if isinstance(task, str):
            app.send_task(task, args=args, kwargs=kwargs)
        else:
            task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        logger.exception("could not hand %s to the broker; it did not run", task_name(task))


def resolve_task(name: str):
    """The registered task called `name`, importing its module if needed; None if that
    module does not exist (another app's tasks may not be written yet)."""
    from aftersales.celery import app

    if name in app.tasks:
        return app.tasks[name]
    module = name.rpartition(".")[0]
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and (module == error.name or module.startswith(error.name + ".")):
            return None
        raise
    return app.tasks.get(name)


def run_task(task, args=(), kwargs=None, *, propagate: bool) -> Any:
    """Run `task` here and now, as a worker would. Returns Celery's `EagerResult`.

    With `propagate`, the task's exception is raised here; without, it is logged.
    """
    if isinstance(task, str):
        found = resolve_task(task)
        if found is None:
            raise LookupError(f"no task called {task}")
        task = found
    result = task.apply(args=list(args), kwargs=kwargs or {}, throw=propagate)
    if result.failed():
        logger.error("background task %s failed:\n%s", task.name, result.traceback)
    return result


# --- Periodic jobs -----------------------------------------------------------------------


@dataclass
class JobRun:
    """One run of a periodic job by `run_periodic_now`."""

    name: str
    started_at: datetime
    ok: bool
    error: str = ""


@dataclass
class PeriodicPass:
    runs: list[JobRun] = field(default_factory=list)
    # Seconds until the next job is due, as far as this pass could tell.
    next_in: float = MAX_SCHEDULER_SLEEP


def run_periodic_now(name: str | None = None, *, force: bool = False) -> list[JobRun]:
    """Run the periodic jobs that are due (or only the one called `name`), once, here.

    A job is due when its interval has passed since it last started, in any process.
    `force` runs it even if it is not due, but never while another run holds its lease.
    Raises `LookupError` for a name that is not in the schedule. A failing job is logged
    and recorded on its `core.PeriodicJob` row; the others still run.
    """
    return periodic_pass([name] if name else None, force=force).runs


def periodic_pass(names: Iterable[str] | None = None, *, force: bool = False) -> PeriodicPass:
    from aftersales.celery import periodic_jobs

    jobs = periodic_jobs(include_missing=True)
    if names is not None:
        wanted = list(names)
        unknown = sorted(set(wanted) - {job.name for job in jobs})
        if unknown:
            raise LookupError(
                f"no periodic job called {', '.join(unknown)}; the jobs are "
                f"{', '.join(job.name for job in jobs)}"
            )
        jobs = [job for job in jobs if job.name in wanted]
    result = PeriodicPass()
    waits = []
    for job in jobs:
        task = resolve_task(job.task)
        if task is None:
            _note_missing(job)
            continue
        started, wait = _claim(job, force=force)
        if started is None:
            waits.append(wait)
            continue
        result.runs.append(_run_claimed(job, task, started))
        waits.append((job.next_after(started) - timezone.now()).total_seconds())
    if waits:
        result.next_in = max(MIN_SCHEDULER_SLEEP, min(min(waits), MAX_SCHEDULER_SLEEP))
    return result


_missing_noted: set[str] = set()


def _note_missing(job) -> None:
    if job.name in _missing_noted:
        return
    _missing_noted.add(job.name)
    from aftersales.celery import module_exists

    if module_exists(job.module):
        # A bug, not work in progress: the module is there but names its task otherwise.
        logger.error(
            "periodic job %s cannot run: %s defines no task named %s",
            job.name,
            job.module,
            job.task,
        )
    else:
        logger.info("periodic job %s skipped: task %s does not exist yet", job.name, job.task)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:200]


def _claim(job, *, force: bool) -> tuple[datetime | None, float]:
    """Start a run of `job` if it is due and nobody holds it: (started_at, 0), else
    (None, seconds to wait). The conditional UPDATE is what makes one process win."""
    from aftersales.core.models import PeriodicJob

    now = timezone.now()
    row = PeriodicJob.objects.filter(name=job.name).values("last_started_at", "lease_until")
    row = row.first()
    if row is None:
        PeriodicJob.objects.bulk_create(
            [PeriodicJob(name=job.name, task=job.task)], ignore_conflicts=True
        )
        row = {"last_started_at": None, "lease_until": None}
    if row["lease_until"] is not None and row["lease_until"] > now:
        return None, (row["lease_until"] - now).total_seconds()
    if not force and row["last_started_at"] is not None:
        due_at = job.next_after(row["last_started_at"])
        if due_at > now:
            return None, (due_at - now).total_seconds()
    lease = getattr(settings, "BACKGROUND_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
    claimed = PeriodicJob.objects.filter(
        name=job.name, last_started_at=row["last_started_at"], lease_until=row["lease_until"]
    ).update(
        task=job.task,
        last_started_at=now,
        lease_until=now + timedelta(seconds=lease),
        runs=F("runs") + 1,
        ran_by=_worker_id(),
    )
    if claimed != 1:  # another process was quicker
        return None, MIN_SCHEDULER_SLEEP
    return now, 0.0


def _run_claimed(job, task, started: datetime) -> JobRun:
    from aftersales.core.models import PeriodicJob

    error = ""
    try:
        result = task.apply()
        if result.failed():
            error = result.traceback or repr(result.result)
    except Exception:  # a failure outside the task itself (e.g. a signal handler)
        error = traceback.format_exc()
    finished = timezone.now()
    if error:
        logger.error("periodic job %s failed:\n%s", job.name, error)
        values = {"last_error": error[-4000:], "failures": F("failures") + 1}
    else:
        values = {"last_error": "", "last_succeeded_at": finished}
    # Only our own run's row: if our lease ran out and someone else started meanwhile,
    # their lease stays.
    PeriodicJob.objects.filter(name=job.name, last_started_at=started).update(
        last_finished_at=finished, lease_until=None, **values
    )
    return JobRun(job.name, started, ok=not error, error=error)


# --- The in-process runner (thread mode) ------------------------------------------------

_STOP = object()


class Runner:
    """A worker thread for enqueued tasks and, optionally, a scheduler thread for the
    periodic jobs, in this process. Exceptions are logged, never fatal to a thread."""

    def __init__(self, *, scheduler: bool = True, first_delay: float = 2.0):
        self.pid = os.getpid()
        self.queue: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.with_scheduler = scheduler
        self.first_delay = first_delay
        self.threads: list[threading.Thread] = []
        self.passes = 0

    def start(self) -> Runner:
        targets: list[tuple[str, Callable[[], None]]] = [("background-worker", self._work)]
        if self.with_scheduler:
            targets.append(("background-scheduler", self._schedule))
        for name, target in targets:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def submit(self, task, args=(), kwargs=None) -> None:
        if self.stopping.is_set():
            raise RuntimeError("the background runner has stopped")
        self.queue.put((task, args, kwargs or {}))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Until every submitted task has run; False if that took longer than `timeout`."""
        deadline = time.monotonic() + timeout
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.queue.all_tasks_done.wait(remaining)
        return True

    def stop(self, timeout: float = 10.0) -> bool:
        """Finish the task at hand, drop the rest, end both threads. True if they ended."""
        self.stopping.set()
        self.queue.put(_STOP)
        for thread in self.threads:
            thread.join(timeout)
        return not any(thread.is_alive() for thread in self.threads)

    def _work(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is _STOP or self.stopping.is_set():
                    return
                task, args, kwargs = item
                close_old_connections()
                run_task(task, args, kwargs, propagate=False)
            except Exception:
                logger.exception("background worker: a task could not run")
            finally:
                self.queue.task_done()
                close_old_connections()
                if item is _STOP:
                    connections.close_all()

    def _schedule(self) -> None:
        delay = self.first_delay
        while not self.stopping.wait(delay):
            try:
                close_old_connections()
                delay = periodic_pass().next_in
                self.passes += 1
            except Exception:
                logger.exception("background scheduler: the periodic jobs could not run")
                delay = MAX_SCHEDULER_SLEEP / 6
            finally:
                close_old_connections()
        connections.close_all()


_runner: Runner | None = None
_runner_lock = threading.Lock()


def start(*, scheduler: bool = True, first_delay: float = 2.0) -> Runner:
    """Start this process's runner (once; again in a forked child). Returns it."""
    global _runner
    with _runner_lock:
        if _runner is None or _runner.pid != os.getpid() or _runner.stopping.is_set():
            _quiet_task_success()
            _runner = Runner(scheduler=scheduler, first_delay=first_delay).start()
            _stop_at_exit()
            logger.info(
                "background work runs in this process (pid %s)%s",
                os.getpid(),
                " with the periodic jobs" if scheduler else "",
            )
        return _runner


_exit_hook_pid: int | None = None


def _stop_at_exit() -> None:
    # runserver's reloader and gunicorn end a process with sys.exit: let a periodic job
    # in progress finish and release its lease, rather than hold it until it runs out.
    global _exit_hook_pid
    if _exit_hook_pid != os.getpid():
        _exit_hook_pid = os.getpid()
        atexit.register(stop, 5.0)


def _quiet_task_success() -> None:
    # Celery logs every task's success at INFO, which is right for a worker's log but
    # drowns a web server's console (a heartbeat a minute); failures are still logged.
    trace = logging.getLogger("celery.app.trace")
    if trace.level == logging.NOTSET:
        trace.setLevel(logging.WARNING)


def runner() -> Runner:
    """This process's runner, started without a scheduler if nothing started one."""
    current = _runner
    if current is not None and current.pid == os.getpid() and not current.stopping.is_set():
        return current
    return start(scheduler=False)


def stop(timeout: float = 10.0) -> bool:
    """Stop this process's runner, if any. True if its threads ended."""
    global _runner
    with _runner_lock:
        current, _runner = _runner, None
    if current is None or current.pid != os.getpid():
        return True
    return current.stop(timeout)


def start_if_needed() -> Runner | None:
    """From `CoreConfig.ready()`: start the runner when this process is in thread mode."""
    if mode() != THREAD:
        return None
    return start(scheduler=True)


def _after_fork_in_child() -> None:
    # Threads do not survive fork (gunicorn --preload loads the app before forking
    # workers): a child whose parent ran a runner starts its own.
    global _runner, _runner_lock
    _runner_lock = threading.Lock()
    parent, _runner = _runner, None
    if parent is not None and not parent.stopping.is_set():
        start(scheduler=parent.with_scheduler, first_delay=parent.first_delay)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
