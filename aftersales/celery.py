"""The Celery app and the one table of periodic jobs.

With a broker (`CELERY_BROKER_URL`), `celery -A aftersales worker` runs tasks and
`celery -A aftersales beat` sends the periodic ones (see README, "Background work").
Without one, `aftersales.core.background` runs the same tasks, and the same periodic
jobs from `PERIODIC_JOBS` below, inside the web process.

Tasks are named by their module path (`@shared_task` in each app's `tasks.py`). A job
whose task module does not exist (yet) is left out of the schedule with a warning
instead of breaking the worker, beat or the web process.
"""

from __future__ import annotations

import datetime
import importlib.util
import logging
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from celery import Celery
from celery.schedules import BaseSchedule, schedstate
from celery.schedules import schedule as every_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

logger = logging.getLogger(__name__)

app = Celery("aftersales")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# --- Schedules -------------------------------------------------------------------------


class daily(BaseSchedule):  # noqa: N801 - named like Celery's own `schedule` and `crontab`
    """Once a day at `hour:minute` wall-clock time in `tz`, whatever the app's time zone.

    A Celery schedule (beat calls `is_due`), and `next_after` for the in-process scheduler.
    """

    def __init__(self, hour: int, minute: int = 0, tz: str = "Asia/Shanghai", **kwargs):
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError(f"not a time of day: {hour:02d}:{minute:02d}")
        super().__init__(**kwargs)
        self.hour, self.minute, self.tz_name = hour, minute, tz
        self.zone = ZoneInfo(tz)

    def next_after(self, moment: datetime.datetime) -> datetime.datetime:
        """The first time of day strictly after `moment` (an aware datetime)."""
        local = moment.astimezone(self.zone)
        candidate = local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate = (candidate + datetime.timedelta(days=1)).replace(
                hour=self.hour, minute=self.minute
            )
        return candidate

    def remaining_estimate(self, last_run_at: datetime.datetime) -> datetime.timedelta:
        now = self.maybe_make_aware(self.now())
        return self.next_after(self.maybe_make_aware(last_run_at)) - now

    def is_due(self, last_run_at: datetime.datetime) -> schedstate:
        remaining = self.remaining_estimate(last_run_at).total_seconds()
        if remaining <= 0:
            now = self.maybe_make_aware(self.now())
            return schedstate(is_due=True, next=(self.next_after(now) - now).total_seconds())
        return schedstate(is_due=False, next=remaining)

    def __repr__(self) -> str:
        return f"<daily at {self.hour:02d}:{self.minute:02d} {self.tz_name}>"

    def __eq__(self, other) -> bool:
        if isinstance(other, daily):
            return (self.hour, self.minute, self.tz_name) == (
                other.hour,
                other.minute,
                other.tz_name,
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.hour, self.minute, self.tz_name))

    def __reduce__(self):
        return self.__class__, (self.hour, self.minute, self.tz_name)


@dataclass(frozen=True)
class ScheduledJob:
    """One line of the schedule: run `task` every `every`, or daily at `at` (in `tz`)."""

    name: str
    task: str
    every: datetime.timedelta | None = None
    at: datetime.time | None = None
    tz: str = "Asia/Shanghai"

    def __post_init__(self):
        if (self.every is None) == (self.at is None):
            raise ValueError(f"{self.name}: give either `every` or `at`")
        if self.every is not None and self.every.total_seconds() <= 0:
            raise ValueError(f"{self.name}: `every` must be positive")

    @property
    def module(self) -> str:
        return self.task.rpartition(".")[0]

    def next_after(self, moment: datetime.datetime) -> datetime.datetime:
        """When the job is due again after a run that started at `moment`."""
        if self.every is not None:
            return moment + self.every
        return self.celery_schedule().next_after(moment)

    def celery_schedule(self) -> BaseSchedule:
        if self.every is not None:
            return every_schedule(run_every=self.every, app=app)
        return daily(self.at.hour, self.at.minute, self.tz, app=app)

    def with_every(self, seconds: float) -> ScheduledJob:
        return ScheduledJob(self.name, self.task, every=datetime.timedelta(seconds=seconds))


