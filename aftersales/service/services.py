"""Use cases of a service request: create, edit, move through the workflow, comment, attach.

Each public function checks who may do it (`check_*`), then changes the request and
appends its timeline event in one transaction. Views, the API and commands call these;
they hold no rules of their own.
"""

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import FIELD, Role
from aftersales.core.changes import apply_changes, loaded_relations
from aftersales.core.counters import next_value
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.core.uploads import check_upload
from aftersales.notifications.services import notify
from aftersales.service import access, clocks, entitlement, signals, workflow
from aftersales.service.choices import (
    CallDirection,
    Channel,
    EventKind,
    Priority,
    ResolutionType,
    Status,
    Visibility,
)
from aftersales.service.models import Attachment, ServiceRequest, TimelineEvent
from aftersales.warranty.decision import FREE

# A request may be logged a little "in the future" when clocks disagree; more is a mistake.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def request_number(when: datetime.datetime) -> str:
    """SR-<year>-<six or more digits>, counted per year in the local time zone."""
    year = timezone.localtime(when).year
    return f"SR-{year}-{next_value(f'SR-{year}'):06d}"


def _event(request, kind, actor, *, body="", visibility=Visibility.INTERNAL, data=None, at=None):
    event = _event_row(request, kind, actor, body=body, visibility=visibility, data=data, at=at)
    event.save(force_insert=True)
    return event


def _event_row(
    request, kind, actor, *, body="", visibility=Visibility.INTERNAL, data=None, at=None
) -> TimelineEvent:
    """A timeline event not saved yet (`_event` saves it; a create saves its events at once)."""
    return TimelineEvent(
        request=request,
        kind=kind,
        actor=actor,
        body=body,
        visibility=visibility,
        data=data or {},
        created_at=at or timezone.now(),
    )


