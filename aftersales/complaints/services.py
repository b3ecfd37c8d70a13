"""Complaint rules: who may see and work complaints, opening one (for a customer, or about
one of their requests or visits), the apology and first contact, the root cause and
corrective action, and the manager's sign-off that closes it.

- A complaint is a `ServiceRequest` of kind complaint plus its `Complaint` row, made in one
  transaction. Its priority comes from the severity (`SEVERITY_PRIORITY`): every complaint
  is at least *high*, so its SLA targets are faster than a normal repair's.
- A customer's complaint within `REPEAT_WINDOW_DAYS` of their previous one is flagged as
  repeated (the customer row is locked while counting, so two at once are counted right).
- The request cannot be resolved before the apology, first contact, root cause and
  corrective action are recorded, nor closed without a manager's sign-off (`receivers`).

Who: agents and managers work complaints; only managers sign off; dispatchers and admins
read them (back office); partner staff read the complaints about their center's visits,
technicians or requests; technicians and customers see none.
"""

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role, role_of
from aftersales.complaints.models import (
    ApologyHow,
    Complaint,
    ComplaintEvent,
    RootCause,
    Severity,
)
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.customers.models import Customer
from aftersales.notifications.services import notify
from aftersales.service import access
from aftersales.service import services as request_services
from aftersales.service.choices import (
    PRIORITY_RANK,
    CallDirection,
    Channel,
    Kind,
    Priority,
    Status,
    Visibility,
)
from aftersales.service.models import ServiceRequest

# A customer's complaint this many days after their previous one is a repeat.
REPEAT_WINDOW_DAYS = 180
# Complaints are handled fast: even a minor one is served at high priority.
SEVERITY_PRIORITY = {
    Severity.MINOR: Priority.HIGH,
    Severity.MAJOR: Priority.URGENT,
    Severity.CRITICAL: Priority.URGENT,
}
CLOCK_SKEW = datetime.timedelta(minutes=5)

Action = ComplaintEvent.Action


# --- Who may do what ----------------------------------------------------------------------


def can_view(user) -> bool:
    """The back office reads every complaint; partner staff those about their center."""
    role = role_of(user)
    if role is None:
        return False
    return user.is_back_office or (role == Role.PARTNER and bool(user.service_center_id))


def can_work(user) -> bool:
    """Agents and managers open complaints and record apology, root cause and action."""
    role = role_of(user)
    return role is not None and (user.is_manager or role == Role.AGENT)


def can_sign_off(user) -> bool:
    return role_of(user) is not None and user.is_manager


def visible_complaints(user, queryset=None):
    queryset = Complaint.objects.all() if queryset is None else queryset
    if not can_view(user):
        return queryset.none()
    if user.is_back_office:
        return queryset
    center = user.service_center_id
    return queryset.filter(
        Q(about_visit__center_id=center)
        | Q(about_technician__home_center_id=center)
        | Q(about_request__service_center_id=center)
    )


def check_work(user) -> None:
    if not can_work(user):
        raise NotAllowed(_("Only agents and service managers may handle complaints."))


def check_sign_off(user) -> None:
    if not can_sign_off(user):
        raise NotAllowed(_("Only a service manager may sign off a complaint."))


# --- History ------------------------------------------------------------------------------


def _history(complaint, action, actor, *, body="", data=None, at=None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        actor=actor,
        body=body,
        data=data or {},
        created_at=at or timezone.now(),
    )


def _locked(complaint: Complaint, expected_version) -> Complaint:
    locked = Complaint.objects.select_for_update().select_related("request").get(pk=complaint.pk)
    if expected_version not in (None, "") and int(expected_version) != locked.version:
        raise Conflict(
            _("Someone else changed this complaint meanwhile. Reload the page and try again.")
        )
    return locked


def _not_future(at, field: str):
    if at is not None and at > timezone.now() + CLOCK_SKEW:
        raise DomainError(_("This cannot be in the future."), field=field)


# --- Opening ------------------------------------------------------------------------------


def _about(actor, customer, *, unit, about_request, about_visit, about_technician,
           about_product) -> dict:  # fmt: skip
    """What the complaint is about, checked and completed: a visit names its request and
    technician, a request its unit's product."""
    if about_visit is not None:
        if about_request is not None and about_visit.request_id != about_request.pk:
            raise DomainError(_("The visit belongs to another request."), field="about_visit")
        about_request = about_request or about_visit.request
        about_technician = about_technician or about_visit.technician
    if about_request is not None:
        if not access.can_view(actor, about_request):
            raise NotAllowed(_("You may not see the request complained about."))
        if about_request.customer_id != customer.pk:
            raise DomainError(
                _("The request complained about belongs to another customer."),
                field="about_request",
            )
        unit = unit or about_request.unit
    if unit is not None and unit.customer_id not in (None, customer.pk):
        raise DomainError(_("This unit belongs to another customer."), field="unit")
    if about_product is None and unit is not None:
        about_product = unit.product
    return {
        "unit": unit,
        "about_request": about_request,
        "about_visit": about_visit,
        "about_technician": about_technician,
        "about_product": about_product,
    }