# The periodic jobs, by name. Every task is idempotent: running one twice, or late, is safe.
PERIODIC_JOBS: tuple[ScheduledJob, ...] = (
    # Outbound messages (email, SMS, webhooks) whose time has come, with retries.
    ScheduledJob(
        "deliver-due",
        "aftersales.notifications.tasks.deliver_due",
        every=datetime.timedelta(seconds=30),
    ),
    # Response and resolution deadlines: warn, breach, escalate.
    ScheduledJob(
        "watch-deadlines",
        "aftersales.escalations.tasks.watch_deadlines",
        every=datetime.timedelta(seconds=60),
    ),
    # Contracts: accepted → active when they start, active → expired / renewed when they end.
    ScheduledJob(
        "update-contracts",
        "aftersales.warranty.tasks.update_contracts",
        at=datetime.time(2, 0),
        tz="Asia/Shanghai",
    ),
    # Follow-ups by message whose day has come: send the survey link.
    ScheduledJob(
        "send-surveys",
        "aftersales.followup.tasks.send_due_surveys",
        every=datetime.timedelta(minutes=5),
    ),
    # New mail in the mailboxes read over IMAP (the SMTP receiver needs no polling).
    ScheduledJob(
        "poll-mailboxes",
        "aftersales.inbox.tasks.poll_mailboxes",
        every=datetime.timedelta(seconds=60),
    ),
    # Monthly quality reports: last month's per center made and mailed once the month is
    # over (a run that finds them done does nothing), failed mails retried.
    ScheduledJob(
        "quality-reports",
        "aftersales.analytics.tasks.monthly_reports",
        every=datetime.timedelta(hours=1),
    ),
    # The quality dashboard's first view computed ahead (kept ANALYTICS_FIGURES_SECONDS,
    # 300 by default: recomputed a little more often than that).
    ScheduledJob(
        "warm-quality-figures",
        "aftersales.analytics.tasks.warm_figures",
        every=datetime.timedelta(seconds=240),
    ),
    # Remote monitoring: units silent too long, readings out of range for a rule's duration.
    ScheduledJob(
        "watch-units",
        "aftersales.iot.tasks.watch_units",
        every=datetime.timedelta(seconds=60),
    ),
    # Remote monitoring: readings older than IOT_KEEP_READINGS_DAYS deleted.
    ScheduledJob(
        "prune-readings",
        "aftersales.iot.tasks.prune_readings",
        at=datetime.time(4, 30),
        tz="Asia/Shanghai",
    ),
    # Preventive maintenance: visits of the coming weeks generated for covered units.
    ScheduledJob(
        "plan-maintenance",
        "aftersales.maintenance.tasks.plan_visits",
        at=datetime.time(3, 0),
        tz="Asia/Shanghai",
    ),
    # "The scheduler is alive": core.Heartbeat("scheduler") shows when it last ran.
    ScheduledJob(
        "heartbeat",
        "aftersales.core.tasks.heartbeat",
        every=datetime.timedelta(seconds=60),
    ),
)

# PERIODIC_EVERY="heartbeat=1,deliver-due=5" runs those jobs every so many seconds instead
# (for tests and demos that cannot wait a minute, or a day).
OVERRIDE_VARIABLE = "PERIODIC_EVERY"


def parse_overrides(text: str) -> dict[str, float]:
    """`name=seconds` pairs, separated by commas; an unknown name or a bad number raises."""
    known = {job.name for job in PERIODIC_JOBS}
    overrides = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in known:
            raise ValueError(
                f"{OVERRIDE_VARIABLE}: {part!r} is not name=seconds with a name of "
                f"{', '.join(sorted(known))}"
            )
        try:
            seconds = float(value)
        except ValueError:
            seconds = 0
        if seconds <= 0:
            raise ValueError(f"{OVERRIDE_VARIABLE}: {part!r} needs a positive number of seconds")
        overrides[name] = seconds
    return overrides


def module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def periodic_jobs(include_missing: bool = False) -> list[ScheduledJob]:
    """The schedule in force: `PERIODIC_JOBS` with the environment's overrides, leaving
    out (with a warning) jobs whose task module does not exist, unless `include_missing`."""
    overrides = parse_overrides(os.environ.get(OVERRIDE_VARIABLE, ""))
    jobs = []
    for job in PERIODIC_JOBS:
        if job.name in overrides:
            job = job.with_every(overrides[job.name])
        if not include_missing and not module_exists(job.module):
            logger.info("periodic job %s left out: no module %s", job.name, job.module)
            continue
        jobs.append(job)
    return jobs


def beat_schedule() -> dict[str, dict]:
    """The schedule as Celery beat reads it (`beat_schedule` setting)."""
    return {
        job.name: {
            "task": job.task,
            "schedule": job.celery_schedule(),
            # A job that could not run for a whole interval is dropped, not piled up.
            "options": {"expires": _expiry(job)},
        }
        for job in periodic_jobs()
    }


def _expiry(job: ScheduledJob) -> float:
    if job.every is not None:
        return max(job.every.total_seconds(), 1.0)
    return 6 * 3600.0


app.conf.beat_schedule = beat_schedule()
