"""The deadline watch: which requests a rule fires for, and what firing does.

`watch(now)` runs every minute in the background (see `tasks.py`). For each active rule
it finds the open requests whose clock reached the rule's point and that the rule has
not yet fired for at that deadline; each one is escalated in its own transaction: the
escalation row (unique per request, rule and deadline, so a retried or concurrent run
does nothing twice), the people told through the outbox, the priority raised or the
request handed to the team lead, and an internal timeline entry saying all of it.
A deadline that moves (a pause, a new priority) is a new deadline: rules fire again.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role, signed_in
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.escalations.models import Clock, Escalation, EscalationRule, Trigger
from aftersales.notifications.services import notify
from aftersales.service.choices import PRIORITY_RANK, EventKind, Priority, Visibility
from aftersales.service.models import ServiceRequest, TimelineEvent

log = logging.getLogger(__name__)

# Per clock: its deadline, its warning time, and what "still running" means.
CLOCKS = {
    Clock.RESPONSE: ("response_due_at", "response_warn_at", Q(first_response_at=None)),
    Clock.RESOLUTION: ("resolution_due_at", "resolution_warn_at", Q(paused_at=None)),
    Clock.ONSITE: ("onsite_due_at", "onsite_warn_at", Q(arrived_at=None)),
    Clock.UPDATE: ("update_due_at", None, Q()),
}
BATCH = 200
PRIORITY_BY_RANK = {rank: value for value, rank in PRIORITY_RANK.items()}


def can_read(user) -> bool:
    return signed_in(user) and user.is_back_office


def can_manage(user) -> bool:
    return signed_in(user) and user.is_manager


def check_manage(actor) -> None:
    if actor is not None and not can_manage(actor):
        raise NotAllowed(_("Only administrators and service managers may change escalation rules."))


def check_rule(rule: EscalationRule) -> None:
    """A rule must be able to fire and must do something when it does."""
    if rule.trigger == Trigger.WARNING and rule.clock == Clock.UPDATE:
        raise DomainError(
            _("The update clock has no warning time; escalate when it has passed."),
            field="trigger",
        )
    if rule.trigger == Trigger.WARNING and rule.after_minutes:
        raise DomainError(
            _("A delay applies only after the deadline has passed."), field="after_minutes"
        )
    if not any(
        (rule.notify_assignee, rule.notify_team_lead, rule.notify_managers,
         rule.raise_priority, rule.reassign_to_lead)
    ):  # fmt: skip
        raise DomainError(
            _("Choose at least one thing to do: tell someone, raise the priority or reassign."),
            field="notify_assignee",
        )


@transaction.atomic
def save_rule(rule: EscalationRule, *, actor) -> EscalationRule:
    check_manage(actor)
    rule.name = (rule.name or "").strip()
    if not rule.name:
        raise DomainError(_("Give the rule a name."), field="name")
    check_rule(rule)
    rule.full_clean()
    rule.save()
    return rule


# --- The watch --------------------------------------------------------------------------


def due_requests(rule: EscalationRule, now: datetime.datetime):
    """Open requests the rule should fire for now, and has not fired for at this deadline."""
    due_field, warn_field, running = CLOCKS[rule.clock]
    if rule.trigger == Trigger.WARNING:
        reached = Q(**{f"{warn_field}__lte": now, f"{due_field}__gt": now})
    else:
        reached = Q(**{f"{due_field}__lte": now - datetime.timedelta(minutes=rule.after_minutes)})
    fired = Escalation.objects.filter(request=OuterRef("pk"), rule=rule, due_at=OuterRef(due_field))
    found = ServiceRequest.objects.open().filter(running, reached).filter(~Exists(fired))
    if rule.policy_id:
        found = found.filter(sla__policy__id=rule.policy_id)
    return found.order_by(due_field, "id")


def watch(now: datetime.datetime | None = None) -> int:
    """Fire every rule that is due; returns how many escalations were made."""
    now = now or timezone.now()
    made = 0
    for rule in EscalationRule.objects.filter(active=True).select_related("policy"):
        for request_id in due_requests(rule, now).values_list("pk", flat=True)[:BATCH]:
            try:
                if escalate(request_id, rule, now):
                    made += 1
            except Exception:  # noqa: BLE001 - one bad request must not stop the watch
                log.exception("escalating request %s by rule %s failed", request_id, rule.pk)
    return made


@transaction.atomic
def escalate(request_id: int, rule: EscalationRule, now) -> Escalation | None:
    """Fire `rule` for one request, once; None when it no longer applies or already fired."""
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("assignee", "team__lead", "customer")
        .get(pk=request_id)
    )
    if not due_requests(rule, now).filter(pk=request.pk).exists():
        return None  # changed since it was found (answered, resolved, paused, fired)
    due_at = getattr(request, CLOCKS[rule.clock][0])
    # The row lock above makes a concurrent run wait and then find this escalation; the
    # unique constraint is the backstop (the whole escalation then rolls back).
    actions = _act(request, rule, due_at, now)
    escalation = Escalation.objects.create(
        request=request, rule=rule, clock=rule.clock, due_at=due_at, fired_at=now,
        actions=actions,
    )  # fmt: skip
    TimelineEvent.objects.create(
        request=request,
        kind=EventKind.ESCALATION,
        visibility=Visibility.INTERNAL,
        body=describe(rule, request, actions),
        data={"rule": rule.pk, "clock": rule.clock, "trigger": rule.trigger,
              "due_at": due_at.isoformat(), **actions},
        created_at=now,
    )  # fmt: skip
    return escalation


def _act(request: ServiceRequest, rule: EscalationRule, due_at, now) -> dict:
    actions = {}
    changed = []
    if rule.raise_priority and PRIORITY_RANK[request.priority] < PRIORITY_RANK[Priority.URGENT]:
        new = PRIORITY_BY_RANK[PRIORITY_RANK[request.priority] + 1]
        actions["priority"] = [request.priority, new]
        request.priority = new
        changed.append("priority")
    lead = request.team.lead if request.team_id and request.team.lead_id else None
    if rule.reassign_to_lead and lead and lead.is_active and request.assignee_id != lead.pk:
        actions["assignee"] = [str(request.assignee or ""), str(lead)]
        request.assignee = lead
        changed.append("assignee")
    if changed:
        request.version += 1
        request.save(update_fields=[*changed, "version", "updated_at"])
    event = "sla_warning" if rule.trigger == Trigger.WARNING else "sla_breached"
    gap = abs(due_at - now)
    context = {
        "deadline_kind": str(Clock(rule.clock).label),
        "deadline": f"{timezone.localtime(due_at):%Y-%m-%d %H:%M}",
        "time_left" if rule.trigger == Trigger.WARNING else "overdue_by": _duration(gap),
        "priority": str(Priority(request.priority).label),
        "escalation_level": "2" if rule.after_minutes else "1",
        "rule": rule.name,
    }
    notified = []
    people = recipients(request, rule)
    for user in people:
        sent = notify(
            event, request=request, user=user, context=context,
            dedupe_key=f"escalation:{request.pk}:{rule.pk}:{due_at.isoformat()}:{user.pk}",
        )  # fmt: skip
        if sent:
            notified.append(user.pk)
    actions["notified"] = notified
    actions["told"] = [str(user) for user in people]
    return actions


def _duration(gap: datetime.timedelta) -> str:
    """ "2 d 5 h", "3 h 20 min", "45 min": as precise as someone reading a warning needs."""
    minutes = int(gap.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours_of_day = divmod(hours, 24)
    if days >= 2:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours_of_day}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


def recipients(request: ServiceRequest, rule: EscalationRule) -> list[User]:
    people = []
    if rule.notify_assignee and request.assignee_id:
        people.append(request.assignee)
    if rule.notify_team_lead and request.team_id and request.team.lead_id:
        people.append(request.team.lead)
    if rule.notify_managers:
        people += list(User.objects.filter(is_active=True, role=Role.MANAGER).order_by("id"))
    unique = {}
    for person in people:
        if person.is_active:
            unique.setdefault(person.pk, person)
    return list(unique.values())


def describe(rule: EscalationRule, request: ServiceRequest, actions: dict) -> str:
    """The timeline's sentence for an escalation, in the language of the moment."""
    clock = Clock(rule.clock).label
    parts = [
        _("%(clock)s deadline near") % {"clock": clock}
        if rule.trigger == Trigger.WARNING
        else _("%(clock)s deadline passed") % {"clock": clock}
    ]
    if actions.get("told"):
        parts.append(_("told %(people)s") % {"people": ", ".join(actions["told"])})
    if "priority" in actions:
        old, new = actions["priority"]
        parts.append(
            _("priority raised from %(old)s to %(new)s")
            % {"old": Priority(old).label, "new": Priority(new).label}
        )
    if "assignee" in actions:
        parts.append(_("handed to %(lead)s") % {"lead": actions["assignee"][1]})
    return f"{rule.name}: " + "; ".join(str(part) for part in parts)
