"""Use cases of preventive maintenance: plans, the jobs generated from them, the
checklist filled in on site and the report it produces.

Decisions (issue 10):
- A unit follows its most specific plans (contract, then service plan, then product
  model; see `coverage`).
- Contracts' included visits (`ServicePlan.pm_visits_per_year`) count per unit and per
  contract year (from the contract's start). Within the quota a job is free. Beyond it a
  plan of the contract (or of its service plan) owes nothing more: the job is recorded as
  *skipped* (no request, no visit, visible on the list). A product-model plan's visit is
  the manufacturer's recommendation: beyond the quota, or for a unit without a contract,
  it is still created, marked *chargeable*.
- Generated requests and visits are the system's (actor none): the visit is written like
  `dispatch.services.create_visit` does, unscheduled with the due week as its window,
  but without starting the request's on-site clock (a visit a month ahead is not late);
  the request's clocks run from the due week.
- Plans by hours of use are planned ahead too: at the unit's rate of use over the last
  30 days (`iot.selectors.usage`), the day it reaches the next multiple; a
  multiple once planned is not planned again when the unit gets there.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import BACK_OFFICE, MANAGERS, Role, role_of
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.field import services as field_services
from aftersales.maintenance import coverage, planning
from aftersales.maintenance.models import (
    ChecklistItem,
    JobSource,
    JobStatus,
    MaintenanceJob,
    MaintenancePlan,
)
from aftersales.service.choices import Channel, EventKind, Kind, Priority, Visibility
from aftersales.service.models import TimelineEvent

log = logging.getLogger(__name__)

# Jobs that use a contract's included visits.
COUNTED = (JobStatus.OPEN, JobStatus.DONE)


# --- Who may ------------------------------------------------------------------------------


def can_view(user) -> bool:
    """The /maintenance/ pages and API: the back office."""
    return role_of(user) in BACK_OFFICE


def can_manage_plans(user) -> bool:
    return role_of(user) in MANAGERS


def check_manage_plans(user) -> None:
    if not can_manage_plans(user):
        raise NotAllowed(_("Only managers and administrators may change maintenance plans."))


# --- Plans --------------------------------------------------------------------------------


def check_plan(fields: dict, items: list[dict]) -> None:
    scopes = [name for name in ("product", "contract", "service_plan") if fields.get(name)]
    if len(scopes) != 1:
        raise DomainError(
            _("Choose exactly one of: a product model, a contract or a service plan."),
            field="product",
        )
    if not fields.get("every_months") and not fields.get("every_hours"):
        raise DomainError(
            _("Give how often: every N months, every N hours of use, or both."),
            field="every_months",
        )
    for number, item in enumerate(items, start=1):
        _check_item(number, item)


def _check_item(number: int, item: dict) -> None:
    if not (item.get("text") or "").strip():
        raise DomainError(_("Checklist item %(n)s: say what to check.") % {"n": number})
    if item.get("kind", "check") not in ("check", "measure"):
        raise DomainError(_("Checklist item %(n)s: the kind is check or measure.") % {"n": number})
    if item.get("kind") == "measure":
        # Limits may come as text (API, imports): compare them as numbers, not strings.
        low, high = (
            None if item.get(end) in (None, "") else _decimal(item[end], number)
            for end in ("low", "high")
        )
        if low is None and high is None:
            raise DomainError(
                _("Checklist item %(n)s: a measured value needs a lowest or highest value.")
                % {"n": number}
            )
        if low is not None and high is not None and low > high:
            raise DomainError(
                _("Checklist item %(n)s: the lowest value is above the highest.") % {"n": number}
            )


@transaction.atomic
def save_plan(
    actor,
    *,
    plan: MaintenancePlan | None = None,
    fields: dict,
    items: list[dict],
    expected_version: int | None = None,
) -> MaintenancePlan:
    """Create or change a plan with its ordered checklist (replaced as a whole: results
    keep their own copy of the items they were filled against)."""
    check_manage_plans(actor)
    check_plan(fields, items)
    if plan is None:
        plan = MaintenancePlan()
    else:
        plan = MaintenancePlan.objects.select_for_update().get(pk=plan.pk)
        if expected_version is not None and plan.version != int(expected_version):
            raise Conflict(_("Someone else changed this plan meanwhile; reload and try again."))
        plan.version += 1
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean(exclude=["version"])
    plan.save()
    plan.items.all().delete()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            plan=plan,
            position=position,
            text=item["text"].strip(),
            kind=item.get("kind") or "check",
            low=None if item.get("low") in (None, "") else item["low"],
            high=None if item.get("high") in (None, "") else item["high"],
            unit=(item.get("unit") or "").strip(),
        )
        for position, item in enumerate(items, start=1)
    )
    return plan


# --- Generating jobs ----------------------------------------------------------------------


def _anchor(cover: coverage.Cover) -> datetime.date:
    """Where the calendar starts when the unit never had a job under the plan: its
    installation (or delivery, purchase, first record), and not before the contract."""
    unit = cover.unit
    start = (
        unit.installed_on
        or unit.delivered_on
        or unit.purchased_on
        or unit.warranty_starts_on
        or timezone.localdate(unit.created_at)
    )
    if cover.plan.by_contract and cover.contract is not None:
        start = max(start, cover.contract.starts_on)
    return start


def _history(covers) -> tuple[dict, dict, set]:
    """(last due, last done, last hours) per (unit, plan); the free jobs' due dates per
    (unit, contract); every (unit, plan, due date) that exists."""
    plan_ids = {cover.plan.pk for cover in covers}
    unit_ids = {cover.unit.pk for cover in covers}
    last, used, seen = {}, {}, set()
    rows = MaintenanceJob.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "plan_id", "due_on", "status", "completed_on", "due_hours", "contract_id",
        "chargeable",
    )  # fmt: skip
    for unit_id, plan_id, due_on, status, completed_on, due_hours, contract_id, paid in rows:
        seen.add((unit_id, plan_id, due_on))
        if contract_id and not paid and status in COUNTED:
            used.setdefault((unit_id, contract_id), []).append(due_on)
        if plan_id not in plan_ids or status == JobStatus.CANCELLED:
            continue
        key = (unit_id, plan_id)
        due, done, hours = last.get(key, (None, None, 0))
        due = max(due, due_on) if due else due_on
        if status == JobStatus.DONE and completed_on:
            done = max(done, completed_on) if done else completed_on
        last[key] = (due, done, max(hours, due_hours or 0))
    return last, used, seen


def _terms(cover, due_on, used) -> tuple[str, bool]:
    """(status, chargeable) of a job due on `due_on`, honouring the contract's quota."""
    contract = cover.contract
    if contract is not None and coverage.covers(contract, due_on):
        start, end = planning.contract_year(contract.starts_on, due_on)
        taken = [day for day in used.get((cover.unit.pk, contract.pk), []) if start <= day < end]
        if len(taken) < contract.plan.pm_visits_per_year:
            return JobStatus.OPEN, False
    if cover.plan.by_contract:
        return JobStatus.SKIPPED, False
    return JobStatus.OPEN, True


