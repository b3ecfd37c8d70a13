"""Background work: enqueued tasks run after commit, periodic jobs run once per interval
across processes, failures are recorded, and the in-process runner starts and stops."""

import datetime
import threading
import time
from io import StringIO

import pytest
from celery import shared_task
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from aftersales import celery as schedule
from aftersales.core import background
from aftersales.core.models import Heartbeat, PeriodicJob
from aftersales.core.tasks import heartbeat, record_beat
from aftersales.testing.concurrency import needs_postgres, run_together

# --- Test tasks and a schedule made of them ---------------------------------------------

calls: list = []
fail_next: list[str] = []


@shared_task(name="aftersales.core.tests.test_background.note")
def note(*args, **kwargs):
    calls.append((args, kwargs, threading.current_thread().name))
    return "noted"


@shared_task(name="aftersales.core.tests.test_background.flaky")
def flaky():
    if fail_next:
        raise RuntimeError(fail_next.pop())
    return record_beat("flaky")


@pytest.fixture(autouse=True)
def _clean_state(monkeypatch):
    calls.clear()
    fail_next.clear()
    monkeypatch.delenv(schedule.OVERRIDE_VARIABLE, raising=False)
    yield
    background.stop()


@pytest.fixture
def jobs(monkeypatch):
    """Replace the periodic schedule with the given jobs for this test."""

    def use(*entries):
        monkeypatch.setattr(schedule, "PERIODIC_JOBS", tuple(entries))

    return use


MINUTE = datetime.timedelta(minutes=1)
FLAKY = schedule.ScheduledJob("flaky", "aftersales.core.tests.test_background.flaky", MINUTE)
HEARTBEAT = schedule.ScheduledJob("heartbeat", "aftersales.core.tasks.heartbeat", MINUTE)


def rewind(name: str, by: datetime.timedelta) -> None:
    """Pretend the job last started `by` earlier (the interval passed)."""
    row = PeriodicJob.objects.get(name=name)
    row.last_started_at -= by
    row.save(update_fields=["last_started_at"])


# --- Which mode a process uses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "environ", "modules", "expected"),
    [
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, {}, "thread"),
        (["manage.py", "runserver"], {}, {}, "inline"),  # the autoreloader's watcher
        (["manage.py", "runserver", "--noreload"], {}, {}, "thread"),
        (["/srv/venv/bin/gunicorn", "aftersales.wsgi"], {}, {}, "thread"),
        (["python", "-m", "gunicorn"], {}, {"gunicorn.arbiter": object()}, "thread"),
        (["manage.py", "migrate"], {"RUN_MAIN": "true"}, {}, "inline"),
        (["manage.py", "shell"], {}, {}, "inline"),
        (["pytest"], {}, {}, "inline"),
    ],
)
def test_without_a_broker_only_web_servers_run_work_in_threads(
    settings, argv, environ, modules, expected
):
    # given no broker
    settings.CELERY_BROKER_URL = ""

    # then
    assert background.choose_mode(argv, environ, modules) == expected


def test_a_broker_means_celery_and_the_setting_forces_a_mode(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert background.mode() == "celery"

    settings.BACKGROUND_MODE = "thread"
    assert background.mode() == "thread"

    settings.BACKGROUND_MODE = "sometimes"
    with pytest.raises(ImproperlyConfigured, match="celery, thread, inline"):
        background.mode()


def test_tests_run_inline():
    assert background.mode() == "inline"


# --- enqueue -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enqueue_runs_after_commit_not_before(django_capture_on_commit_callbacks):
    # when a task is enqueued inside a transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        background.enqueue(note, 1, colour="red")
        # then it has not run yet
        assert calls == []

    # and it ran (inline, in this thread) once the transaction committed
    assert len(callbacks) == 1
    assert calls == [((1,), {"colour": "red"}, threading.current_thread().name)]


@pytest.mark.django_db
def test_enqueue_in_a_rolled_back_transaction_runs_nothing(django_capture_on_commit_callbacks):
    # when the transaction that enqueued rolls back
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        background.enqueue(note, "never")
        1 / 0  # noqa: B018 - the failure that rolls back

    # then the task never ran
    assert callbacks == []
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_waits_for_a_real_commit():
    # when a task writes a row after a real transaction commits
    with transaction.atomic():
        background.enqueue(record_beat, "after-commit")
        assert not Heartbeat.objects.filter(name="after-commit").exists()

    # then the row is there
    assert Heartbeat.objects.get(name="after-commit").beats == 1

    # and a rolled-back one leaves nothing
    with pytest.raises(RuntimeError), transaction.atomic():
        background.enqueue(record_beat, "rolled-back")
        raise RuntimeError("abort")
    assert not Heartbeat.objects.filter(name="rolled-back").exists()


@pytest.mark.django_db
def test_arguments_travel_as_json_like_to_a_worker(django_capture_on_commit_callbacks):
    # given values a worker would receive through JSON
    day = datetime.date(2026, 11, 1)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        background.enqueue(note, (1, 2), day=day)

    # then the tuple became a list and the date stayed a date, as in Celery
    assert calls[0][:2] == (([1, 2],), {"day": day})


@pytest.mark.django_db
def test_arguments_json_cannot_carry_are_refused_at_once(
    customer, django_capture_on_commit_callbacks
):
    # when a model instance is passed
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TypeError, match="Pass ids, not model instances"),
    ):
        background.enqueue(note, customer)

    # then nothing was queued
    assert callbacks == []


