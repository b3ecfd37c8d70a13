"""Follow-up rules: when a follow-up is due, who may work it, and what each outcome does.

- `schedule(request, visit=None)`: one open follow-up per request, due after the rule's
  days (the most specific active `FollowUpRule` for the request's kind and plan; default
  a call after 3 days, at 18:00 local time so the whole day is left to call).
- `record(followup, actor, result=…)`: one call. Reached: the answer is stored; "solved"
  closes the request, "not solved" reopens it and tells its assignee. Not reached: tried
  again later (`RETRY_AFTER`), given up after `MAX_CALLS` calls.
Each call is also logged on the request's timeline as an outgoing call (a touchpoint).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.followup.models import (
    FollowUp,
    FollowUpAttempt,
    FollowUpRule,
    Method,
    Reached,
    Status,
)
from aftersales.notifications.services import notify
from aftersales.service import access as request_access
from aftersales.service import services as request_services
from aftersales.service.choices import CallDirection, Kind
from aftersales.service.choices import Status as RequestStatus
from aftersales.service.clocks import plan_code

DEFAULT_DAYS = 3
DUE_TIME = datetime.time(18, 0)
MAX_CALLS = 3
# After the n-th unanswered call, try again this much later.
RETRY_AFTER = (datetime.timedelta(hours=4), datetime.timedelta(days=1))


# --- Who may ------------------------------------------------------------------------------


def can_work(user) -> bool:
    """Agents, dispatchers and managers call customers back; field and partner staff do
    not (their work is the visit), customers never."""
    return bool(user and user.is_authenticated and user.is_back_office)


def visible_followups(user, queryset=None):
    queryset = FollowUp.objects.all() if queryset is None else queryset
    if not can_work(user):
        return queryset.none()
    return queryset.filter(request__in=request_access.visible_requests(user))


def check_work(user, followup: FollowUp) -> None:
    if not can_work(user) or not request_access.can_view(user, followup.request):
        raise NotAllowed(_("Only service agents and managers may record follow-up calls."))


def can_manage_rules(user) -> bool:
    return bool(user and user.is_authenticated and user.is_manager)


@transaction.atomic
def save_rule(rule: FollowUpRule, actor) -> FollowUpRule:
    """Managers set when and how to follow up; one active rule per kind and plan."""
    if not can_manage_rules(actor):
        raise NotAllowed(_("Only service managers may change follow-up rules."))
    if rule.active:
        clash = FollowUpRule.objects.filter(kind=rule.kind, plan=rule.plan, active=True).exclude(
            pk=rule.pk
        )
        if clash.exists():
            raise Conflict(
                _("An active rule for this kind and plan exists already; edit that one."),
                field="kind",
            )
    rule.save()
    return rule


# --- Scheduling ---------------------------------------------------------------------------


def rule_for(request) -> FollowUpRule | None:
    """The most specific active rule: kind and plan, then kind, then plan, then any."""
    code = plan_code(request)
    rules = [
        r
        for r in FollowUpRule.objects.filter(active=True).select_related("plan")
        if r.kind in ("", request.kind) and (r.plan is None or r.plan.code == code)
    ]
    rules.sort(key=lambda r: (not r.kind, r.plan is None))
    return rules[0] if rules else None


def due_after(moment: datetime.datetime, days: int) -> datetime.datetime:
    """18:00 local time, `days` days after `moment`."""
    day = timezone.localdate(moment) + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, DUE_TIME))


def schedule(request, *, visit=None, at: datetime.datetime | None = None) -> FollowUp:
    """The request's open follow-up: the existing one, or a new one due per its rule."""
    existing = FollowUp.objects.filter(request=request, status=Status.OPEN).first()
    if existing:
        return existing
    rule = rule_for(request)
    followup = FollowUp(
        request=request,
        visit=visit,
        method=rule.method if rule else Method.CALL,
        due_at=due_after(at or timezone.now(), rule.days if rule else DEFAULT_DAYS),
    )
    try:
        with transaction.atomic():
            followup.save()
    except IntegrityError:  # scheduled at the same moment by the other path
        return FollowUp.objects.get(request=request, status=Status.OPEN)
    return followup


def cancel_open(request) -> None:
    """A request reopened by other means needs no call about the earlier resolution."""
    FollowUp.objects.filter(request=request, status=Status.OPEN).update(
        status=Status.CANCELLED, completed_at=timezone.now()
    )


# --- Recording a call ---------------------------------------------------------------------


