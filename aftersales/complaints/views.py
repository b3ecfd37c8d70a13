"""Complaints pages: the list (filters, sorting, CSV/Excel), "New complaint" (from scratch
for a customer, or about a request and one of its visits), and the panel's steps posted
from the request page (apology, root cause, sign-off).

The back office reads complaints, partner staff those about their center (list only);
agents and managers open and work them; managers sign off; technicians and customers are
refused (403). Thin: every rule is in services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.complaints import exports, selectors, services
from aftersales.complaints.filters import DEFAULT_SORT, ComplaintFilter, sort_complaints
from aftersales.complaints.forms import (
    AdoptForm,
    ApologyForm,
    CauseForm,
    NewComplaintForm,
    SignOffForm,
)
from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.lists import filtered_rows
from aftersales.customers.services import search_customers
from aftersales.service import access

NAV = "complaints"
PAGE_SIZE = 50

view_required = allowed_if(services.can_view)
work_required = allowed_if(services.can_work)
sign_off_required = allowed_if(services.can_sign_off)


def _filtered(request):
    filters = ComplaintFilter(request.GET or None, queryset=selectors.complaint_rows(request.user))
    rows = filtered_rows(filters)
    sort = request.GET.get("sort") or DEFAULT_SORT
    return filters, sort_complaints(rows, sort), sort


@view_required
@require_GET
def complaint_list(request):
    filters, rows, sort = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/list.html",
        {
            "nav": NAV,
            "filters": filters,
            "page_obj": page,
            "current_sort": sort,
            "query": query.urlencode(),
            "can_work": services.can_work(request.user),
            "opens_requests": request.user.is_back_office,
            "window": services.REPEAT_WINDOW_DAYS,
        },
    )


@view_required
@require_GET
def complaint_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filters, rows, _sort = _filtered(request)
    return exports.download(rows, fmt)


# --- New complaint ------------------------------------------------------------------------


def _about_request(request, number):
    if not number:
        return None
    visible = access.visible_requests(request.user).select_related("customer", "unit__product")
    return get_object_or_404(visible, number=number)


def _customer(request, form, about):
    """The customer complaining: the request's, the one the page was opened for, or the
    one and only match of what the agent typed."""
    if about is not None:
        return about.customer
    customers = access.visible_customers(request.user)
    if form.cleaned_data.get("customer"):
        return get_object_or_404(customers, pk=form.cleaned_data["customer"])
    query = form.cleaned_data.get("customer_query", "").strip()
    if not query:
        raise DomainError(_("Enter the customer's phone number or name."), field="customer_query")
    found = list(search_customers(query, customers).distinct()[:2])
    if not found:
        raise DomainError(
            _("No customer matches. Check the number, or create the customer first."),
            field="customer_query",
        )
    if len(found) > 1:
        raise DomainError(
            _("Several customers match. Enter the full phone number."), field="customer_query"
        )
    return found[0]


@work_required
def complaint_new(request):
    data = request.POST if request.method == "POST" else request.GET
    about = _about_request(request, (data.get("about") or data.get("request") or "").strip())
    customer = None
    if about is None and data.get("customer"):
        customer = get_object_or_404(access.visible_customers(request.user), pk=data["customer"])
    visits = about.visits.all() if about is not None else None
    initial = {
        "about": about.number if about else "",
        "customer": customer.pk if customer else None,
        "subject": "",
    }
    form = NewComplaintForm(
        request.POST if request.method == "POST" else None, initial=initial, visits=visits
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            complaint = services.open_complaint(
                request.user,
                customer=_customer(request, form, about),
                severity=values["severity"],
                subject=values["subject"],
                description=values["description"],
                contact=about.contact if about else None,
                about_request=about,
                about_visit=values["about_visit"],
                assignee=request.user if values["assign_to_me"] else None,
                apologised=values["apologised"],
                apology_note=values["apology_note"],
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            text = _("Complaint %(number)s opened.") % {"number": complaint.request.number}
            if complaint.repeat:
                text += " " + _("This customer complained before: it is a repeat.")
            messages.success(request, text)
            return redirect("service:detail", complaint.request.number)
    return render(
        request,
        "complaints/new.html",
        {"nav": NAV, "form": form, "about": about, "customer": customer},
        status=400 if request.method == "POST" else 200,
    )


# --- The panel's steps --------------------------------------------------------------------


def _complaint(request, number):
    return get_object_or_404(selectors.complaint_rows(request.user), request__number=number)


def _step(request, number, form_class, do, done: str):
    complaint = _complaint(request, number)
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    else:
        try:
            do(complaint, form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
    return redirect("service:detail", number)


@work_required
@require_POST
def complaint_apology(request, number):
    def do(complaint, v):
        return services.record_apology(
            complaint, request.user, how=v["how"], note=v["note"],
            first_contact_at=v["first_contact_at"], expected_version=v["version"],
        )  # fmt: skip

    return _step(request, number, ApologyForm, do, _("Apology recorded."))


@work_required
@require_POST
def complaint_cause(request, number):
    def do(complaint, v):
        return services.record_cause(
            complaint, request.user, root_cause=v["root_cause"], detail=v["detail"],
            corrective_action=v["corrective_action"], expected_version=v["version"],
        )  # fmt: skip

    return _step(request, number, CauseForm, do, _("Root cause and corrective action recorded."))


@sign_off_required
@require_POST
def complaint_sign_off(request, number):
    def do(complaint, v):
        return services.sign_off(
            complaint, request.user, note=v["note"], expected_version=v["version"]
        )

    return _step(request, number, SignOffForm, do, _("Complaint signed off and closed."))


@work_required
@require_POST
def complaint_adopt(request, number):
    """ "Handle as a complaint" on a request of kind complaint taken elsewhere."""
    service_request = _about_request(request, number)
    form = AdoptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how severe the complaint is."))
    else:
        try:
            services.adopt(service_request, request.user, severity=form.cleaned_data["severity"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The request is handled as a complaint."))
    return redirect("service:detail", number)