GRACE_DAYS = 30


def _dues(cover, last, hours, rates, today, until) -> list[tuple[datetime.date, str, int | None]]:
    plan = cover.plan
    previous = last.get((cover.unit.pk, plan.pk))
    dues = []
    if plan.every_months:
        # The calendar counts from the last maintenance done, else from the start; jobs
        # already made are not made again (due dates never drift by short months).
        last_due, last_done, _hours = previous or (None, None, 0)
        anchor = last_done or _anchor(cover)
        # A unit never planned under this plan (plan just written, unit just registered)
        # still gets a date missed in the last GRACE_DAYS, as an overdue visit, instead
        # of waiting a whole period; older dates are not owed any more.
        first = today - datetime.timedelta(days=GRACE_DAYS)
        start = max(today, last_due + datetime.timedelta(days=1)) if last_due else first
        dues += [(day, JobSource.CALENDAR, None) for day in
                 planning.calendar_dues(anchor, plan.every_months, start, until)]  # fmt: skip
    last_multiple = previous[2] if previous else None
    crossed = planning.hours_due(hours.get(cover.unit.pk), plan.every_hours, last_multiple)
    if crossed is not None:
        dues.append((today, JobSource.HOURS, crossed))
        return dues
    ahead = planning.hours_forecast(hours.get(cover.unit.pk), rates.get(cover.unit.pk),
                                    plan.every_hours, last_multiple, today, until)  # fmt: skip
    if ahead is not None:
        dues.append((ahead[0], JobSource.HOURS, ahead[1]))
    return dues