def _locked(followup: FollowUp, expected_version) -> FollowUp:
    current = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("request", "request__assignee")
        .get(pk=followup.pk)
    )
    if expected_version is not None and current.version != int(expected_version):
        raise Conflict(
            _("Someone else recorded a call on this follow-up meanwhile. Reload the page."),
            code="stale_version",
        )
    return current


def check_record(followup: FollowUp, result: str, solved, satisfaction) -> None:
    if followup.status != Status.OPEN:
        raise Conflict(_("This follow-up is already finished."))
    if result not in Reached.values:
        raise DomainError(_("Say whether the customer was reached."), field="result")
    if result == Reached.REACHED and solved is None:
        raise DomainError(_("Ask whether the problem is solved, and record the answer."),
                          field="solved")  # fmt: skip
    if satisfaction is not None and not 1 <= int(satisfaction) <= 5:
        raise DomainError(_("Satisfaction is from 1 to 5."), field="satisfaction")


@transaction.atomic
def record(
    followup: FollowUp,
    actor,
    *,
    result: str,
    solved: bool | None = None,
    satisfaction: int | None = None,
    comments: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> FollowUp:
    """Record one follow-up call and do what its outcome means (see the module doc)."""
    check_work(actor, followup)
    followup = _locked(followup, expected_version)
    check_record(followup, result, solved, satisfaction)
    now = timezone.now()
    FollowUpAttempt.objects.create(followup=followup, result=result, note=note, at=now, by=actor)
    followup.attempts += 1
    followup.version += 1
    request = followup.request
    if result != Reached.REACHED:
        _not_reached(followup, actor, result, note, now)
        return followup
    followup.solved = bool(solved)
    followup.satisfaction = int(satisfaction) if satisfaction is not None else None
    followup.comments = (comments or "").strip()
    followup.status = Status.DONE
    followup.completed_at, followup.completed_by = now, actor
    followup.save()
    request_services.log_call(
        request, actor=actor, direction=CallDirection.OUTBOUND, at=now,
        body=_call_summary(followup, note),
    )  # fmt: skip
    if followup.solved:
        # A complaint closes with a manager's sign-off (complaints app), not with the call.
        if request.status == RequestStatus.RESOLVED and request.kind != Kind.COMPLAINT:
            request_services.transition(request, actor=actor, to=RequestStatus.CLOSED)
    else:
        _reopen(followup, actor)
    return followup


def _call_summary(followup: FollowUp, note: str) -> str:
    parts = [
        gettext("Follow-up call: problem solved.")
        if followup.solved
        else gettext("Follow-up call: the problem is NOT solved."),
    ]
    if followup.satisfaction:
        parts.append(gettext("Satisfaction %(score)s/5.") % {"score": followup.satisfaction})
    if followup.comments:
        parts.append(followup.comments)
    if note:
        parts.append(note)
    return " ".join(parts)


def _not_reached(followup, actor, result, note, now) -> None:
    label = Reached(result).label
    if followup.attempts >= MAX_CALLS:
        followup.status = Status.UNREACHABLE
        followup.completed_at, followup.completed_by = now, actor
        text = gettext("Follow-up call %(n)s of %(max)s: %(result)s. Given up.")
    else:
        followup.due_at = now + RETRY_AFTER[min(followup.attempts, len(RETRY_AFTER)) - 1]
        text = gettext("Follow-up call %(n)s of %(max)s: %(result)s. Trying again later.")
    followup.save()
    body = text % {"n": followup.attempts, "max": MAX_CALLS, "result": label}
    request_services.log_call(
        followup.request, actor=actor, direction=CallDirection.OUTBOUND, at=now,
        body=f"{body} {note}".strip(),
    )  # fmt: skip


def _reopen(followup: FollowUp, actor) -> None:
    request = followup.request
    reason = gettext("Follow-up call: the customer says the problem is not solved.")
    if followup.comments:
        reason = f"{reason} {followup.comments}"
    if request.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
        request_services.transition(
            request, actor=actor, to=RequestStatus.IN_PROGRESS, note=reason,
            assignee=request.assignee or actor,
        )  # fmt: skip
    request.refresh_from_db()
    if request.assignee_id and request.assignee_id != actor.pk:
        notify(
            "request_reopened",
            request=request,
            user=request.assignee,
            context={"reason": reason, "reopened_by": str(actor)},
            dedupe_key=f"followup-reopened:{followup.pk}",
        )
