"""Training rules: who plans, enrols and marks; planning courses and sessions; enrolling
under the seat limit; attendance and results; certificates and the skills they raise.

Managers, administrators and agents plan courses and sessions and enrol people; the
session's trainer (any staff user) and those planners mark attendance and results.
Each use case checks first and then writes, in one transaction; nothing is written when
a rule refuses.
"""

import datetime
import decimal
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import Role, role_of
from aftersales.core.counters import next_value
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.field.models import TechnicianSkill
from aftersales.training.models import (
    ENROLLING,
    Attendance,
    Certificate,
    Course,
    Enrolment,
    Result,
    Session,
    SessionStatus,
    SkillRaise,
)
from aftersales.warranty.models import ContractStatus, ServiceContract

PLANNERS = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT})
BACK_OFFICE = PLANNERS | {Role.DISPATCHER}
MAX_SCORE = decimal.Decimal(100)


# --- who may -------------------------------------------------------------------------


def can_plan(user) -> bool:
    """Plan courses and sessions, enrol people, issue certificates."""
    return role_of(user) in PLANNERS


def can_view(user) -> bool:
    """The training pages: the back office, and technicians for their own training."""
    return role_of(user) in BACK_OFFICE | {Role.TECHNICIAN, Role.PARTNER}


def can_view_session(user, session: Session) -> bool:
    return role_of(user) in BACK_OFFICE or is_trainer(user, session)


def is_trainer(user, session: Session) -> bool:
    return bool(
        session.trainer_id
        and role_of(user) not in (None, Role.CUSTOMER)
        and session.trainer_id == user.pk
    )


def can_mark(user, session: Session) -> bool:
    """Attendance and results: the planners and the session's own trainer."""
    return can_plan(user) or is_trainer(user, session)


def check_plan(user) -> None:
    if not can_plan(user):
        raise NotAllowed(_("Only managers, administrators and agents may plan training."))


def check_mark(user, session: Session) -> None:
    if not can_mark(user, session):
        raise NotAllowed(_("Only the trainer and the training planners may record attendance."))


def can_download(user, certificate: Certificate) -> bool:
    """Staff who see training; the technician it was issued to; the contact's customer
    logins (all of them for a person, the contact's own login for a company)."""
    role = role_of(user)
    enrolment = certificate.enrolment
    if role in BACK_OFFICE:
        return True
    if role in (Role.TECHNICIAN, Role.PARTNER):
        technician = enrolment.technician
        return bool(technician and technician.user_id == user.pk) or is_trainer(
            user, enrolment.session
        )
    if role == Role.CUSTOMER and enrolment.customer_id == user.customer_id:
        return not user.contact_id or user.contact_id == enrolment.contact_id
    return False


# --- courses and sessions ------------------------------------------------------------


def check_course(course: Course) -> None:
    if course.certifies_level and not course.category_id:
        raise DomainError(
            _("A course that certifies a skill level needs the product category it is for."),
            field="category",
        )
    if (
        course.product_id
        and course.category_id
        and course.product.category_id != course.category_id
    ):
        raise DomainError(_("The model is not in the course's category."), field="product")
    if course.duration_hours is None or course.duration_hours <= 0:
        raise DomainError(_("Give the course's length in hours."), field="duration_hours")
    if course.price is None or course.price < 0:
        raise DomainError(_("A price cannot be negative."), field="price")


@transaction.atomic
def save_course(course: Course, *, actor, plans=None) -> Course:
    """Create or change a course (fields already set) and, if given, the plans including it."""
    check_plan(actor)
    if course.product_id and not course.category_id:
        course.category_id = course.product.category_id
    check_course(course)
    course.save()
    if plans is not None:
        course.included_in_plans.set(plans)
    return course