@pytest.mark.django_db
def test_inline_a_failing_task_raises_to_the_code_that_committed(
    django_capture_on_commit_callbacks,
):
    fail_next.append("boom")
    with (
        pytest.raises(RuntimeError, match="boom"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        background.enqueue(flaky)


@pytest.mark.django_db
def test_a_task_can_be_named(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        background.enqueue("aftersales.core.tests.test_background.note", "by name")
    assert calls[0][0] == ("by name",)


@pytest.mark.django_db
def test_with_a_broker_the_task_is_sent_on_commit(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given a broker
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    sent = []
    monkeypatch.setattr(note, "apply_async", lambda **options: sent.append(options))

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        background.enqueue(note, 7, size="L")
        # then nothing is sent before the commit
        assert sent == []
    for callback in callbacks:
        callback()

    # and it is sent to the broker, not run here
    assert sent == [{"args": [7], "kwargs": {"size": "L"}}]
    assert calls == []


@pytest.mark.django_db
def test_with_a_broker_down_the_commit_still_stands(
    settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    def refuse(**options):
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(note, "apply_async", refuse)

    with django_capture_on_commit_callbacks(execute=True):
        background.enqueue(note)

    assert "could not hand aftersales.core.tests.test_background.note to the broker" in (
        caplog.text
    )


# --- The schedule --------------------------------------------------------------------------


def test_the_schedule_holds_every_periodic_job_by_task_name():
    by_name = {job.name: job for job in schedule.PERIODIC_JOBS}
    assert {name: job.task for name, job in by_name.items()} == {
        "deliver-due": "aftersales.notifications.tasks.deliver_due",
        "watch-deadlines": "aftersales.escalations.tasks.watch_deadlines",
        "update-contracts": "aftersales.warranty.tasks.update_contracts",
        "heartbeat": "aftersales.core.tasks.heartbeat",
        "send-surveys": "aftersales.followup.tasks.send_due_surveys",
        "poll-mailboxes": "aftersales.inbox.tasks.poll_mailboxes",
        "quality-reports": "aftersales.analytics.tasks.monthly_reports",
        "warm-quality-figures": "aftersales.analytics.tasks.warm_figures",
        "watch-units": "aftersales.iot.tasks.watch_units",
        "prune-readings": "aftersales.iot.tasks.prune_readings",
        "plan-maintenance": "aftersales.maintenance.tasks.plan_visits",
    }
    assert by_name["poll-mailboxes"].every == MINUTE
    assert by_name["send-surveys"].every == 5 * MINUTE
    assert by_name["deliver-due"].every == datetime.timedelta(seconds=30)
    assert by_name["watch-deadlines"].every == MINUTE
    assert by_name["heartbeat"].every == MINUTE
    assert by_name["quality-reports"].every == datetime.timedelta(hours=1)
    assert by_name["warm-quality-figures"].every == 4 * MINUTE
    assert by_name["watch-units"].every == MINUTE
    assert (by_name["prune-readings"].at, by_name["prune-readings"].tz) == (
        datetime.time(4, 30),
        "Asia/Shanghai",
    )
    assert (by_name["plan-maintenance"].at, by_name["plan-maintenance"].tz) == (
        datetime.time(3, 0),
        "Asia/Shanghai",
    )
    assert (by_name["update-contracts"].at, by_name["update-contracts"].tz) == (
        datetime.time(2, 0),
        "Asia/Shanghai",
    )


def test_the_daily_job_runs_at_two_in_the_morning_shanghai_time():
    job = next(job for job in schedule.PERIODIC_JOBS if job.name == "update-contracts")
    utc = datetime.UTC
    # 01:00 Shanghai is 17:00 UTC the day before
    assert job.next_after(datetime.datetime(2026, 3, 1, 17, 0, tzinfo=utc)) == (
        datetime.datetime(2026, 3, 1, 18, 0, tzinfo=utc)
    )
    # a run at 02:00 sharp is next due a day later
    assert job.next_after(datetime.datetime(2026, 3, 1, 18, 0, tzinfo=utc)) == (
        datetime.datetime(2026, 3, 2, 18, 0, tzinfo=utc)
    )
    # and Celery beat reads the same schedule
    beat = job.celery_schedule()
    assert beat.is_due(timezone.now() - datetime.timedelta(days=1, minutes=1)).is_due
    assert not beat.is_due(timezone.now()).is_due


def test_a_job_whose_task_module_does_not_exist_is_left_out(jobs):
    # given a job whose app has not written its tasks yet
    jobs(HEARTBEAT, schedule.ScheduledJob("later", "aftersales.nowhere.tasks.work", MINUTE))

    # then beat's schedule has only the other one, and importing it did not fail
    assert list(schedule.beat_schedule()) == ["heartbeat"]
    assert schedule.beat_schedule()["heartbeat"]["task"] == "aftersales.core.tasks.heartbeat"


def test_every_scheduled_task_that_exists_is_registered_under_its_scheduled_name():
    # Beat sends a task by name and a worker looks it up by name: a task module that
    # names its task otherwise (`@shared_task(name=...)`) would never run.
    from aftersales.celery import app

    wrong = {}
    for job in schedule.PERIODIC_JOBS:
        if schedule.module_exists(job.module) and background.resolve_task(job.task) is None:
            wrong[job.task] = sorted(
                name for name, task in app.tasks.items() if task.__module__ == job.module
            )
    assert wrong == {}, "scheduled name: names its module registers instead"


def test_the_environment_can_shorten_intervals_for_tests(monkeypatch):
    monkeypatch.setenv(schedule.OVERRIDE_VARIABLE, "heartbeat=1.5, update-contracts=2")
    by_name = {job.name: job for job in schedule.periodic_jobs(include_missing=True)}
    assert by_name["heartbeat"].every == datetime.timedelta(seconds=1.5)
    assert by_name["update-contracts"].every == datetime.timedelta(seconds=2)

    for bad in ("heartbeat", "nobody=1", "heartbeat=0", "heartbeat=soon"):
        with pytest.raises(ValueError, match="PERIODIC_EVERY"):
            schedule.parse_overrides(bad)


# --- Periodic jobs and their lease ----------------------------------------------------------


@pytest.mark.django_db
def test_a_due_job_runs_once_per_interval(jobs):
    jobs(HEARTBEAT)

    # when the scheduler looks twice within a minute
    first = background.run_periodic_now()
    second = background.run_periodic_now()

    # then the job ran once, and its row says so
    assert [(run.name, run.ok) for run in first] == [("heartbeat", True)]
    assert second == []
    row = PeriodicJob.objects.get(name="heartbeat")
    assert (row.runs, row.failures, row.lease_until, row.last_error) == (1, 0, None, "")
    assert row.last_finished_at >= row.last_started_at
    assert row.last_succeeded_at == row.last_finished_at
    assert Heartbeat.objects.get(name="scheduler").beats == 1

    # and once the interval passed it runs again
    rewind("heartbeat", MINUTE)
    assert [run.name for run in background.run_periodic_now()] == ["heartbeat"]
    assert Heartbeat.objects.get(name="scheduler").beats == 2


@pytest.mark.django_db
def test_a_job_held_by_another_process_does_not_run_even_forced(jobs):
    jobs(HEARTBEAT)
    # given another process started it and holds the lease
    PeriodicJob.objects.create(
        name="heartbeat",
        last_started_at=timezone.now() - 2 * MINUTE,
        lease_until=timezone.now() + MINUTE,
    )

    # then nobody else runs it
    assert background.run_periodic_now() == []
    assert background.run_periodic_now("heartbeat", force=True) == []

    # and when that process died and its lease ran out, the next pass takes over
    PeriodicJob.objects.filter(name="heartbeat").update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert [run.name for run in background.run_periodic_now()] == ["heartbeat"]
    assert PeriodicJob.objects.get(name="heartbeat").lease_until is None


@pytest.mark.django_db
def test_forcing_a_job_runs_it_before_its_time(jobs):
    jobs(HEARTBEAT)
    background.run_periodic_now()

    runs = background.run_periodic_now("heartbeat", force=True)

    assert [run.name for run in runs] == ["heartbeat"]
    assert PeriodicJob.objects.get(name="heartbeat").runs == 2


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_runs_again_next_interval(jobs):
    jobs(FLAKY, HEARTBEAT)
    fail_next.append("the mail server is down")

    # when the job fails
    runs = background.run_periodic_now()

    # then the failure is recorded, the lease released, and the other job still ran
    assert [(run.name, run.ok) for run in runs] == [("flaky", False), ("heartbeat", True)]
    assert "the mail server is down" in runs[0].error
    row = PeriodicJob.objects.get(name="flaky")
    assert (row.runs, row.failures, row.lease_until) == (1, 1, None)
    assert "RuntimeError: the mail server is down" in row.last_error
    assert row.last_succeeded_at is None

    # and it waits for its next interval, then runs (and succeeds) again
    assert background.run_periodic_now("flaky") == []
    rewind("flaky", MINUTE)
    assert [(run.name, run.ok) for run in background.run_periodic_now("flaky")] == [("flaky", True)]
    row.refresh_from_db()
    assert (row.runs, row.failures, row.last_error) == (2, 1, "")
    assert row.last_succeeded_at == row.last_finished_at


@pytest.mark.django_db
def test_a_job_whose_task_does_not_exist_yet_is_skipped(jobs):
    jobs(schedule.ScheduledJob("later", "aftersales.nowhere.tasks.work", MINUTE), HEARTBEAT)

    assert [run.name for run in background.run_periodic_now()] == ["heartbeat"]
    assert not PeriodicJob.objects.filter(name="later").exists()


@pytest.mark.django_db
def test_an_unknown_job_name_is_refused(jobs):
    jobs(HEARTBEAT)
    with pytest.raises(LookupError, match="no periodic job called nightly; the jobs are heartbeat"):
        background.run_periodic_now("nightly")
    assert not PeriodicJob.objects.exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_claiming_the_same_job_run_it_once(jobs):
    jobs(HEARTBEAT)

    # when four schedulers look at the same moment, twice over
    results = run_together(lambda: background.run_periodic_now(), [()] * 4)
    results += run_together(lambda: background.run_periodic_now(), [()] * 4)

    # then exactly one of them ran it
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == []
    assert sum(len(runs) for runs in results) == 1
    assert PeriodicJob.objects.get(name="heartbeat").runs == 1
    assert Heartbeat.objects.get(name="scheduler").beats == 1


# --- The in-process runner (thread mode) -----------------------------------------------------


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_runs_enqueued_and_periodic_work_and_stops(settings, jobs):
    # given a web process without a broker, whose heartbeat is due every fifth of a second
    settings.BACKGROUND_MODE = "thread"
    jobs(schedule.ScheduledJob("heartbeat", HEARTBEAT.task, datetime.timedelta(seconds=0.2)))
    runner = background.start_if_needed()
    assert runner is not None and runner.with_scheduler

    # when a task is enqueued (and the transaction commits)
    with transaction.atomic():
        background.enqueue(note, "in a thread")
        background.enqueue(record_beat, "threaded")

    # then the worker thread ran both
    assert runner.wait_idle(10)
    assert calls == [(("in a thread",), {}, "background-worker")]
    assert Heartbeat.objects.filter(name="threaded").exists()

    # and the scheduler thread keeps the heartbeat going
    assert wait_for(lambda: Heartbeat.objects.filter(name="scheduler", beats__gte=2).exists())

    # and a failing task does not stop the worker
    fail_next.append("one bad task")
    background.enqueue(flaky)
    background.enqueue(note, "after the failure")
    assert runner.wait_idle(10)
    assert calls[-1][0] == ("after the failure",)

    # when it is stopped, both threads end
    assert background.stop(10)
    assert not any(thread.is_alive() for thread in runner.threads)


@pytest.mark.django_db(transaction=True)
def test_the_runner_starts_once_per_process(settings):
    settings.BACKGROUND_MODE = "thread"
    first = background.start_if_needed()
    assert background.start_if_needed() is first
    assert background.runner() is first
    assert background.stop()


def test_other_modes_start_no_threads(settings):
    assert background.start_if_needed() is None
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert background.start_if_needed() is None


# --- The tasks and the command ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_heartbeat_records_when_and_where_it_ran():
    before = timezone.now()
    heartbeat.apply()
    heartbeat.apply()
    beat = Heartbeat.objects.get(name="scheduler")
    assert beat.beats == 2
    assert beat.beat_at >= before
    assert beat.pid and beat.host


@pytest.mark.django_db
def test_run_periodic_runs_what_is_due_and_says_so(jobs):
    jobs(HEARTBEAT)
    out = StringIO()

    call_command("run_periodic", stdout=out)
    call_command("run_periodic", stdout=out)  # not due again yet

    assert out.getvalue() == "heartbeat: done.\n"


@pytest.mark.django_db
def test_run_periodic_reports_a_failed_job(jobs):
    jobs(FLAKY)
    fail_next.append("disk full")
    err = StringIO()

    with pytest.raises(CommandError, match="A periodic job failed"):
        call_command("run_periodic", "flaky", stderr=err)

    assert err.getvalue() == "flaky: failed: RuntimeError: disk full\n"


@pytest.mark.django_db
def test_run_periodic_refuses_unknown_names_and_force_without_names(jobs):
    jobs(HEARTBEAT)
    with pytest.raises(CommandError, match="no periodic job called nightly"):
        call_command("run_periodic", "nightly")
    with pytest.raises(CommandError, match="--force needs the names"):
        call_command("run_periodic", "--force")
    assert not PeriodicJob.objects.exists()
