"""Maintenance pages (/maintenance/): upcoming and overdue jobs, plans (managers edit
them with their checklist inline), contracts' included visits, and a job's checklist
(the visit's technician on their phone, or a manager). Thin: rules are in services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.exports import table_response
from aftersales.core.forms import show_error
from aftersales.core.http import next_url
from aftersales.maintenance import selectors, services
from aftersales.maintenance.filters import JobFilter
from aftersales.maintenance.forms import ItemFormSet, PlanForm, item_initial, items_of
from aftersales.maintenance.models import MaintenanceJob

NAV = "maintenance"
view_required = allowed_if(services.can_view)
manage_required = allowed_if(services.can_manage_plans)
LIST_LIMIT = 500


@view_required
@require_GET
def home(request):
    """Upcoming and overdue maintenance, filterable, to CSV / Excel."""
    filters = JobFilter(request.GET or None, queryset=selectors.jobs())
    rows = filters.qs if filters.is_bound and filters.is_valid() else selectors.jobs()
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return table_response("maintenance-jobs", fmt, _headers(), _rows(rows))
    return render(
        request,
        "maintenance/home.html",
        {"nav": NAV, "filters": filters, "jobs": rows[:LIST_LIMIT],
         "limit": LIST_LIMIT, "can_manage": services.can_manage_plans(request.user)},
    )  # fmt: skip


def _headers():
    return [_("Due on"), _("Status"), _("Customer"), _("Product"), _("Serial number"),
            _("Plan"), _("Request"), _("Service center"), _("Technician"), _("Chargeable"),
            _("Outcome")]  # fmt: skip


def _rows(jobs):
    for job in jobs:
        visit = job.visit
        technician = visit.technician.user.get_full_name() if visit and visit.technician else ""
        yield [job.due_on, job.get_status_display(), job.unit.customer.name, str(job.unit.product),
               job.unit.serial_number, job.plan.name if job.plan else "",
               job.request.number if job.request else "", visit.center.name if visit else "",
               technician, _("yes") if job.chargeable else _("no"),
               job.get_outcome_display()]  # fmt: skip


@view_required
@require_GET
def plan_list(request):
    return render(
        request,
        "maintenance/plan_list.html",
        {
            "nav": NAV,
            "plans": selectors.plans(),
            "can_manage": services.can_manage_plans(request.user),
        },
    )


@manage_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk=None):
    plan = selectors.plan_with_items(pk) if pk else None
    form = PlanForm(request.POST or None, instance=plan)
    # Rows posted are the checklist as a whole; the plan's items only fill the first form.
    initial = None if request.method == "POST" else item_initial(plan)
    formset = ItemFormSet(request.POST or None, initial=initial, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {name: form.cleaned_data[name] for name in PlanForm.Meta.fields}
        try:
            saved = services.save_plan(
                request.user, plan=plan, fields=fields, items=items_of(formset),
                expected_version=request.POST.get("version") or None,
            )  # fmt: skip
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("maintenance:plan_edit", pk=saved.pk)
    return render(
        request,
        "maintenance/plan_form.html",
        {"nav": NAV, "form": form, "formset": formset, "plan": plan},
        status=400 if request.method == "POST" else 200,
    )


@view_required
@require_GET
def contract_usage(request):
    today = timezone.localdate()
    return render(
        request,
        "maintenance/contracts.html",
        {"nav": NAV, "rows": selectors.contract_usage(today), "today": today},
    )


def _answers(post, items) -> dict:
    answers = {}
    for item in items:
        key = item["key"]
        answers[key] = {
            "passed": post.get(f"passed_{key}", ""),
            "value": post.get(f"value_{key}", ""),
            "note": post.get(f"note_{key}", ""),
            "action": post.get(f"action_{key}", ""),
            "action_due": post.get(f"action_due_{key}", ""),
        }
    return answers


def _may_see(user, job: MaintenanceJob) -> bool:
    return services.can_view(user) or services.can_fill(user, job)


@require_http_methods(["GET", "POST"])
@allowed_if(lambda user: True)
def job_detail(request, pk):
    """A job with its checklist: a form while open (for who may fill it), the final
    record and its report once done. POSTed from here or from the visit page."""
    job = get_object_or_404(selectors.jobs(), pk=pk)
    if not _may_see(request.user, job):
        raise PermissionDenied
    error = None
    items = services.current_items(job)
    if request.method == "POST":
        answers = _answers(request.POST, items)
        complete = "complete" in request.POST
        try:
            services.save_checklist(
                job, request.user, answers=answers, complete=complete,
                expected_version=request.POST.get("version") or None,
            )  # fmt: skip
        except DomainError as refused:
            error = str(refused.message)
            items = _as_posted(items, answers)
        else:
            messages.success(
                request, _("Checklist completed.") if complete else _("Checklist saved.")
            )
            back = next_url(request)
            if back:
                return redirect(back)
            return redirect("maintenance:job", pk=job.pk)
    return render(
        request,
        "maintenance/job_detail.html",
        {"nav": NAV, "job": job, "items": items, "error": error,
         "can_fill": services.can_fill(request.user, job) and job.status == "open",
         "history": job.results.select_related("recorded_by").order_by("-number")},
        status=400 if error else 200,
    )  # fmt: skip


def _as_posted(items, answers) -> list[dict]:
    """The form as the person filled it, so a refusal loses nothing they typed."""
    shown = []
    for item in items:
        answer = answers.get(item["key"], {})
        passed = answer.get("passed")
        shown.append(
            {**item, **answer, "passed": None if passed in ("", None) else passed == "true"}
        )
    return shown