def previous_complaint(customer, now=None) -> Complaint | None:
    """The customer's latest complaint within the repeat window, if any."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=REPEAT_WINDOW_DAYS)
    return (
        Complaint.objects.filter(customer=customer, created_at__gte=since)
        .select_related("request")
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def open_complaint(
    actor,
    *,
    customer,
    severity: str,
    subject: str,
    description: str = "",
    channel: str = Channel.PHONE,
    contact=None,
    unit=None,
    about_request=None,
    about_visit=None,
    about_technician=None,
    about_product=None,
    assignee=None,
    apologised: bool = False,
    apology_how: str = ApologyHow.CALL,
    apology_note: str = "",
) -> Complaint:
    """Open a complaint: its request (kind complaint, priority from the severity, SLA
    deadlines), the complaint row, the repeat flag; with `apologised`, the apology made on
    this very contact is recorded too."""
    check_work(actor)
    if severity not in Severity.values:
        raise DomainError(_("Choose how severe the complaint is."), field="severity")
    subject = (subject or "").strip()
    if not subject:
        raise DomainError(_("Say in a few words what the customer complains about."),
                          field="subject")  # fmt: skip
    if apologised and apology_how not in ApologyHow.values:
        raise DomainError(_("Say how the apology was made."), field="apology_how")
    about = _about(
        actor, customer, unit=unit, about_request=about_request, about_visit=about_visit,
        about_technician=about_technician, about_product=about_product,
    )  # fmt: skip
    # One customer's complaints are counted one at a time, so two at once both count.
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    now = timezone.now()
    previous = previous_complaint(customer, now)
    request = request_services.create_request(
        actor=actor,
        customer=customer,
        subject=subject,
        channel=channel,
        kind=Kind.COMPLAINT,
        priority=SEVERITY_PRIORITY[severity],
        description=(description or "").strip(),
        contact=contact,
        unit=about.pop("unit"),
        assignee=assignee,
    )
    complaint = Complaint.objects.create(
        request=request,
        customer=customer,
        severity=severity,
        repeat=previous is not None,
        previous=previous,
        created_at=now,
        created_by=actor,
        **about,
    )
    _history(
        complaint, Action.OPENED, actor, at=now,
        data={"severity": severity, "repeat": complaint.repeat,
              "priority": str(SEVERITY_PRIORITY[severity])},
    )  # fmt: skip
    if previous is not None:
        _note_repeat(request, actor, previous)
    _alert(complaint, actor)
    if complaint.about_request is not None:
        request_services.add_comment(
            complaint.about_request,
            actor=actor,
            body=gettext("The customer complained about this request: %(number)s.")
            % {"number": request.number},
        )
    if apologised:
        complaint = _apologise(
            complaint, actor, how=apology_how, note=apology_note, at=now,
            direction=CallDirection.INBOUND,
        )  # fmt: skip
    return complaint


def complain_about(service_request, actor, **fields) -> Complaint:
    """ "Complain about this request" (or one of its visits): same customer, unit, contact."""
    fields.setdefault("contact", service_request.contact)
    return open_complaint(
        actor, customer=service_request.customer, about_request=service_request, **fields
    )


@transaction.atomic
def adopt(service_request, actor, *, severity: str) -> Complaint:
    """ "Handle as a complaint": a request of kind complaint taken elsewhere (a logged call,
    the portal, the API) gets its complaint row, the repeat flag, and at least the
    severity's priority (its SLA deadlines are recomputed); then the steps apply to it."""
    check_work(actor)
    if not access.can_view(actor, service_request):
        raise NotAllowed(_("You may not see this request."))
    if severity not in Severity.values:
        raise DomainError(_("Choose how severe the complaint is."), field="severity")
    request = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    if request.kind != Kind.COMPLAINT:
        raise DomainError(
            _("Only a request of kind complaint is handled as one; use \"Complain about this "
              "request\" to open a complaint about it."),
            field="request",
        )  # fmt: skip
    if Complaint.objects.filter(request=request).exists():
        raise Conflict(_("This request is handled as a complaint already."))
    if request.status in (Status.CLOSED, Status.CANCELLED):
        raise DomainError(_("This request is finished; open a new complaint instead."))
    Customer.objects.select_for_update().filter(pk=request.customer_id).first()
    now = timezone.now()
    previous = previous_complaint(request.customer, now)
    priority = SEVERITY_PRIORITY[severity]
    if PRIORITY_RANK.get(request.priority, 0) < PRIORITY_RANK[priority]:
        request = request_services.update_request(request, actor=actor, priority=priority)
    unit = request.unit
    complaint = Complaint.objects.create(
        request=request,
        customer=request.customer,
        severity=severity,
        repeat=previous is not None,
        previous=previous,
        about_product=unit.product if unit else None,
        created_at=now,
        created_by=actor,
    )
    _history(complaint, Action.OPENED, actor, at=now,
             data={"severity": severity, "repeat": complaint.repeat, "adopted": True})  # fmt: skip
    if previous is not None:
        _note_repeat(request, actor, previous)
    _alert(complaint, actor)
    return complaint