def check_session(session: Session) -> None:
    if not session.course.active:
        raise DomainError(_("This course is no longer given."), field="course")
    if not session.starts_at or not session.ends_at or session.ends_at <= session.starts_at:
        raise DomainError(_("A session ends after it starts."), field="ends_at")
    if not session.seats or session.seats < 1:
        raise DomainError(_("A session has at least one seat."), field="seats")
    if not (session.center_id or session.address.strip() or session.online_link.strip()):
        raise DomainError(
            _("Say where the session takes place: a center, an address or an online link."),
            field="address",
        )
    if session.trainer_id and role_of(session.trainer) in (None, Role.CUSTOMER):
        raise DomainError(_("The trainer must be an active staff user."), field="trainer")


@transaction.atomic
def plan_session(session: Session, *, actor, open_now: bool = True) -> Session:
    """Plan a new session, open for enrolment at once or kept planned until opened."""
    check_plan(actor)
    check_session(session)
    session.status = SessionStatus.OPEN if open_now else SessionStatus.PLANNED
    session.created_by = actor
    session.save()
    return session


@transaction.atomic
def open_session(session: Session, *, actor) -> Session:
    check_plan(actor)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.PLANNED:
        raise Conflict(_("Only a planned session can be opened for enrolment."))
    session.status = SessionStatus.OPEN
    session.save(update_fields=["status"])
    return session


@transaction.atomic
def cancel_session(session: Session, *, actor) -> Session:
    check_plan(actor)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.HELD:
        raise Conflict(_("This session has been held and cannot be cancelled."))
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    return session


# --- enrolment -----------------------------------------------------------------------


