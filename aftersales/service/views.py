"""Pages of the agent workspace: the queue, logging a call, and a request's own page.

Thin: each view reads input, calls a service, and renders or redirects. Refusals from
the services (DomainError) are shown to the user; nothing is half-done.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.models import Team
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.pagination import LargePaginator
from aftersales.core.uploads import INLINE_TYPES
from aftersales.field.models import ServiceCenter
from aftersales.service import access, clocks, entitlement, intake, selectors, services
from aftersales.service.choices import Channel, Kind, Priority, Status
from aftersales.service.filters import (
    DEFAULT_SORT,
    ServiceRequestFilter,
    assignee_choices,
    sort_requests,
)
from aftersales.service.forms import (
    AttachmentForm,
    CallIntakeForm,
    CallLogForm,
    CommentForm,
    RequestEditForm,
    TransitionForm,
)
from aftersales.service.models import Attachment
from aftersales.warranty.models import FaultCause

PAGE_SIZE = 50
# Query keys that make up a saved queue view.
QUEUE_KEYS = (
    "q", "status", "open", "priority", "channel", "kind", "assignee", "team",
    "service_center", "overdue", "at_risk", "sort",
)  # fmt: skip
DEFAULT_QUEUE = {"open": "true"}
# Where the call form shows errors about the customer or unit it creates.
INTAKE_FIELDS = {
    "serial_number": "new_serial", "product": "new_product", "purchased_on": "new_purchased_on",
    "name": "new_name", "phone": "new_phone", "email": "new_phone",
}  # fmt: skip


def staff_required(view):
    """Staff pages: any role but customer (customers get their own pages)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.may_use_staff_ui:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def back_office_required(view):
    @staff_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_back_office:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _visible(request, number: str):
    """The request with this number, if the user may see it; otherwise 404 (no leaks)."""
    return get_object_or_404(
        access.visible_requests(request.user).select_related(
            "customer", "unit__product__category", "assignee", "team", "contact", "service_center"
        ),
        number=number,
    )


# --- Queue ------------------------------------------------------------------------------


@staff_required
@require_GET
def queue(request):
    params = request.GET
    if not any(key in params for key in (*QUEUE_KEYS, "page")):
        saved = request.user.preferences.get("queue") or DEFAULT_QUEUE
        return redirect(f"{reverse('service:queue')}?{urlencode(saved, doseq=True)}")
    visible = access.visible_requests(request.user)
    filterset = ServiceRequestFilter(params, queryset=visible, request=request)
    rows = filterset.qs if filterset.is_valid() else visible.none()
    sort = params.get("sort") or DEFAULT_SORT
    rows = selectors.queue_rows(sort_requests(rows, sort))
    page = LargePaginator(rows, PAGE_SIZE).get_page(params.get("page"))
    context = {
        "nav": "queue",
        "page_obj": page,
        "filterset": filterset,
        "current_sort": sort,
        "params": params,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "channels": Channel.choices,
        "kinds": Kind.choices,
        "assignees": assignee_choices() if request.user.is_back_office else [],
        "teams": Team.objects.all() if request.user.is_back_office else [],
        "centers": ServiceCenter.objects.filter(active=True) if request.user.is_back_office else [],
        "is_default": _queue_params(params) == request.user.preferences.get("queue"),
        "saved_params": [
            (key, value) for key, values in _queue_params(params).items() for value in values
        ],
    }
    template = "service/_queue_table.html" if request.htmx else "service/queue.html"
    return render(request, template, context)


def _queue_params(params) -> dict:
    return {key: params.getlist(key) for key in QUEUE_KEYS if any(params.getlist(key))}


@staff_required
@require_POST
def save_queue_default(request):
    """Remember the current filters as this user's queue; it opens with them next time."""
    saved = _queue_params(request.POST)
    request.user.preferences["queue"] = saved
    request.user.save(update_fields=["preferences"])
    messages.success(request, _("Saved as your default view of the queue."))
    return redirect(f"{reverse('service:queue')}?{urlencode(saved, doseq=True)}")


