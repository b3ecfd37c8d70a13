"""The service network: service centers and the places they cover, technicians with their
skills, absences and last known position. Visits and dispatch build on these."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import Role


class ServiceCenter(models.Model):
    class Kind(models.TextChoices):
        OWN = "own", _("Own service center")
        PARTNER = "partner", _("Authorised partner")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OWN)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("center manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_centers",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("As customers read it, e.g. 周一至周六 9:00–18:00."),
    )
    daily_capacity = models.PositiveIntegerField(
        _("daily capacity"), default=0, help_text=_("Visits the center can make a day.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = _("A latitude is between -90 and 90.")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = _("A longitude is between -180 and 180.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if errors:
            raise ValidationError(errors)


class CenterCoverage(models.Model):
    """A city, or a district of it, that a center serves. No district: the whole city."""

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service center"), on_delete=models.CASCADE,
        related_name="coverage",
    )  # fmt: skip
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50)
    district = models.CharField(_("district"), max_length=50, blank=True)

    class Meta:
        ordering = ["province", "city", "district"]
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["center", "city", "district"], name="field_coverage_unique_per_center"
            )
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.province, self.city, self.district) if part)


class Technician(models.Model):
    """A person who makes visits: a technician of ours or a partner's staff member."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
        related_name="technician",
    )  # fmt: skip
    home_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("home center"), on_delete=models.PROTECT,
        related_name="technicians",
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("working calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="technicians",
        help_text=_("Empty: the center's usual working days."),
    )
    start_latitude = models.DecimalField(
        _("start latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        help_text=_("Where the working day starts. Empty: the home center."),
    )  # fmt: skip
    start_longitude = models.DecimalField(
        _("start longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    last_latitude = models.DecimalField(
        _("last latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    last_longitude = models.DecimalField(
        _("last longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    last_seen_at = models.DateTimeField(_("last check-in"), null=True, blank=True)

    class Meta:
        ordering = ["home_center__code", "user__username"]
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def start_point(self):
        """(latitude, longitude) where the day starts, or None when nothing is known."""
        if self.start_latitude is not None and self.start_longitude is not None:
            return (self.start_latitude, self.start_longitude)
        center = self.home_center
        if center.latitude is not None and center.longitude is not None:
            return (center.latitude, center.longitude)
        return None

    def clean(self) -> None:
        super().clean()
        errors = {}
        user = self.user if self.user_id else None
        if user is not None and user.role not in (Role.TECHNICIAN, Role.PARTNER):
            errors["user"] = _("Only technicians and partner staff can have a technician profile.")
        if (
            user is not None
            and self.home_center_id
            and user.service_center_id
            and user.service_center_id != self.home_center_id
        ):
            errors["home_center"] = _("This person belongs to another service center.")
        if (self.start_latitude is None) != (self.start_longitude is None):
            errors["start_longitude"] = _("Give both latitude and longitude, or neither.")
        if self.start_latitude is not None and not -90 <= self.start_latitude <= 90:
            errors["start_latitude"] = _("A latitude is between -90 and 90.")
        if self.start_longitude is not None and not -180 <= self.start_longitude <= 180:
            errors["start_longitude"] = _("A longitude is between -180 and 180.")
        if errors:
            raise ValidationError(errors)


class SkillLevel(models.IntegerChoices):
    TRAINEE = 1, _("Trainee")
    CERTIFIED = 2, _("Certified")
    SENIOR = 3, _("Senior")
    EXPERT = 4, _("Expert")


class TechnicianSkill(models.Model):
    """A technician may work on a product category (and its sub-categories) at a level."""

    technician = models.ForeignKey(
        Technician, verbose_name=_("technician"), on_delete=models.CASCADE,
        related_name="skills",
    )  # fmt: skip
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("product category"), on_delete=models.PROTECT,
        related_name="technician_skills",
    )  # fmt: skip
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, default=SkillLevel.CERTIFIED
    )
    certified_until = models.DateField(_("certified until"), null=True, blank=True)

    class Meta:
        ordering = ["category__code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(
                fields=["technician", "category"], name="field_skill_once_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.get_level_display()})"


class Absence(models.Model):
    class Reason(models.TextChoices):
        SICK = "sick", _("Sick")
        LEAVE = "leave", _("Leave")
        TRAINING = "training", _("Training")
        OTHER = "other", _("Other")

    technician = models.ForeignKey(
        Technician, verbose_name=_("technician"), on_delete=models.CASCADE,
        related_name="absences",
    )  # fmt: skip
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="field_absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.technician}: {self.starts_on}–{self.ends_on}"

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
