"""Training (issue 10, seed 000: training at several levels; seed 003: training reduces the
faults that come from wrong use, 操作不当).

A `Course` is what we teach, to whom and how; a `Session` is one time it is given, with
seats; an `Enrolment` puts a customer's contact or one of our technicians on a session
and records what they paid (or the contract that includes it), whether they came and
how they did; a `Certificate` is issued to those who passed. A technician's certificate
raises their `field.TechnicianSkill`, each raise kept in `SkillRaise` (append-only).
`CourseSuggestion` remembers which course was suggested on which request, once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import AppendOnlyModel
from aftersales.field.models import SkillLevel


class Audience(models.TextChoices):
    """Seed 000's five levels of training, from the boardroom to the help desk."""

    EXECUTIVES = "executives", _("Executives")
    MANAGERS = "managers", _("Department managers")
    IT_STAFF = "it_staff", _("IT staff")
    OPERATORS = "operators", _("Operators and users")
    SUPPORT = "support", _("Support staff")


class Delivery(models.TextChoices):
    """Seed 000: at a central place, at the customer's site, or as printed material; and
    online."""

    CENTER = "center", _("At our training center")
    ONSITE = "onsite", _("At the customer's site")
    ONLINE = "online", _("Online")
    PRINTED = "printed", _("Printed material")


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(
        pgettext_lazy("training course", "audience"), max_length=12, choices=Audience.choices
    )
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=5, decimal_places=1)
    price = models.DecimalField(
        _("price per participant"), max_digits=10, decimal_places=2, default=0
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    included_in_plans = models.ManyToManyField(
        "warranty.ServicePlan",
        verbose_name=_("included in service plans"),
        blank=True,
        related_name="training_courses",
        help_text=_("Customers with an active contract of these plans attend free of charge."),
    )
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_courses",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=pgettext_lazy("product model", "model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_courses",
    )
    certifies_level = models.PositiveSmallIntegerField(
        _("certifies skill level"),
        choices=SkillLevel.choices,
        null=True,
        blank=True,
        help_text=_("Technicians who pass reach this level in the course's category."),
    )
    description = models.TextField(pgettext_lazy("training course", "description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", pgettext_lazy("training session", "Open for enrolment")
    FULL = "full", pgettext_lazy("training session", "Full")
    HELD = "held", pgettext_lazy("training session", "Held")
    CANCELLED = "cancelled", pgettext_lazy("training session", "Cancelled")


# Sessions people may still be put on. A planned session is not announced yet: a planner
# opens it for enrolment when its details are settled.
ENROLLING = (SessionStatus.OPEN,)


class Session(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    center = models.ForeignKey(
        "field.ServiceCenter",
        verbose_name=_("service center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    seats = models.PositiveIntegerField(_("seats"))
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="training_session_has_seats"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="training_session_when")]

    def __str__(self) -> str:
        return f"{self.course} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        """Seats still free; reads the `taken` annotation of `selectors.sessions` if there."""
        taken = getattr(self, "taken", None)
        if taken is None:
            taken = self.enrolments.count()
        return max(0, self.seats - taken)

    @property
    def place(self) -> str:
        parts = [str(self.center) if self.center_id else "", self.address, self.online_link]
        return " — ".join(p for p in parts if p)


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


class Result(models.TextChoices):
    NONE = "", _("No result")
    PASSED = "passed", _("Passed")
    FAILED = "failed", pgettext_lazy("training result", "Failed")


class Enrolment(models.Model):
    """A customer's contact or one of our technicians on a session (exactly one of them)."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="enrolments"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
    )
    # The contact's customer, kept so the impact figures group without a join.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
    )
    technician = models.ForeignKey(
        "field.Technician",
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
    )
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    contract = models.ForeignKey(
        "warranty.ServiceContract",
        verbose_name=_("included in contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
    )
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, blank=True, default=""
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(contact__isnull=False) & Q(technician__isnull=True))
                | (Q(contact__isnull=True) & Q(technician__isnull=False)),
                name="training_enrolment_one_person",
            ),
            models.UniqueConstraint(
                fields=["session", "contact"],
                condition=Q(contact__isnull=False),
                name="training_contact_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["session", "technician"],
                condition=Q(technician__isnull=False),
                name="training_technician_once_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "attendance"], name="training_enrol_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.session}"

    @property
    def person(self):
        return self.contact if self.contact_id else self.technician

    @property
    def person_kind(self) -> str:
        return str(_("Contact") if self.contact_id else _("Technician"))


class Certificate(models.Model):
    number = models.CharField(
        pgettext_lazy("certificate", "number"), max_length=32, unique=True, editable=False
    )
    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.number


class SkillRaise(AppendOnlyModel):
    """A technician's skill created or raised by a certificate: the history dispatch's
    skills do not keep themselves."""

    technician = models.ForeignKey(
        "field.Technician", on_delete=models.PROTECT, related_name="skill_raises"
    )
    category = models.ForeignKey("catalog.Category", on_delete=models.PROTECT, related_name="+")
    from_level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, null=True)
    to_level = models.PositiveSmallIntegerField(choices=SkillLevel.choices)
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="skill_raises"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class CourseSuggestion(models.Model):
    """A course suggested to the customer on an operation-error request (once per pair)."""

    request = models.ForeignKey(
        "service.ServiceRequest", on_delete=models.PROTECT, related_name="course_suggestions"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="suggestions")
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    suggested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "course"], name="training_suggest_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.course_id}"