# --- Log a call ---------------------------------------------------------------------------


@back_office_required
def call(request):
    form = CallIntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = intake.take_call(
                intake.CallIntake(
                    customer=data["customer"],
                    new_customer=form.new_customer(),
                    unit=data["unit"],
                    new_unit=form.new_unit(),
                    subject=data["subject"],
                    description=data["description"],
                    kind=data["kind"],
                    priority=data["priority"],
                    needs_visit=data["needs_visit"],
                    received_at=data["received_at"],
                    solved=data["solved"],
                    resolution_type=data["resolution_type"],
                    resolution_summary=data["resolution_summary"],
                ),
                actor=request.user,
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error, INTAKE_FIELDS)
        else:
            messages.success(request, _("Request %(number)s created.") % {"number": created.number})
            return redirect("service:detail", number=created.number)
    picked = None
    if form.is_bound and form.data.get("customer"):
        picked = _picked_context(request, form.data.get("customer"), form.data.get("unit"))
    return render(
        request,
        "service/call.html",
        {"nav": "call", "form": form, "picked": picked, "query": request.GET.get("q", "")},
    )


@back_office_required
@require_GET
def call_lookup(request):
    """htmx: matches for what the agent types (phone, name, serial number)."""
    query = request.GET.get("q", "")
    customers, units = selectors.lookup_callers(request.user, query)
    return render(
        request,
        "service/_lookup_results.html",
        {"customers": customers, "units": units, "query": query},
    )


def _picked_context(request, customer_id, unit_id=None):
    customers = access.visible_customers(request.user)
    try:
        customer = customers.get(pk=customer_id)
    except (customers.model.DoesNotExist, ValueError, TypeError):
        return None
    units = list(selectors.customer_units(customer))
    selected = next((u for u in units if str(u.pk) == str(unit_id)), None)
    return {
        "customer": customer,
        "units": units,
        "selected_unit": selected,
        "recent": selectors.recent_requests(request.user, customer=customer)[:5],
    }


@back_office_required
@require_GET
def call_pick(request):
    """htmx: the chosen caller with their units (warranty) and recent requests."""
    if not request.GET.get("customer"):
        form = CallIntakeForm(user=request.user)
        return render(request, "service/_new_caller.html", {"form": form})
    picked = _picked_context(request, request.GET.get("customer"), request.GET.get("unit"))
    if picked is None:
        raise Http404
    return render(request, "service/_picked_caller.html", {"picked": picked, "oob": True})


# --- A request's page -------------------------------------------------------------------------


@staff_required
@require_GET
def detail(request, number):
    obj = _visible(request, number)
    return render(request, "service/detail.html", _detail_context(request, obj))


def _detail_context(request, obj, **forms_):
    user = request.user
    transitions = services.available_transitions(user, obj)
    customer_requests = selectors.recent_requests(user, customer=obj.customer_id).exclude(
        pk=obj.pk
    )[:10]
    unit_requests = (
        selectors.recent_requests(user, unit=obj.unit_id).exclude(pk=obj.pk)[:10]
        if obj.unit_id
        else []
    )
    return {
        "nav": "queue",
        "obj": obj,
        "events": services.timeline(user, obj),
        "transitions": transitions,
        "transition_form": forms_.get("transition_form") or TransitionForm(),
        "failed_transition": forms_.get("failed_transition"),
        "comment_form": forms_.get("comment_form") or CommentForm(),
        "call_form": forms_.get("call_form") or CallLogForm(),
        "attachment_form": forms_.get("attachment_form") or AttachmentForm(),
        "can_edit": bool(access.editable_fields(user, obj)),
        "decision": entitlement.snapshot(obj),
        "clock_rows": clocks.rows(obj),
        **_visit_context(user, obj),
        "can_set_cause": "fault_cause" in access.editable_fields(user, obj),
        "fault_causes": FaultCause.choices,
        "fault_codes": obj.fault_codes.all(),
        "customer_requests": customer_requests,
        "unit_requests": unit_requests,
    }