def _check_relations(request: ServiceRequest, actor=None) -> None:
    """The unit and contact must belong to the request's customer."""
    errors = {}
    if request.unit_id and request.unit.customer_id != request.customer_id:
        if actor is not None and actor.role == Role.CUSTOMER and not actor.is_superuser:
            # A customer is not told who owns a unit that is not theirs, nor its serial.
            errors["unit"] = _("This unit is not registered to you.")
        else:
            errors["unit"] = _("Unit %(serial)s belongs to another customer (%(owner)s).") % {
                "serial": request.unit.serial_number,
                "owner": request.unit.customer,
            }
    if request.contact_id and request.contact.customer_id != request.customer_id:
        errors["contact"] = _("This contact belongs to another customer.")
    if request.received_at and request.received_at > timezone.now() + CLOCK_SKEW:
        errors["received_at"] = _("The time the customer reached us cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _check_assignee(actor, request: ServiceRequest) -> None:
    assignee = request.assignee
    if assignee is None:
        return
    if not assignee.is_active or assignee.role == Role.CUSTOMER:
        raise DomainError(
            _("%(user)s cannot be assigned requests.") % {"user": assignee}, field="assignee"
        )
    if (
        actor is not None
        and actor.role == Role.PARTNER
        and not actor.is_superuser
        and assignee.service_center_id != actor.service_center_id
    ):
        raise NotAllowed(
            _("Partner staff can assign only people of their own service center."),
            field="assignee",
        )


# --- Create ---------------------------------------------------------------------------


def check_create(actor, customer) -> None:
    if actor is None:
        return
    role = Role.ADMIN if actor.is_superuser else actor.role
    if actor.is_back_office:
        return
    if role == Role.CUSTOMER and actor.customer_id == customer.pk:
        return
    raise NotAllowed(_("You may not open requests for this customer."))


@transaction.atomic
def create_request(
    *,
    actor,
    customer,
    subject: str,
    channel: str,
    fault_codes: Iterable = (),
    **fields,
) -> ServiceRequest:
    """Open a request. `received_at` defaults to now; it may be earlier for a call logged late."""
    check_create(actor, customer)
    if actor is not None and actor.role == Role.CUSTOMER and not actor.is_superuser:
        # Customers cannot route or prioritise their own requests.
        fields = {
            k: v for k, v in fields.items() if k in ("unit", "kind", "description", "contact")
        }
        channel = channel if channel in (Channel.PORTAL, Channel.API) else Channel.PORTAL
        # Fault codes are the staff's diagnosis (and feed fault statistics).
        fault_codes = ()
    now = timezone.now()
    request = ServiceRequest(
        customer=customer,
        subject=subject,
        channel=channel,
        created_by=actor,
        created_at=now,
        **fields,
    )
    request.received_at = request.received_at or now
    request.full_clean(exclude=["number", *loaded_relations(request)])
    _check_relations(request, actor)
    _check_assignee(actor, request)
    if request.assignee_id:
        request.status = Status.ASSIGNED
    request.entitlement = _decide(request, fault_codes)
    clocks.start(request)
    if _answered_at_once(actor, request):
        clocks.responded(request, request.received_at)
    request.number = request_number(now)
    request.save()
    if fault_codes:
        request.fault_codes.set(fault_codes)
    else:
        _known_empty(request, "fault_codes")
    events = [
        _event_row(
            request,
            EventKind.CREATED,
            actor,
            body=request.description,
            visibility=Visibility.PUBLIC,
            data={"channel": request.channel, "status": request.status},
            at=now,
        )
    ]
    if request.entitlement:
        events.append(_entitlement_row(request, actor, at=now))
    # One INSERT for both: a round trip fewer on every request creation.
    TimelineEvent.objects.bulk_create(events)
    _tell_assignee(request, actor)
    notify(
        "request_received",
        request=request,
        context={"response_due": _local(request.response_due_at)},
        dedupe_key=f"received:{request.pk}",
    )
    return request


def _known_empty(request: ServiceRequest, relation: str) -> None:
    """A new request's many-to-many relation that was given nothing is empty: remember it
    as if prefetched, so that showing the request (the API's answer) does not ask."""
    manager = getattr(request, relation)
    empty = manager.none()
    empty._result_cache, empty._prefetch_done = [], True
    request._prefetched_objects_cache = {
        **getattr(request, "_prefetched_objects_cache", {}),
        manager.prefetch_cache_name: empty,
    }


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _answered_at_once(actor, request: ServiceRequest) -> bool:
    """A call or a visit taken by an agent is answered while the customer is there."""
    return (
        actor is not None
        and actor.is_back_office
        and request.channel in (Channel.PHONE, Channel.WALK_IN)
    )


# What the warranty decision depends on: when one of these changes, it is made again.
DECISION_INPUTS = frozenset({"unit", "fault_cause", "fault_codes", "received_at"})


def _decide(request: ServiceRequest, fault_codes=None) -> dict:
    """The warranty decision's snapshot for the request, or {} when there is none to make.

    A decision that cannot be made (a unit bought after the call was logged…) must not
    stop the request itself from being taken; it is left empty and the page says why.
    """
    try:
        decision = entitlement.decide_for(request, fault_codes)
    except DomainError:
        return {}
    return decision.as_json() if decision else {}


def _entitlement_event(request: ServiceRequest, actor, at=None) -> None:
    _entitlement_row(request, actor, at).save(force_insert=True)


def _entitlement_row(request: ServiceRequest, actor, at=None) -> TimelineEvent:
    snapshot = request.entitlement
    return _event_row(
        request,
        EventKind.ENTITLEMENT,
        actor,
        data={
            key: snapshot.get(key)
            for key in ("warranty_status", "repair_charge", "eligible_remedies", "fault")
        },
        at=at,
    )


# --- Edit -----------------------------------------------------------------------------


def _locked(request: ServiceRequest, expected_version: int | None) -> ServiceRequest:
    """Re-read the request under a row lock and refuse if someone changed it meanwhile."""
    current = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and current.version != int(expected_version):
        raise Conflict(
            _(
                "Someone else changed request %(number)s while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            )
            % {"number": current.number},
            code="stale_version",
        )
    return current


def _save(request: ServiceRequest, fields: Iterable[str]) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


def check_update(actor, request: ServiceRequest, names: Iterable[str]) -> None:
    if not access.can_view(actor, request):
        raise NotAllowed(_("You may not change this request."))
    allowed = access.editable_fields(actor, request)
    refused = sorted(set(names) - allowed)
    if refused:
        raise NotAllowed(
            _("You may not change: %(fields)s.")
            % {"fields": ", ".join(_field_label(name) for name in refused)},
            field=refused[0],
        )


def _field_label(name: str) -> str:
    # A name that is no field at all (a client's typo) is refused like any other, not a crash.
    try:
        return str(ServiceRequest._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@transaction.atomic
def update_request(
    request: ServiceRequest, *, actor, expected_version: int | None = None, **changes
) -> ServiceRequest:
    """Change details of a request; one timeline event lists what changed, old and new."""
    check_update(actor, request, changes)
    request = _locked(request, expected_version)
    old_plan = clocks.plan_code(request)
    fault_codes = changes.pop("fault_codes", None)
    diff = apply_changes(request, changes)
    if fault_codes is not None:
        old = sorted(str(code) for code in request.fault_codes.all())
        new = sorted(str(code) for code in fault_codes)
        if old != new:
            request.fault_codes.set(fault_codes)
            diff["fault_codes"] = [", ".join(old), ", ".join(new)]
    if not diff:
        return request
    request.full_clean(exclude=["number", *loaded_relations(request)])
    _check_relations(request)
    if "assignee" in diff:
        _check_assignee(actor, request)
    to_save = [name for name in diff if name != "fault_codes"]
    if DECISION_INPUTS & diff.keys():
        decided = _decide(request)
        if decided != request.entitlement:
            request.entitlement = decided
            to_save.append("entitlement")
    status_move = _follow_assignee(request) if "assignee" in diff else None
    if status_move:
        to_save.append("status")
    recomputed = _recompute_clocks(request, diff, old_plan)
    if recomputed:
        to_save += clocks.DEADLINE_FIELDS
    _save(request, list(dict.fromkeys(to_save)))
    _event(request, EventKind.FIELDS, actor, data={"changes": diff})
    if "entitlement" in to_save and request.entitlement:
        _entitlement_event(request, actor)
    if recomputed:
        _event(request, EventKind.SLA, actor, data={"clock": "recomputed", **recomputed})
    if status_move:
        _event(request, EventKind.STATUS, actor, visibility=Visibility.PUBLIC, data=status_move)
    if "assignee" in diff:
        _tell_assignee(request, actor)
    return request


def _tell_assignee(request: ServiceRequest, actor) -> None:
    """Someone else gave the request to a person: they hear of it (not when they took it)."""
    if request.assignee_id is None or request.assignee_id == getattr(actor, "pk", None):
        return
    notify(
        "assigned",
        request=request,
        user=request.assignee,
        context={
            "assigned_by": str(actor) if actor is not None else "",
            "priority": str(Priority(request.priority).label),
        },
        dedupe_key=f"assigned:{request.pk}:{request.version}",
    )


# What the deadlines depend on besides the plan (which comes with the warranty decision).
CLOCK_INPUTS = frozenset({"priority", "received_at", "needs_visit", "customer"})


def _recompute_clocks(request: ServiceRequest, diff: dict, old_plan) -> dict | None:
    """New deadlines when what they depend on changed; the timeline entry's data, or None."""
    plan = clocks.plan_code(request)
    if not (CLOCK_INPUTS & diff.keys()) and plan == old_plan:
        return None
    if not request.is_open:
        return None  # a finished request's clocks have stopped; its record stays
    before = clocks.summary(request)
    clocks.start(request)
    reasons = sorted(CLOCK_INPUTS & diff.keys()) + (["plan"] if plan != old_plan else [])
    return {"because": reasons, "before": before, "after": clocks.summary(request)}


def _follow_assignee(request: ServiceRequest) -> dict | None:
    """Keep the status true to the assignee after an edit; returns the status move made.

    Giving a new or triaged request an owner assigns it; taking the owner away from an
    assigned one sends it back to triage; work in progress cannot be left without one.
    """
    source = request.status
    if request.assignee_id and source in (Status.NEW, Status.TRIAGED):
        request.status = Status.ASSIGNED
    elif request.assignee_id is None and source == Status.ASSIGNED:
        request.status = Status.TRIAGED
    elif request.assignee_id is None and source in WORKED_ON:
        raise DomainError(
            _("Someone must own a request that is being worked on; choose another assignee."),
            code="assignee_required",
            field="assignee",
        )
    if request.status == source:
        return None
    return {"from": source, "to": request.status}


WORKED_ON = frozenset({Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_PARTS})


# --- Workflow -------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    target: str
    label: str
    needs_assignee: bool
    needs_resolution: bool
    needs_reason: bool
    # Whether to ask who: always when assigning, else only when nobody has it yet.
    asks_assignee: bool

    @property
    def asks_input(self) -> bool:
        return self.asks_assignee or self.needs_resolution or self.needs_reason


def available_transitions(actor, request: ServiceRequest) -> list[Transition]:
    """The moves this user may make now, for buttons and for the API's error messages."""
    moves = []
    for target in workflow.next_statuses(request.status):
        if access.can_transition(actor, request, target):
            move = workflow.Move(request.status, target)
            moves.append(
                Transition(
                    target=target,
                    label=move.label,
                    needs_assignee=move.needs_assignee,
                    needs_resolution=move.needs_resolution,
                    needs_reason=move.needs_reason,
                    asks_assignee=target == Status.ASSIGNED
                    or (move.needs_assignee and request.assignee_id is None),
                )
            )
    return moves


def check_transition(actor, request: ServiceRequest, target: str) -> workflow.Move:
    if target not in Status.values:
        raise DomainError(
            _("%(status)s is not a status. Use one of: %(statuses)s.")
            % {"status": target, "statuses": ", ".join(Status.values)},
            field="to",
        )
    if not workflow.is_allowed(request.status, target):
        allowed = [str(Status(s).label) for s in workflow.next_statuses(request.status)]
        raise DomainError(
            _("A request that is %(current)s cannot become %(target)s. Next can be: %(allowed)s.")
            % {
                "current": Status(request.status).label,
                "target": Status(target).label,
                "allowed": ", ".join(allowed) or _("nothing (it is finished)"),
            },
            code="illegal_transition",
            field="to",
        )
    if not access.can_view(actor, request) or not access.can_transition(actor, request, target):
        raise NotAllowed(
            _("You may not move this request to %(target)s.") % {"target": Status(target).label}
        )
    return workflow.Move(request.status, target)


@transaction.atomic
def transition(
    request: ServiceRequest,
    *,
    actor,
    to: str,
    note: str = "",
    assignee=None,
    resolution_type: str = "",
    resolution_summary: str = "",
    expected_version: int | None = None,
) -> ServiceRequest:
    """Move `request` to status `to`, checking the workflow and what the move needs."""
    # Someone who cannot see the request is refused before anything else, so that neither
    # a version conflict (its number) nor an illegal move (its status) tells them about it.
    if not access.can_view(actor, request):
        raise NotAllowed(_("You may not change this request."))
    request = _locked(request, expected_version)
    move = check_transition(actor, request, to)
    # Apps built on requests may refuse a move they own the rules of (a complaint closes
    # only with a manager's sign-off): their receivers raise DomainError.
    signals.checking_move.send(
        sender=ServiceRequest, request=request, source=request.status, target=to, actor=actor
    )
    note = (note or "").strip()
    changed = ["status"]
    data = {"from": request.status, "to": to}

    if assignee is not None and assignee.pk != request.assignee_id:
        # Choosing the assignee in a move is routing, as in an edit: technicians may not
        # hand requests to others ("Start work" below still lets them take one).
        check_update(actor, request, ["assignee"])
        request.assignee = assignee
        _check_assignee(actor, request)
        changed.append("assignee")
        data["assignee"] = str(assignee)
    if move.needs_assignee and request.assignee_id is None:
        if to == Status.IN_PROGRESS and actor is not None and actor.role != Role.CUSTOMER:
            request.assignee = actor  # "Start work" on an unassigned request takes it.
            changed.append("assignee")
            data["assignee"] = str(actor)
        else:
            raise DomainError(
                _("Choose who the request is assigned to."),
                code="assignee_required",
                field="assignee",
            )
    if move.clears_assignee:
        request.assignee = None
        changed.append("assignee")
    if move.needs_reason and not note:
        raise DomainError(
            _("Say why the request is cancelled.")
            if to == Status.CANCELLED
            else _("Say why the request is reopened."),
            code="reason_required",
            field="note",
        )
    now = timezone.now()
    if move.needs_resolution:
        resolution_summary = (resolution_summary or "").strip()
        if resolution_type not in ResolutionType.values:
            raise DomainError(
                _("Choose how the request was resolved."),
                code="resolution_required",
                field="resolution_type",
            )
        if not resolution_summary:
            raise DomainError(
                _("Describe the solution for the customer's record."),
                code="resolution_required",
                field="resolution_summary",
            )
        request.resolution_type = resolution_type
        request.resolution_summary = resolution_summary
        request.resolved_at = now
        changed += ["resolution_type", "resolution_summary", "resolved_at"]
        data["resolution_type"] = resolution_type
    if to == Status.CLOSED:
        request.closed_at = now
        changed.append("closed_at")
    if to == Status.CANCELLED:
        request.cancel_reason = note
        changed.append("cancel_reason")
    if move.is_reopen:
        # The problem is back: the earlier solution no longer stands, and the clock starts
        # again from now instead of leaving the request overdue from the first time.
        request.reopen_count += 1
        request.resolved_at = None
        request.closed_at = None
        request.resolution_type = ""
        request.resolution_summary = ""
        changed += [
            "reopen_count", "resolved_at", "closed_at", "resolution_type",
            "resolution_summary",
        ]  # fmt: skip
        data["reopened"] = True

    source = request.status
    request.status = to
    if move.is_reopen:
        clocks.restart(request, now)
        changed += [*clocks.DEADLINE_FIELDS, *clocks.RESTART_FIELDS]
        clock_event = {"clock": "restarted", "after": clocks.summary(request)}
    else:
        clock_fields, clock_event = clocks.status_changed(
            request, source, to, now, on_site=actor is not None and actor.role in FIELD
        )
        changed += clock_fields
    _save(request, list(dict.fromkeys(changed)))
    # Status changes are news for the customer, with the solution or the reason they are
    # owed; any other note on a move is for colleagues and stays internal.
    public_text = resolution_summary if move.needs_resolution else note if move.needs_reason else ""
    _event(
        request, EventKind.STATUS, actor, body=public_text, visibility=Visibility.PUBLIC,
        data=data, at=now,
    )  # fmt: skip
    if note and not move.needs_reason:
        _event(request, EventKind.COMMENT, actor, body=note, data={"status": to}, at=now)
    if clock_event:
        _event(request, EventKind.SLA, actor, data=clock_event, at=now)
    if "assignee" in changed:
        _tell_assignee(request, actor)
    _settle_money(request, actor, to, note)
    signals.status_changed.send(
        sender=ServiceRequest, request=request, source=source, target=to, actor=actor, at=now
    )
    return request


def _settle_money(request: ServiceRequest, actor, to: str, note: str) -> None:
    """What resolving or cancelling means for money, in the same transaction.

    Resolved: the accepted quote becomes a charge; a free repair under a supplier's
    back-to-back cover opens a recovery claim on them. Cancelled: an open quote is
    withdrawn, so the customer's link stops working.
    """
    # Imported here: quotes builds on this module.
    from aftersales.service import quotes
    from aftersales.warranty.services import open_vendor_claims

    if to == Status.RESOLVED:
        notify(
            "request_resolved",
            request=request,
            context={"resolution": request.resolution_summary},
            dedupe_key=f"resolved:{request.pk}:{request.reopen_count}",
        )
        quotes.charge_for_request(request, actor=actor)
        if request.entitlement.get("repair_charge") == FREE:
            open_vendor_claims(request, request.entitlement, actor)
    elif to == Status.CANCELLED:
        # A customer withdrawing their request does it through the system, not as staff.
        by = actor if quotes.can_manage(actor, request) else None
        for quote in request.quotes.filter(status__in=quotes.OPEN):
            quotes.withdraw_quote(quote, actor=by, reason=note)


# --- Conversation ---------------------------------------------------------------------


def check_comment(actor, request: ServiceRequest, visibility: str) -> None:
    if not access.can_view(actor, request):
        raise NotAllowed(_("You may not comment on this request."))
    if visibility not in Visibility.values:
        raise DomainError(
            _("Choose an internal note or a message to the customer."), field="visibility"
        )
    if visibility not in access.comment_visibilities(actor):
        raise NotAllowed(_("You may not write internal notes."))


def add_comment(
    request: ServiceRequest, *, actor, body: str, visibility: str = Visibility.INTERNAL
) -> TimelineEvent:
    check_comment(actor, request, visibility)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write something before sending."), field="body")
    if not _is_staff(actor):
        # A customer writing in the portal: the same as a message by any other channel.
        return receive_message(request, body=body, channel=Channel.PORTAL, actor=actor).event
    with transaction.atomic():
        news = visibility == Visibility.PUBLIC
        _touch(request, news=news)
        event = _event(request, EventKind.COMMENT, actor, body=body, visibility=visibility)
        if news:
            # A message to the customer reaches them (email threaded on the request, else
            # SMS); the portal shows it on the request's timeline as well.
            notify(
                "agent_reply",
                request=request,
                context={"message": body, "replied_by": str(actor)},
                dedupe_key=f"reply:{event.pk}",
            )
        return event


def _is_staff(actor) -> bool:
    return actor is not None and (actor.is_superuser or actor.role != Role.CUSTOMER)


def _touch(request: ServiceRequest, *, news: bool = False, at=None) -> None:
    """Count a new timeline entry as activity (the queue's "last changed") without a new
    version: a comment does not make someone's open edit of the details stale.

    `news`: the entry reached the customer (a message, a call), which answers them (the
    response clock) and keeps them informed (the update clock).
    """
    fields = {"updated_at": timezone.now()}
    if news:
        current = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        for name in clocks.responded(current, at or timezone.now()):
            fields[name] = getattr(current, name)
    ServiceRequest.objects.filter(pk=request.pk).update(**fields)


def log_call(
    request: ServiceRequest,
    *,
    actor,
    body: str,
    direction: str = CallDirection.INBOUND,
    duration_minutes: int | None = None,
    at: datetime.datetime | None = None,
) -> TimelineEvent:
    """Record a phone call with the customer on the request's timeline (internal)."""
    check_comment(actor, request, Visibility.INTERNAL)
    if direction not in CallDirection.values:
        raise DomainError(_("Say whether the call was incoming or outgoing."), field="direction")
    if duration_minutes is not None and duration_minutes < 0:
        raise DomainError(_("A call cannot last less than zero minutes."), field="duration_minutes")
    if at is not None and at > timezone.now() + CLOCK_SKEW:
        # A future time would also keep the call at the bottom of the timeline for good.
        raise DomainError(_("A call cannot be logged in the future."), field="at")
    data = {"direction": direction}
    if duration_minutes is not None:
        data["duration_minutes"] = duration_minutes
    with transaction.atomic():
        _touch(request, news=_is_staff(actor), at=at)
        return _event(request, EventKind.CALL, actor, body=(body or "").strip(), data=data, at=at)


@transaction.atomic
def add_attachment(
    request: ServiceRequest, *, actor, upload, visibility: str = Visibility.INTERNAL
) -> Attachment:
    check_comment(actor, request, visibility)
    checked = check_upload(upload)
    _touch(request)
    return _store_attachment(request, actor, upload, checked, visibility)


def _store_attachment(request, actor, upload, checked, visibility, event_data=None) -> Attachment:
    event = _event(
        request,
        EventKind.ATTACHMENT,
        actor,
        body=checked.name,
        visibility=visibility,
        data={
            "name": checked.name,
            "size": checked.size,
            "content_type": checked.content_type,
            **(event_data or {}),
        },
    )
    attachment = Attachment(
        request=request,
        event=event,
        token=secrets.token_hex(16),
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        visibility=visibility,
        uploaded_by=actor,
    )
    attachment.file.save(attachment.token, upload, save=False)
    attachment.save()
    return attachment


# --- Messages from the customer through a channel (email, chat, WeChat, SMS, portal) ------


@dataclass
class Received:
    """What `receive_message` did: the timeline entry, the files kept, the files refused
    (name and reason: a type or size we do not accept), and whether the request resumed."""

    event: TimelineEvent
    attachments: list
    refused: list
    resumed: bool


@transaction.atomic
def receive_message(
    request: ServiceRequest,
    *,
    body: str,
    channel: str,
    sender: str = "",
    actor=None,
    files: Iterable = (),
    data: dict | None = None,
    at: datetime.datetime | None = None,
) -> Received:
    """A customer's message on an open request, from any channel: a public timeline entry
    (with the files they sent, each checked for type and size), the assignee told, and a
    request that was waiting on the customer back in progress.

    `actor` is the customer's login when they write in the portal; messages from email,
    chat, WeChat and SMS have none. Channels decide what to do with finished requests (a
    reply to a closed request opens a new one); this refuses them.
    """
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if actor is not None:
        check_comment(actor, request, Visibility.PUBLIC)
    if request.status in (Status.CLOSED, Status.CANCELLED):
        raise DomainError(
            _("Request %(number)s is %(status)s: it takes no more messages.")
            % {"number": request.number, "status": request.get_status_display().lower()}
        )
    body = (body or "").strip()
    at = at or timezone.now()
    event = _event(
        request,
        EventKind.MESSAGE,
        actor,
        body=body,
        visibility=Visibility.PUBLIC,
        data={"channel": channel, "sender": sender, **(data or {})},
        at=at,
    )
    kept, refused = attach_received(request, files, actor=actor, message=event)
    _touch(request)
    resumed = _resume_on_reply(request)
    if request.assignee_id:
        notify(
            "customer_replied",
            request=request,
            user=request.assignee,
            context={"message": body[:2000], "channel": Channel(channel).label},
            dedupe_key=f"replied:{event.pk}",
        )
    return Received(event=event, attachments=kept, refused=refused, resumed=resumed)


def attach_received(request: ServiceRequest, files: Iterable, *, actor=None, message=None):
    """Keep the files a customer sent (a form's photos, an email's attachments) on the
    request as public attachments, each checked for type and size: (kept, refused).

    A file we do not accept does not lose the rest: it is named, with the reason, in an
    internal note, so staff can ask for it another way. Call inside the caller's
    transaction; `message` is the timeline entry the files came with, if any.
    """
    kept, refused = [], []
    extra = {"message": message.pk} if message is not None else None
    for upload in files:
        try:
            checked = check_upload(upload)
        except DomainError as error:
            refused.append({"name": getattr(upload, "name", ""), "reason": str(error)})
            continue
        kept.append(_store_attachment(request, actor, upload, checked, Visibility.PUBLIC, extra))
    if refused:
        _event(
            request,
            EventKind.COMMENT,
            None,
            body=_("Files not kept from the customer's message: %(files)s")
            % {"files": "; ".join(f"{r['name']} ({r['reason']})" for r in refused)},
            data={"refused": refused},
        )
    return kept, refused


def _resume_on_reply(request: ServiceRequest) -> bool:
    """A request waiting on the customer goes back to work when they answer, moved by
    its assignee (who would have done it by hand); without one it stays for the queue."""
    if request.status != Status.WAITING_CUSTOMER or request.assignee is None:
        return False
    try:
        with transaction.atomic():
            transition(
                request,
                actor=request.assignee,
                to=Status.IN_PROGRESS,
                note=_("The customer replied."),
            )
    except DomainError:
        return False
    return True


def timeline(actor, request: ServiceRequest):
    """The request's events this user may read, oldest first, with actors and attachments."""
    events = request.events.select_related("actor", "attachment")
    if not access.sees_internal(actor):
        events = events.filter(visibility=Visibility.PUBLIC)
    return events