def plan_visits(today: datetime.date | None = None, horizon_days: int = 30) -> list:
    """Create the jobs (request + unscheduled visit) of every covered unit due from today
    to `horizon_days` ahead. Idempotent: what exists is not created again."""
    from aftersales.iot.selectors import usage

    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=horizon_days)
    covers = coverage.covered(today)
    last, used, seen = _history(covers)
    by_hours = {cover.unit.pk for cover in covers if cover.plan.every_hours}
    hours, rates = usage(by_hours)
    created = []
    for cover in covers:
        if cover.plan.by_contract and cover.contract is None:
            continue
        for due_on, source, due_hours in _dues(cover, last, hours, rates, today, until):
            key = (cover.unit.pk, cover.plan.pk, due_on)
            if key in seen:
                continue
            if cover.plan.by_contract and not coverage.covers(cover.contract, due_on):
                continue
            status, chargeable = _terms(cover, due_on, used)
            job = _create_once(cover, due_on, source, due_hours, status, chargeable)
            seen.add(key)
            if job is None:
                continue
            created.append(job)
            if job.contract_id and not chargeable and status in COUNTED:
                used.setdefault((cover.unit.pk, job.contract_id), []).append(due_on)
    return created


def _create_once(cover, due_on, source, due_hours, status, chargeable):
    """One job in its own transaction; another process that made it first wins."""
    try:
        with transaction.atomic():
            return open_job(
                cover.unit,
                cover.plan,
                due_on,
                source=source,
                due_hours=due_hours,
                contract=cover.contract,
                chargeable=chargeable,
                status=status,
                channel=Channel.API,
            )
    except IntegrityError:
        log.info("maintenance job of unit %s due %s exists already", cover.unit.pk, due_on)
        return None


def _subject(plan, unit) -> str:
    name = plan.name if plan else _("Preventive maintenance")
    return f"{name}: {unit.product} {unit.serial_number}"[:200]


def _description(plan, due_on, chargeable, reason) -> str:
    lines = [str(_("Preventive maintenance due on %(day)s.") % {"day": due_on.isoformat()})]
    if chargeable:
        lines.append(str(_("Not included in a contract: chargeable.")))
    if reason:
        lines.append(reason)
    if plan is not None and plan.skill_id:
        lines.append(
            str(
                _("Required skill: %(skill)s, level %(level)s or above.")
                % {"skill": plan.skill, "level": plan.get_skill_level_display()}
            )
        )
    return "\n".join(lines)


def _center_for(unit):
    customer = unit.customer
    found = field_services.centers_covering(customer.city, getattr(customer, "district", ""))
    return found[0] if found else None