def including_contract(customer_id: int, course: Course, on: datetime.date):
    """The customer's contract in force on `on` whose plan includes the course, or None."""
    plans = course.included_in_plans.all()
    return (
        ServiceContract.objects.filter(
            customer_id=customer_id,
            status=ContractStatus.ACTIVE,
            plan__in=plans,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .order_by("-ends_on", "-id")
        .first()
    )


@transaction.atomic
def enrol(session: Session, *, actor, contact=None, technician=None) -> Enrolment:
    """Put a contact or a technician on the session. The session row is locked, so two
    planners filling the last seat at once get one seat and one "full"."""
    check_plan(actor)
    if (contact is None) == (technician is None):
        raise DomainError(_("Choose a customer contact or a technician to enrol."))
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    taken = session.enrolments.count()
    if session.status == SessionStatus.PLANNED:
        raise Conflict(_("This session is not open for enrolment yet."))
    if session.status not in ENROLLING and session.status != SessionStatus.FULL:
        raise Conflict(
            _("This session is %(status)s: nobody can be enrolled.")
            % {"status": session.get_status_display()}
        )
    if taken >= session.seats or session.status == SessionStatus.FULL:
        raise Conflict(_("This session is full: all %(seats)s seats are taken.") % {
            "seats": session.seats})  # fmt: skip
    if technician is not None and not technician.active:
        raise DomainError(_("This technician is no longer active."))
    person = {"contact": contact} if contact is not None else {"technician": technician}
    if session.enrolments.filter(**person).exists():
        raise Conflict(_("%(person)s is already enrolled on this session.") % {
            "person": contact or technician})  # fmt: skip
    enrolment = Enrolment(session=session, enrolled_by=actor, **person)
    _price(enrolment, session)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        raise Conflict(_("This person is already enrolled on this session.")) from error
    if taken + 1 >= session.seats:
        session.status = SessionStatus.FULL
        session.save(update_fields=["status"])
    return enrolment


def _price(enrolment: Enrolment, session: Session) -> None:
    """Our technicians attend free; a contact pays the course's price unless their
    customer's active contract includes the course."""
    course = session.course
    enrolment.currency = course.currency
    if enrolment.contact is None:
        enrolment.price = decimal.Decimal(0)
        return
    enrolment.customer_id = enrolment.contact.customer_id
    on = timezone.localtime(session.starts_at).date()
    contract = including_contract(enrolment.customer_id, course, on)
    enrolment.contract = contract
    enrolment.price = decimal.Decimal(0) if contract else course.price


# --- attendance and results ----------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """What the trainer records for one enrolment."""

    enrolment_id: int
    attended: bool
    result: str = Result.NONE
    score: decimal.Decimal | None = None


def check_mark_row(mark: Mark) -> None:
    if mark.result not in Result.values:
        raise DomainError(_("Choose passed, failed or no result."), field="result")
    if mark.result == Result.PASSED and not mark.attended:
        raise DomainError(_("Only someone who attended can pass."), field="result")
    if mark.score is not None and not (0 <= mark.score <= MAX_SCORE):
        raise DomainError(_("A score is between 0 and 100."), field="score")


@transaction.atomic
def record_marks(session: Session, marks: list[Mark], *, actor) -> Session:
    """Attendance, result and score for enrolments of the session; the session is held."""
    check_mark(actor, session)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise Conflict(_("This session was cancelled."))
    if timezone.now() < session.starts_at:
        raise Conflict(_("Attendance can be recorded once the session has started."))
    enrolments = {e.pk: e for e in session.enrolments.select_related("certificate")}
    for mark in marks:
        check_mark_row(mark)
        enrolment = enrolments.get(mark.enrolment_id)
        if enrolment is None:
            raise DomainError(_("This enrolment is not on the session."))
        if hasattr(enrolment, "certificate") and mark.result != Result.PASSED:
            raise Conflict(
                _("%(person)s already has a certificate; the result stays passed.")
                % {"person": enrolment.person}
            )
        enrolment.attendance = Attendance.ATTENDED if mark.attended else Attendance.ABSENT
        enrolment.result = mark.result
        enrolment.score = mark.score
    Enrolment.objects.bulk_update(
        [enrolments[m.enrolment_id] for m in marks], ["attendance", "result", "score"]
    )
    if session.status != SessionStatus.HELD:
        session.status = SessionStatus.HELD
        session.save(update_fields=["status"])
    return session


# --- certificates --------------------------------------------------------------------


@transaction.atomic
def issue_certificates(session: Session, *, actor) -> list[Certificate]:
    """A certificate for everyone who attended and passed and has none yet; technicians'
    skills raised in the same transaction. Safe to repeat."""
    check_plan(actor)
    session = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.status != SessionStatus.HELD:
        raise Conflict(_("Certificates are issued once the session has been held."))
    due = session.enrolments.filter(
        attendance=Attendance.ATTENDED, result=Result.PASSED, certificate__isnull=True
    ).select_related("technician")
    issued = []
    now = timezone.now()
    for enrolment in due:
        year = timezone.localtime(now).year
        number = f"TC-{year}-{next_value(f'TC-{year}'):05d}"
        certificate = Certificate.objects.create(
            number=number, enrolment=enrolment, issued_at=now, issued_by=actor
        )
        if enrolment.technician_id:
            raise_skill(certificate, enrolment.technician, session.course, actor=actor)
        issued.append(certificate)
    return issued


def raise_skill(certificate: Certificate, technician, course: Course, *, actor):
    """The course's category at the course's level for the technician: created if
    missing, raised if lower, never lowered. Returns the skill, or None if nothing to do."""
    if not course.certifies_level or not course.category_id:
        return None
    skill = (
        TechnicianSkill.objects.select_for_update()
        .filter(technician=technician, category_id=course.category_id)
        .first()
    )
    before = skill.level if skill else None
    if skill is None:
        skill = TechnicianSkill.objects.create(
            technician=technician, category_id=course.category_id, level=course.certifies_level
        )
    elif skill.level < course.certifies_level:
        skill.level = course.certifies_level
        skill.save(update_fields=["level"])
    else:
        return skill
    SkillRaise.objects.create(
        technician=technician,
        category_id=course.category_id,
        from_level=before,
        to_level=course.certifies_level,
        certificate=certificate,
        actor=actor,
    )
    return skill