def _alert(complaint: Complaint, actor) -> None:
    """A critical or repeated complaint is news for the team lead (else every service
    manager) at once, not when its deadline nears."""
    if complaint.severity != Severity.CRITICAL and not complaint.repeat:
        return
    request = complaint.request
    lead = request.team.lead if request.team_id and request.team.lead_id else None
    if lead is not None and lead.is_active:
        people = [lead]
    else:
        people = list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk"))
    for person in people:
        if person.pk == getattr(actor, "pk", None):
            continue
        notify(
            "complaint_alert",
            request=request,
            user=person,
            context={
                "severity": complaint.get_severity_display(),
                "repeat": complaint.repeat,
                "opened_by": str(actor) if actor else "",
            },
            dedupe_key=f"complaint-alert:{complaint.pk}:{person.pk}",
        )


def _note_repeat(request, actor, previous) -> None:
    request_services.add_comment(
        request,
        actor=actor,
        body=gettext(
            "Repeated complaint: this customer already complained on %(date)s (%(number)s)."
        )
        % {
            "date": f"{timezone.localtime(previous.created_at):%Y-%m-%d}",
            "number": previous.request.number,
        },
    )


# --- Apology and first contact ------------------------------------------------------------


def _apologise(complaint, actor, *, how, note, at, direction, first_contact_at=None):
    note = (note or "").strip()
    if how not in ApologyHow.values:
        raise DomainError(_("Say how the apology was made."), field="how")
    if how == ApologyHow.MESSAGE and not note:
        raise DomainError(_("Write the apology the customer will read."), field="note")
    first = first_contact_at or at
    if first > at:
        raise DomainError(
            _("The first contact cannot be after the apology."), field="first_contact_at"
        )
    complaint.apology_at, complaint.apology_by, complaint.apology_how = at, actor, how
    if complaint.first_contact_at is None or first < complaint.first_contact_at:
        complaint.first_contact_at = first
    complaint.version += 1
    complaint.save(
        update_fields=["apology_at", "apology_by", "apology_how", "first_contact_at", "version"]
    )
    request = complaint.request
    if how == ApologyHow.CALL:
        request_services.log_call(
            request, actor=actor, direction=direction, at=at,
            body=gettext("Apologised to the customer.") + (f" {note}" if note else ""),
        )  # fmt: skip
    elif how == ApologyHow.MESSAGE:
        request_services.add_comment(request, actor=actor, body=note, visibility=Visibility.PUBLIC)
    else:
        request_services.add_comment(
            request, actor=actor,
            body=gettext("Apologised to the customer in person.") + (f" {note}" if note else ""),
        )  # fmt: skip
    data = {"how": how, "first_contact_at": complaint.first_contact_at.isoformat()}
    _history(complaint, Action.APOLOGY, actor, body=note, at=at, data=data)
    return complaint


@transaction.atomic
def record_apology(
    complaint: Complaint,
    actor,
    *,
    how: str,
    note: str = "",
    at: datetime.datetime | None = None,
    first_contact_at: datetime.datetime | None = None,
    expected_version=None,
) -> Complaint:
    """The customer was contacted and apologised to (by call, message or in person). A
    message is sent to the customer on the request; a call is logged; either stops the
    response clock."""
    check_work(actor)
    complaint = _locked(complaint, expected_version)
    if complaint.signed_off:
        raise Conflict(_("This complaint is signed off already."))
    _not_future(at, "at")
    _not_future(first_contact_at, "first_contact_at")
    return _apologise(
        complaint, actor, how=how, note=note, at=at or timezone.now(),
        direction=CallDirection.OUTBOUND, first_contact_at=first_contact_at,
    )  # fmt: skip


# --- Root cause and corrective action -----------------------------------------------------