def open_job(
    unit,
    plan,
    due_on,
    *,
    source,
    status=JobStatus.OPEN,
    contract=None,
    chargeable=False,
    due_hours=None,
    reason="",
    actor=None,
    channel=Channel.API,
) -> MaintenanceJob:
    """The job row and, unless skipped, its request of kind maintenance and its visit."""
    from aftersales.service import services as service_services

    job = MaintenanceJob(
        plan=plan,
        unit=unit,
        due_on=due_on,
        due_hours=due_hours,
        source=source,
        status=status,
        contract=contract,
        chargeable=chargeable,
        reason=reason[:255],
        created_by=actor,
    )
    if status == JobStatus.SKIPPED:
        job.save()
        return job
    center = _center_for(unit)
    job.request = service_services.create_request(
        actor=actor,
        customer=unit.customer,
        subject=_subject(plan, unit),
        channel=channel,
        kind=Kind.MAINTENANCE,
        unit=unit,
        description=_description(plan, due_on, chargeable, reason),
        # Planned ahead, not a breakdown: the longest service-level targets.
        priority=Priority.LOW if source == JobSource.CALENDAR else Priority.NORMAL,
        **({"service_center": center} if center else {}),
    )
    _clocks_from(job.request, _window(due_on)[0])
    job.visit = _visit(job.request, center, plan, due_on, actor)
    job.save()
    return job


CLOCK_FIELDS = [
    "response_due_at",
    "response_warn_at",
    "resolution_due_at",
    "resolution_warn_at",
    "onsite_due_at",
    "onsite_warn_at",
    "update_due_at",
    "sla",
]


def _clocks_from(request, start) -> None:
    """A request planned weeks ahead is not late before its week comes: its service-level
    clocks (and so escalations and the queue's overdue flags) run from the due week."""
    from aftersales.service import clocks

    if start <= request.received_at:
        return
    clocks.start(request, since=start)
    request.save(update_fields=CLOCK_FIELDS)


def _window(due_on):
    monday, sunday = planning.due_week(due_on)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(monday, datetime.time(0, 0), zone)
    end = datetime.datetime.combine(sunday + datetime.timedelta(days=1), datetime.time(0, 0), zone)
    return start, end


def _visit(request, center, plan, due_on, actor):
    """The request's unscheduled visit in the due week, as dispatch writes one. A person
    goes through dispatch's own checks; the planner (no person) writes the same row."""
    if center is None:
        log.warning(
            "No center covers %s: maintenance request %s has no visit",
            request.customer,
            request.number,
        )
        return None
    # An overdue visit is wanted this week, not in a week gone by.
    window = _window(max(due_on, timezone.localdate()))
    duration = plan.duration_minutes if plan else 60
    skill = plan.skill if plan and plan.skill_id else None
    level = plan.skill_level if skill is not None else None
    from aftersales.dispatch import services as dispatch_services

    if actor is not None:
        return dispatch_services.create_visit(
            request, actor=actor, center=center, window=window, duration_minutes=duration,
            skill=skill, skill_level=level,
        )  # fmt: skip
    visit = Visit.objects.create(
        request=request,
        center=center,
        status=VisitStatus.UNSCHEDULED,
        day=timezone.localdate(window[0]),
        window_start=window[0],
        window_end=window[1],
        duration_minutes=duration,
        skill=skill or (request.unit.product.category if request.unit_id else None),
        skill_level=level,
        address=dispatch_services.customer_address(request),
    )
    TimelineEvent.objects.create(
        request=request,
        kind=EventKind.VISIT,
        actor=None,
        visibility=Visibility.INTERNAL,
        data={"visit": visit.pk, "action": "created", "center": center.pk,
              "window": [window[0].isoformat(), window[1].isoformat()],
              "duration_minutes": duration},
        created_at=timezone.now(),
    )  # fmt: skip
    return visit


# --- Now, for a unit (iot rules) ----------------------------------------------------------


def open_job_of(unit) -> MaintenanceJob | None:
    return (
        MaintenanceJob.objects.filter(unit=unit, status=JobStatus.OPEN)
        .select_related("request", "visit", "plan")
        .order_by("due_on", "pk")
        .first()
    )