def _visit_context(user, obj) -> dict:
    """The request's visits and, for those who may book one, the booking form."""
    # Imported here: dispatch builds on this app.
    from aftersales.dispatch import access as visit_access
    from aftersales.dispatch.forms import BookVisitForm

    visits = visit_access.visible_visits(
        user, obj.visits.select_related("technician__user", "center")
    )
    can_book = visit_access.can_book(user, obj)
    return {
        "visits": list(visits),
        "can_book_visit": can_book,
        "book_form": BookVisitForm(
            initial={"day": timezone.localdate() + datetime.timedelta(days=1)}
        )
        if can_book
        else None,
    }


def _rerender(request, obj, status=400, **forms_):
    return render(
        request, "service/detail.html", _detail_context(request, obj, **forms_), status=status
    )


@staff_required
def edit(request, number):
    obj = _visible(request, number)
    if not access.editable_fields(request.user, obj):
        raise PermissionDenied
    form = RequestEditForm(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request(
                obj,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("service:detail", number=obj.number)
    return render(request, "service/edit.html", {"nav": "queue", "obj": obj, "form": form})


@staff_required
@require_POST
def transition(request, number):
    obj = _visible(request, number)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.transition(
                obj,
                actor=request.user,
                to=data["to"],
                note=data["note"],
                assignee=data["assignee"],
                resolution_type=data["resolution_type"],
                resolution_summary=data["resolution_summary"],
                expected_version=data["version"],
            )
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied(str(error)) from error
            messages.error(request, str(error))
            return _rerender(
                request, obj, transition_form=form, failed_transition=data["to"], status=400
            )
        status = Status(data["to"]).label
        message = _("Request %(number)s is now: %(status)s.")
        messages.success(request, message % {"number": obj.number, "status": status})
    return redirect("service:detail", number=obj.number)


@staff_required
@require_POST
def set_fault_cause(request, number):
    """The cause is found (a defect, damage, wear…): decide the warranty question again."""
    obj = _visible(request, number)
    cause = request.POST.get("fault_cause", "")
    try:
        services.update_request(
            obj,
            actor=request.user,
            expected_version=request.POST.get("version") or None,
            fault_cause=cause,
        )
    except (DomainError, ValidationError) as error:
        if getattr(error, "status", 400) == 403:
            raise PermissionDenied(str(error)) from error
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("service:detail", number=obj.number)


@staff_required
@require_POST
def comment(request, number):
    obj = _visible(request, number)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(
                obj,
                actor=request.user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect(f"{reverse('service:detail', args=[obj.number])}#timeline-end")
    return _rerender(request, obj, comment_form=form)


@staff_required
@require_POST
def log_call(request, number):
    obj = _visible(request, number)
    form = CallLogForm(request.POST)
    if form.is_valid():
        try:
            services.log_call(obj, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect(f"{reverse('service:detail', args=[obj.number])}#timeline-end")
    return _rerender(request, obj, call_form=form)


@staff_required
@require_POST
def upload(request, number):
    obj = _visible(request, number)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                obj,
                actor=request.user,
                upload=form.cleaned_data["file"],
                visibility=form.cleaned_data["visibility"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, _("File attached."))
            return redirect(f"{reverse('service:detail', args=[obj.number])}#timeline-end")
    return _rerender(request, obj, attachment_form=form)


@login_required
@require_GET
def attachment(request, token):
    """Download an attachment; only people who can see it (customers: public ones only)."""
    item = get_object_or_404(Attachment.objects.select_related("request"), token=token)
    if not access.can_view(request.user, item.request):
        raise Http404
    if item.visibility != "public" and not access.sees_internal(request.user):
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=item.content_type not in INLINE_TYPES,
        filename=item.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def customer_home(request):
    """The old customers' page (`/requests/mine/`), kept for links already sent: the portal."""
    return HttpResponseRedirect(reverse("portal:home"))
