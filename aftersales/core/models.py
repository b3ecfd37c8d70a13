"""Small shared tables: counters, idempotency keys, periodic jobs and heartbeats."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """A named counter for human-readable numbers such as SR-2026-000123."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class IdempotencyKey(models.Model):
    """Remembers which object a client's retry key created, so a retry returns it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique_key")
        ]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are history and cannot be changed.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are history and cannot be deleted.")


class AppendOnlyModel(models.Model):
    """History rows: written once, never changed or deleted by the application."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are history and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are history and cannot be deleted.")


class PeriodicJob(models.Model):
    """When a periodic job (`aftersales.celery.PERIODIC_JOBS`) last ran here, and its lease.

    Without a broker every web process has a scheduler; the one whose conditional UPDATE
    claims the row runs the job, so it runs once per interval across processes. The
    lease ends when the run finishes, or at `lease_until` if the process died meanwhile.
    """

    name = models.CharField(_("name"), max_length=64, unique=True)
    task = models.CharField(_("task"), max_length=200, blank=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_succeeded_at = models.DateTimeField(_("last succeeded"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    ran_by = models.CharField(_("ran by"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class Heartbeat(models.Model):
    """The last sign of life of something that runs by itself (the scheduler, a worker)."""

    name = models.CharField(_("name"), max_length=64, primary_key=True)
    beat_at = models.DateTimeField(_("last beat"))
    beats = models.PositiveBigIntegerField(_("beats"), default=0)
    host = models.CharField(_("host"), max_length=200, blank=True)
    pid = models.PositiveIntegerField(_("process"), null=True, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name}@{self.beat_at:%Y-%m-%d %H:%M:%S}"