@transaction.atomic
def record_cause(
    complaint: Complaint,
    actor,
    *,
    root_cause: str,
    corrective_action: str,
    detail: str = "",
    expected_version=None,
) -> Complaint:
    """Why it happened and what was done so it does not happen again (may be corrected
    until the sign-off; each version stays in the history)."""
    check_work(actor)
    complaint = _locked(complaint, expected_version)
    if complaint.signed_off:
        raise Conflict(_("This complaint is signed off already."))
    if root_cause not in RootCause.values:
        raise DomainError(_("Choose the root cause."), field="root_cause")
    detail, corrective_action = (detail or "").strip(), (corrective_action or "").strip()
    if root_cause == RootCause.OTHER and not detail:
        raise DomainError(_("Describe the root cause."), field="detail")
    if not corrective_action:
        raise DomainError(
            _("Say what was done so that it does not happen again."), field="corrective_action"
        )
    now = timezone.now()
    complaint.root_cause, complaint.root_cause_detail = root_cause, detail
    complaint.corrective_action, complaint.cause_at, complaint.cause_by = (
        corrective_action, now, actor,
    )  # fmt: skip
    complaint.version += 1
    complaint.save(
        update_fields=["root_cause", "root_cause_detail", "corrective_action", "cause_at",
                       "cause_by", "version"]
    )  # fmt: skip
    label = RootCause(root_cause).label
    request_services.add_comment(
        complaint.request,
        actor=actor,
        body=gettext("Root cause: %(cause)s%(detail)s. Corrective action: %(action)s")
        % {"cause": label, "detail": f" ({detail})" if detail else "", "action": corrective_action},
    )
    _history(complaint, Action.CAUSE, actor, body=corrective_action, at=now,
             data={"root_cause": root_cause, "detail": detail})  # fmt: skip
    return complaint


# --- Sign-off -----------------------------------------------------------------------------


def missing_steps(complaint: Complaint) -> list[str]:
    """What must still be recorded before the complaint's request may be resolved."""
    missing = []
    if complaint.first_contact_at is None:
        missing.append(gettext("the first contact"))
    if complaint.apology_at is None:
        missing.append(gettext("the apology"))
    if not complaint.root_cause:
        missing.append(gettext("the root cause"))
    if not complaint.corrective_action:
        missing.append(gettext("the corrective action"))
    return missing


@transaction.atomic
def sign_off(complaint: Complaint, actor, *, note: str = "", expected_version=None) -> Complaint:
    """A manager accepts how the complaint was handled; its request is closed."""
    check_sign_off(actor)
    complaint = _locked(complaint, expected_version)
    if complaint.signed_off:
        raise Conflict(_("This complaint is signed off already."))
    missing = missing_steps(complaint)
    if missing:
        raise DomainError(
            _("Record %(missing)s before signing off.") % {"missing": ", ".join(missing)},
            code="complaint_incomplete",
        )
    request = complaint.request
    if request.status != Status.RESOLVED:
        raise DomainError(
            _("Resolve the complaint's request first (it is %(status)s); then sign it off.")
            % {"status": Status(request.status).label},
            code="not_resolved",
        )
    now = timezone.now()
    note = (note or "").strip()
    complaint.signed_off_at, complaint.signed_off_by, complaint.sign_off_note = now, actor, note
    complaint.version += 1
    complaint.save(update_fields=["signed_off_at", "signed_off_by", "sign_off_note", "version"])
    # The guard on CLOSED reads the sign-off just saved in this transaction.
    request_services.transition(request, actor=actor, to=Status.CLOSED, note=note)
    _history(complaint, Action.SIGNED_OFF, actor, body=note, at=now)
    return complaint


def void_sign_off(request, actor) -> None:
    """The request of a signed-off complaint was reopened: closing it again needs a new
    sign-off (the old one stays in the history)."""
    complaint = Complaint.objects.select_for_update().filter(request_id=request.pk).first()
    if complaint is None or complaint.signed_off_at is None:
        return
    Complaint.objects.filter(pk=complaint.pk).update(
        signed_off_at=None, signed_off_by=None, sign_off_note="", version=F("version") + 1
    )
    _history(complaint, Action.SIGN_OFF_VOID, actor,
             data={"signed_off_at": complaint.signed_off_at.isoformat()})  # fmt: skip


# --- The guard on the request's moves -----------------------------------------------------


def check_move(request, target: str) -> None:
    """Refuse resolving a complaint before its steps are recorded, and closing it without a
    manager's sign-off. Requests of kind complaint without a complaint row (made before
    this app, or by other intake) are left to the usual workflow."""
    if request.kind != Kind.COMPLAINT or target not in (Status.RESOLVED, Status.CLOSED):
        return
    complaint = Complaint.objects.filter(request_id=request.pk).first()
    if complaint is None:
        return
    if target == Status.RESOLVED:
        missing = missing_steps(complaint)
        if missing:
            raise DomainError(
                _("A complaint is resolved only after %(missing)s are recorded.")
                % {"missing": ", ".join(missing)},
                code="complaint_incomplete",
                field="to",
            )
    elif complaint.signed_off_at is None:
        raise DomainError(
            _("A complaint is closed by a service manager's sign-off on its complaint panel."),
            code="sign_off_required",
            field="to",
        )
