"""Read-side queries of the training pages and API, each a fixed number of SQL queries."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aftersales.accounts.roles import Role, role_of
from aftersales.customers.models import Contact
from aftersales.field.models import Technician
from aftersales.training.models import Certificate, Course, Enrolment, Session, SessionStatus

SEARCH_LIMIT = 20


def courses() -> QuerySet[Course]:
    return Course.objects.select_related("category", "product").prefetch_related(
        "included_in_plans"
    )


def sessions() -> QuerySet[Session]:
    """Sessions with `taken` (enrolments) so seats left need no query per row."""
    return Session.objects.select_related("course", "trainer", "center").annotate(
        taken=Count("enrolments")
    )


def upcoming_sessions() -> QuerySet[Session]:
    since = timezone.now() - timezone.timedelta(days=1)
    return sessions().filter(starts_at__gte=since).exclude(status=SessionStatus.CANCELLED)


def recent_sessions() -> QuerySet[Session]:
    """Held or past sessions, newest first (certificates to issue, rosters to read)."""
    return sessions().filter(starts_at__lt=timezone.now()).order_by("-starts_at")


def roster(session: Session) -> QuerySet[Enrolment]:
    return session.enrolments.select_related(
        "contact", "customer", "technician__user", "contract", "certificate"
    ).order_by("id")


def enrolments_of_technician(user) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(technician__user=user)
        .select_related("session__course", "session__center", "certificate")
        .order_by("-session__starts_at")
    )


def certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related(
        "enrolment__session__course",
        "enrolment__contact",
        "enrolment__customer",
        "enrolment__technician__user",
    )


def search_people(q: str) -> tuple[list[Contact], list[Technician]]:
    """Contacts (by name, phone or their customer's name) and active technicians (by
    name or username) for the enrol form; two queries."""
    q = (q or "").strip()
    if len(q) < 1:
        return [], []
    contacts = (
        Contact.objects.filter(
            Q(name__icontains=q) | Q(phone__icontains=q) | Q(customer__name__icontains=q)
        )
        .select_related("customer")
        .order_by("name")[:SEARCH_LIMIT]
    )
    technicians = (
        Technician.objects.filter(active=True)
        .filter(
            Q(user__username__icontains=q)
            | Q(user__first_name__icontains=q)
            | Q(user__last_name__icontains=q)
        )
        .select_related("user", "home_center")
        .order_by("user__username")[:SEARCH_LIMIT]
    )
    return list(contacts), list(technicians)


def visible_enrolments(user) -> QuerySet[Enrolment]:
    """The back office sees every enrolment, a trainer their sessions', a technician
    their own; nobody else any."""
    from aftersales.training.services import BACK_OFFICE, can_view

    rows = Enrolment.objects.select_related(
        "session__course", "contact", "customer", "technician__user", "contract", "certificate"
    ).order_by("-id")
    if role_of(user) in BACK_OFFICE:
        return rows
    if can_view(user):
        return rows.filter(Q(technician__user=user) | Q(session__trainer=user))
    return rows.none()


def visible_certificates(user) -> QuerySet[Certificate]:
    """As `visible_enrolments`, and a customer's logins see their contacts' certificates
    (a company contact's login only their own)."""
    from aftersales.training.services import BACK_OFFICE, can_view

    rows = certificates().order_by("-issued_at", "-id")
    role = role_of(user)
    if role in BACK_OFFICE:
        return rows
    if can_view(user):
        return rows.filter(
            Q(enrolment__technician__user=user) | Q(enrolment__session__trainer=user)
        )
    if role == Role.CUSTOMER and user.customer_id:
        rows = rows.filter(enrolment__customer_id=user.customer_id)
        return rows.filter(enrolment__contact_id=user.contact_id) if user.contact_id else rows
    return rows.none()
