"""Service levels: business calendars and their holidays, city tiers, SLA policies and targets.

The deadline arithmetic is `sla.engine`; the rules for changing these tables and the
deadlines a request gets are `sla.services`.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

MIDNIGHT = datetime.time(0, 0)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Tier(models.TextChoices):
    TIER1 = "tier1", _("Tier 1")
    TIER2 = "tier2", _("Tier 2")
    TIER3 = "tier3", _("Tier 3")
    COUNTY = "county", _("County")


# A city that is not listed.
OTHER_TIER = "other"
TIER_LABELS = {**dict(Tier.choices), OTHER_TIER: _("Other")}


class Priority(models.TextChoices):
    """The same values as `aftersales.service.choices.Priority` (lower apps do not import
    `service`)."""

    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Most urgent first, as the pages list the targets.
PRIORITY_ORDER = [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]


def valid_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(zone)s is not a time zone; use a name such as Asia/Shanghai.") % {"zone": value},
            code="time_zone",
        ) from None


class BusinessCalendar(models.Model):
    """When the clocks of a policy run: working hours per weekday, days off, 调休."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[valid_time_zone]
    )
    always_open = models.BooleanField(
        _("open around the clock (24×7)"),
        default=False,
        help_text=_("Every hour of every day counts, except days entered below as days off."),
    )
    use_china_holidays = models.BooleanField(
        _("use China's public holidays"),
        default=False,
        help_text=_(
            "Public holidays are days off and adjusted working days (调休) are working days, "
            "from the holiday data shipped with the application."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class WorkingPeriod(models.Model):
    """Working hours on one weekday; several per day (09:00–12:00, 13:00–18:00).

    An end of 00:00 means midnight at the end of the day.
    """

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="sla_period_weekday"),
            models.CheckConstraint(
                condition=Q(starts__lt=F("ends")) | Q(ends=MIDNIGHT),
                name="sla_period_starts_before_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def end_minute(self) -> int:
        """Minutes from the day's start to the period's end (1440 for midnight)."""
        if self.ends == MIDNIGHT:
            return 24 * 60
        return self.ends.hour * 60 + self.ends.minute

    @property
    def start_minute(self) -> int:
        return self.starts.hour * 60 + self.starts.minute


class CalendarDay(models.Model):
    """A day a manager entered: a day off (国庆节) or a working day (调休上班).

    It overrides the holiday data, and is the only source for a year the data lacks.
    """

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_one_entry_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}".strip()


class CityTier(models.Model):
    """How big a city is for the on-site promise; cities not listed are "other"."""

    city = models.CharField(
        _("city"), max_length=50, unique=True, help_text=_("Without a trailing 市, e.g. 北京.")
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)

    class Meta:
        ordering = ["tier", "city"]
        verbose_name = _("city tier")
        verbose_name_plural = _("city tiers")

    def __str__(self) -> str:
        return f"{self.city} ({self.get_tier_display()})"


class SlaPolicy(models.Model):
    """What a service plan promises (or, with no plan, every other request): targets per
    priority on a calendar, when the clocks pause, the on-site and update clocks."""

    name = models.CharField(_("name"), max_length=100)
    plan = models.ForeignKey(
        "warranty.ServicePlan",
        verbose_name=_("service plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_policies",
        help_text=_("Leave empty for the default policy: requests without a plan."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    pause_on_waiting_customer = models.BooleanField(
        _("pause while waiting on the customer"), default=True
    )
    pause_on_waiting_parts = models.BooleanField(_("pause while waiting on parts"), default=False)
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn when this share of the time is used (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    update_every_hours = models.PositiveIntegerField(
        _("update the customer at least every (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "The longest silence towards the customer while the request is open, in clock "
            "hours. Empty: no update clock."
        ),
    )
    onsite_hours_tier1 = models.PositiveIntegerField(
        _("on-site arrival in tier-1 cities (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
    )
    onsite_hours_other = models.PositiveIntegerField(
        _("on-site arrival elsewhere (hours)"), default=48, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            # One policy per plan, and one default (no plan): NULL plans count as plan 0.
            models.UniqueConstraint(
                Coalesce("plan", Value(0)), name="sla_one_policy_per_plan_and_one_default"
            ),
            models.CheckConstraint(
                condition=Q(warn_at_percent__gte=1, warn_at_percent__lte=100),
                name="sla_warn_at_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_default(self) -> bool:
        return self.plan_id is None


class SlaTarget(models.Model):
    """Response and resolution targets of a policy for one priority, in business minutes."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(
        _("first response (business minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "priority"], name="sla_one_target_per_priority"
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_priority_display()}"


class ConfigVersion(models.Model):
    """One row whose token changes whenever anything above changes (`sla.config`).

    Cached configuration is keyed by the token, so a change anywhere is seen at once by
    every process that shares the cache, and a rolled-back change never is.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("SLA configuration version")
        verbose_name_plural = _("SLA configuration versions")

    def __str__(self) -> str:
        return self.token
