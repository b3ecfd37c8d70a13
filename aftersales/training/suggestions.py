"""Operation errors → training (seed 003: training reduces the faults that come from wrong
use, 操作不当). On a request diagnosed as an operation error, the courses for operators of
the unit's model or category can be suggested to the customer: a message with the course
and its coming sessions through the outbox, in the customer's language, and a line on the
request's timeline; once per request and course.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import role_of
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.notifications.services import notify
from aftersales.service.choices import Diagnosis, EventKind, Visibility
from aftersales.service.models import TimelineEvent
from aftersales.training.models import (
    ENROLLING,
    Audience,
    Course,
    CourseSuggestion,
    Session,
)
from aftersales.training.services import BACK_OFFICE

SESSIONS_SHOWN = 3


def can_suggest(user) -> bool:
    return role_of(user) in BACK_OFFICE


def _categories(category) -> list[int]:
    """The category and the ones above it: a course for 空调 covers a 分体空调."""
    ids, seen = [], 0
    while category is not None and seen < 10:  # a bounded walk: categories are shallow
        ids.append(category.pk)
        category, seen = category.parent, seen + 1
    return ids


def upcoming_sessions():
    return Session.objects.filter(status__in=ENROLLING, starts_at__gte=timezone.now()).order_by(
        "starts_at"
    )


def courses_for(service_request) -> list[Course]:
    """Active courses for operators that fit the request's unit (its model, its category
    or a category above it, or no product at all), each with `suggested` and
    `coming` (its next sessions). Empty unless the diagnosis is an operation error."""
    if service_request.diagnosis != Diagnosis.OPERATION:
        return []
    fits = Q(category__isnull=True, product__isnull=True)
    unit = service_request.unit
    if unit is not None:
        product = unit.product
        fits |= Q(product=product) | Q(product__isnull=True, category__in=_categories(
            product.category))  # fmt: skip
    suggested = CourseSuggestion.objects.filter(request=service_request, course=OuterRef("pk"))
    courses = (
        Course.objects.filter(fits, active=True, audience=Audience.OPERATORS)
        .annotate(suggested=Exists(suggested))
        .prefetch_related(Prefetch("sessions", upcoming_sessions(), to_attr="upcoming"))
        .order_by("title")[:20]
    )
    return list(courses)


def course_details(course: Course, sessions) -> str:
    """The course and its coming sessions for the message, in the active language (the
    message template says the rest)."""
    lines = [
        gettext("%(hours)s hours, %(delivery)s.")
        % {"hours": course.duration_hours, "delivery": course.get_delivery_display()}
    ]
    if course.description:
        lines.append(course.description)
    if sessions:
        lines.append(gettext("Coming sessions:"))
        for s in sessions:
            when = timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M")
            lines.append(f"- {when} {s.place}")
    else:
        lines.append(gettext("We will tell you the dates of the next sessions."))
    return "\n".join(lines)


@transaction.atomic
def suggest(service_request, course: Course, *, actor) -> CourseSuggestion:
    if not can_suggest(actor):
        raise NotAllowed(_("Only the service team may suggest training to customers."))
    if service_request.diagnosis != Diagnosis.OPERATION:
        raise DomainError(_("Courses are suggested on requests diagnosed as an operation error."))
    if course.pk not in {c.pk for c in courses_for(service_request)}:
        raise DomainError(_("This course is not for this request's product."))
    try:
        with transaction.atomic():
            suggestion = CourseSuggestion.objects.create(
                request=service_request, course=course, suggested_by=actor
            )
    except IntegrityError as error:
        raise Conflict(_("This course was already suggested on this request.")) from error
    sessions = list(upcoming_sessions().filter(course=course).select_related("center")[:3])
    customer = service_request.customer
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        details = course_details(course, sessions)
    notify(
        "course_suggested",
        request=service_request,
        customer=customer,
        context={"course_title": course.title, "course_details": details},
        dedupe_key=f"training-suggest:{service_request.pk}:{course.pk}",
    )
    TimelineEvent.objects.create(
        request=service_request,
        kind=EventKind.COMMENT,
        visibility=Visibility.INTERNAL,
        actor=actor,
        body=gettext("Course suggested to the customer: %(title)s") % {"title": course.title},
        data={"training_course": course.pk},
    )
    return suggestion
