"""`{% maintenance_checklist visit %}`: the checklist panel on a maintenance visit's page
(dispatch's template), so the dispatch view needs no change to show it."""

from django import template

from aftersales.maintenance import planning, selectors, services

register = template.Library()


@register.inclusion_tag("maintenance/_visit_checklist.html", takes_context=True)
def maintenance_checklist(context, visit):
    request = context.get("request")
    # Only maintenance requests have jobs: other visits cost no query.
    if visit is None or visit.request.kind != "maintenance":
        return {"job": None}
    job = selectors.job_of_visit(visit.pk)
    if job is None or request is None:
        return {"job": None}
    user = request.user
    return {
        "job": job,
        "items": services.current_items(job),
        "can_fill": services.can_fill(user, job) and job.status == "open",
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


UNIT_JOBS = 5


@register.inclusion_tag("maintenance/_unit_panel.html", takes_context=True)
def unit_maintenance(context, unit):
    """The unit page's preventive maintenance: the plan it follows and its latest jobs."""
    request = context.get("request")
    if request is None or not services.can_view(request.user):
        return {"show": False}
    from django.utils import timezone

    from aftersales.maintenance import coverage

    return {
        "show": True,
        "covers": coverage.plans_for_unit(unit, timezone.localdate()),
        "jobs": list(selectors.jobs().filter(unit=unit).order_by("-due_on", "-pk")[:UNIT_JOBS]),
    }


@register.filter
def limits(item: dict) -> str:
    """`{{ item|limits }}`: a checklist item's acceptable range, as the report prints it."""
    return planning.limits_text(item)