@transaction.atomic
def schedule_now(unit, *, reason: str, actor=None, channel=Channel.IOT) -> MaintenanceJob:
    """Maintenance for `unit` now (an iot rule's action "schedule preventive maintenance",
    or a person): a job due today under the unit's applicable plan (a plain maintenance
    request when it has none). The unit's open job, if it has one, is returned instead of
    a second one."""
    from aftersales.assets.models import Unit

    if actor is not None and role_of(actor) not in BACK_OFFICE:
        raise NotAllowed(_("Only the back office may ask for maintenance now."))
    # One at a time per unit: two alarms at once must not make two jobs.
    unit = Unit.objects.select_for_update().select_related("customer", "product").get(pk=unit.pk)
    existing = open_job_of(unit)
    if existing is not None:
        return existing
    today = timezone.localdate()
    covers = coverage.plans_for_unit(unit, today)
    cover = covers[0] if covers else None
    plan = cover.plan if cover else None
    contract = cover.contract if cover else None
    status, chargeable = JobStatus.OPEN, True
    if cover is not None:
        _last, used, _seen = _history([cover])
        status, chargeable = _terms(cover, today, used)
        if status == JobStatus.SKIPPED:
            # Asked for explicitly: done anyway, but not free.
            status, chargeable = JobStatus.OPEN, True
    day = today
    while MaintenanceJob.objects.filter(unit=unit, plan=plan, due_on=day).exists():
        day += datetime.timedelta(days=1)
    return open_job(
        unit, plan, day, source=JobSource.NOW, contract=contract, chargeable=chargeable,
        reason=reason, actor=actor, channel=channel,
    )  # fmt: skip


# --- Role helpers for the checklist -------------------------------------------------------


def can_fill(user, job: MaintenanceJob) -> bool:
    """The visit's technician, and managers / administrators."""
    role = role_of(user)
    if role in MANAGERS:
        return True
    visit = job.visit
    return (
        role == Role.TECHNICIAN
        and visit is not None
        and visit.technician_id is not None
        and visit.technician.user_id == user.pk
    )


# --- The checklist on site ----------------------------------------------------------------

# Visits on which the checklist may be completed: the technician is there, or has been.
CAN_COMPLETE_ON = (VisitStatus.ON_SITE, VisitStatus.COMPLETED)


def check_fill(user, job: MaintenanceJob) -> None:
    if not can_fill(user, job):
        raise NotAllowed(_("Only the visit's technician or a manager may fill in this checklist."))
    if job.status != JobStatus.OPEN:
        raise Conflict(_("This maintenance is %(status)s; its checklist is final.")
                       % {"status": job.get_status_display().lower()})  # fmt: skip


def latest_result(job: MaintenanceJob):
    return job.results.order_by("-number").first()


def blank_items(job: MaintenanceJob) -> list[dict]:
    """The plan's items as the checklist starts: nothing found yet."""
    if job.plan_id is None:
        return []
    return [
        {
            "key": str(item.pk),
            "text": item.text,
            "kind": item.kind,
            "low": None if item.low is None else str(item.low),
            "high": None if item.high is None else str(item.high),
            "unit": item.unit,
            "passed": None,
            "value": "",
            "note": "",
            "action": "",
            "action_due": "",
        }
        for item in job.plan.items.all()
    ]


def current_items(job: MaintenanceJob) -> list[dict]:
    result = latest_result(job)
    return [dict(item) for item in result.items] if result else blank_items(job)


def _decimal(value, number):
    from decimal import Decimal, InvalidOperation

    text = str(value).strip().replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DomainError(
            _("Item %(n)s: %(value)s is not a number.") % {"n": number, "value": value},
            field=f"value_{number}",
        ) from None


def _in_range(item, measured) -> bool:
    from decimal import Decimal

    low, high = item.get("low"), item.get("high")
    return (low is None or measured >= Decimal(low)) and (high is None or measured <= Decimal(high))


def _apply(number: int, item: dict, answer: dict) -> dict:
    """One item with what was found: a measured value out of range is a failure, whatever
    was ticked."""
    item = dict(item)
    item["note"] = (answer.get("note") or "").strip()[:500]
    item["action"] = (answer.get("action") or "").strip()[:500]
    due = answer.get("action_due")
    item["action_due"] = due.isoformat() if hasattr(due, "isoformat") else (due or "")
    if item["kind"] == "measure":
        value = answer.get("value")
        if value in (None, ""):
            item["value"], item["passed"] = "", None
        else:
            measured = _decimal(value, number)
            item["value"], item["passed"] = str(measured), _in_range(item, measured)
    else:
        passed = answer.get("passed")
        item["passed"] = None if passed in (None, "") else passed in (True, "true", "pass", "1")
    return item


def _check_complete(job: MaintenanceJob, items: list[dict]) -> None:
    if job.visit_id and job.visit.status not in CAN_COMPLETE_ON:
        raise DomainError(_("Complete the checklist on site: check in first."))
    for number, item in enumerate(items, start=1):
        if item["passed"] is None:
            raise DomainError(
                _("Item %(n)s (%(text)s) has no result yet.") % {"n": number, "text": item["text"]},
                field=f"item_{number}",
            )
        if item["passed"] is False and not item["action"]:
            raise DomainError(
                _("Item %(n)s (%(text)s) failed: say what was agreed with the customer.")
                % {"n": number, "text": item["text"]},
                field=f"action_{number}",
            )


@transaction.atomic
def save_checklist(
    job: MaintenanceJob,
    actor,
    *,
    answers: dict,
    complete: bool = False,
    expected_version: int | None = None,
):
    """Save what was found as a new version of the checklist (answers by item key); with
    `complete`, the version is final, the job done and the report printed and sent."""
    check_fill(actor, job)
    job = (
        MaintenanceJob.objects.select_for_update(of=("self",))
        .select_related(
            "plan", "unit__customer", "unit__product", "request", "visit__technician__user"
        )
        .get(pk=job.pk)
    )
    check_fill(actor, job)
    if expected_version is not None and job.version != int(expected_version):
        raise Conflict(_("Someone else saved this checklist meanwhile; reload and try again."))
    items = [
        _apply(number, item, answers.get(item["key"], {}))
        for number, item in enumerate(current_items(job), start=1)
    ]
    if complete:
        _check_complete(job, items)
    from aftersales.maintenance.models import ChecklistResult, Outcome

    previous = latest_result(job)
    result = ChecklistResult.objects.create(
        job=job,
        number=(previous.number + 1) if previous else 1,
        items=items,
        completed=complete,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    job.version += 1
    fields = ["version"]
    if complete:
        job.status = JobStatus.DONE
        job.completed_on = timezone.localdate()
        passed = all(item["passed"] for item in items)
        job.outcome = Outcome.PASSED if passed else Outcome.FAILED
        fields += ["status", "completed_on", "outcome"]
        if job.request_id:
            job.report = _file_report(job, result, actor)
            fields.append("report")
    job.save(update_fields=fields)
    return result


def _file_report(job: MaintenanceJob, result, actor):
    """The report in the customer's language, filed on the request (public) and mailed."""
    from django.core.files.base import ContentFile
    from django.utils import translation

    from aftersales.maintenance import pdf
    from aftersales.notifications.services import notify
    from aftersales.service import services as service_services

    customer = job.unit.customer
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        passed = job.outcome == "passed"
        content = pdf.report_pdf(job, result)
        title = pdf.title(passed)
        findings = _findings(result)
    attachment = service_services.add_attachment(
        job.request,
        actor=actor,
        upload=ContentFile(content, name=f"{job.request.number}-maintenance-{job.pk}.pdf"),
        visibility=Visibility.PUBLIC,
    )
    notify(
        "maintenance_report",
        request=job.request,
        customer=customer,
        context={
            "report_title": title,
            "product": job.unit.product.name,
            "serial_number": job.unit.serial_number,
            "findings": findings,
            "technician_name": str(actor.get_full_name() or actor),
        },
        dedupe_key=f"maintenance-report:{job.pk}",
        attachments=[attachment],
    )
    return attachment


def _findings(result) -> str:
    """What the email says was found: the failed items, or that all is well."""
    failed = [item["text"] for item in result.items if item.get("passed") is False]
    if failed:
        return str(_("Items that need corrective action: %(items)s.")
                   % {"items": "; ".join(failed)})  # fmt: skip
    return str(_("All items meet the requirements."))
