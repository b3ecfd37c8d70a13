"""The technician's phone pages: today's visits in route order, one visit with its step
buttons and the check-out form with a signature pad, and the signed form as PDF.

Technicians see their own visits, partner staff their center's (another center's visit is
a 404), the back office all; customers are refused (403). Thin: the rules are in
`services` and `access`.
"""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.dispatch import access, services
from aftersales.dispatch.forms import BookVisitForm, CheckOutForm, StepForm
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.dispatch.pdf import visit_form_pdf
from aftersales.service import access as service_access
from aftersales.service import entitlement
from aftersales.service.models import ServiceRequest

NAV = "visits"
HISTORY = 3

visits_required = allowed_if(access.can_use)

ACTIONS = {
    "created": gettext_lazy("Created"),
    "scheduled": gettext_lazy("Scheduled"),
    "unscheduled": gettext_lazy("Unscheduled"),
    "cancelled": gettext_lazy("Cancelled"),
    "travel_started": gettext_lazy("Travel started"),
    "checked_in": gettext_lazy("Checked in"),
    "checked_out": gettext_lazy("Checked out"),
    "photo": gettext_lazy("Photo added"),
}


def _rows(user):
    queryset = Visit.objects.select_related(
        "request__customer",
        "request__unit__product",
        "center",
        "technician__user",
        "skill",
    )
    return access.visible_visits(user, queryset)


def _history(visits) -> dict[int, list[ServiceRequest]]:
    """The units' earlier requests, newest first, a few per unit, in one query."""
    units = {v.request.unit_id for v in visits if v.request.unit_id}
    current = {v.request_id for v in visits}
    found: dict[int, list[ServiceRequest]] = {}
    if not units:
        return found
    rows = (
        ServiceRequest.objects.filter(unit_id__in=units)
        .exclude(pk__in=current)
        .order_by("-received_at")
        .only("number", "subject", "status", "received_at", "resolution_summary", "unit_id")
    )
    for row in rows:
        mine = found.setdefault(row.unit_id, [])
        if len(mine) < HISTORY:
            mine.append(row)
    return found


def _decorate(visits) -> list[Visit]:
    history = _history(visits)
    for visit in visits:
        visit.decision = entitlement.snapshot(visit.request)
        visit.history = history.get(visit.request.unit_id, [])
    return visits


def _day(request) -> datetime.date:
    text = request.GET.get("day", "")
    try:
        return datetime.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@visits_required
@require_GET
def today(request):
    day = _day(request)
    visits = list(
        _rows(request.user)
        .filter(day=day)
        .exclude(status=VisitStatus.CANCELLED)
        .order_by("technician__user__username", "sequence", "planned_start", "id")
    )
    return render(
        request,
        "dispatch/tech_today.html",
        {
            "nav": NAV,
            "day": day,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
            "is_today": day == timezone.localdate(),
            "visits": _decorate(visits),
        },
    )


def _visit(request, pk) -> Visit:
    return get_object_or_404(_rows(request.user), pk=pk)


def _page(request, visit, *, checkout_form=None, status=200):
    _decorate([visit])
    can_act = access.can_act(request.user, visit)
    step = StepForm(initial={"version": visit.version})
    events = list(
        visit.request.events.filter(kind="visit", data__visit=visit.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for event in events:
        event.label = ACTIONS.get(event.data.get("action"), event.data.get("action"))
    photos = [e.data["attachment"] for e in events if e.data.get("action") == "photo"]
    return render(
        request,
        "dispatch/visit_detail.html",
        {
            "nav": NAV,
            "visit": visit,
            "can_act": can_act,
            "step_form": step,
            "checkout_form": checkout_form
            or CheckOutForm(initial={"version": visit.version}, visit=visit),
            "events": events,
            "photos": photos,
        },
        status=status,
    )


@visits_required
@require_GET
def visit(request, pk):
    return _page(request, _visit(request, pk))


def _step(request, pk, run, done_message):
    visit = _visit(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("dispatch:visit", pk=visit.pk)
    try:
        run(visit, form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message)
    return redirect("dispatch:visit", pk=visit.pk)


@visits_required
@require_POST
def start_travel(request, pk):
    return _step(
        request,
        pk,
        lambda visit, data: services.start_travel(
            visit, request.user, expected_version=data["version"]
        ),
        _("On your way. Check in when you arrive."),
    )


@visits_required
@require_POST
def check_in(request, pk):
    return _step(
        request,
        pk,
        lambda visit, data: services.check_in(
            visit,
            request.user,
            data["latitude"],
            data["longitude"],
            expected_version=data["version"],
        ),
        _("Checked in. The on-site clock has stopped."),
    )


@visits_required
@require_POST
def check_out(request, pk):
    visit = _visit(request, pk)
    form = CheckOutForm(request.POST, visit=visit)
    if form.is_valid():
        try:
            services.check_out(visit, request.user, **form.service_arguments())
        except DomainError as error:
            show_error(
                form,
                error,
                {
                    "first_time_fix": "fixed",
                    "signature_png_bytes": "signature",
                    "part": "part_1",
                    "location": "part_1",
                    "quantity": "quantity_1",
                },
            )
        else:
            messages.success(request, _("Visit completed. The signed form goes to the customer."))
            return redirect("dispatch:visit", pk=visit.pk)
    visit.refresh_from_db()
    return _page(request, visit, checkout_form=form, status=400)


@visits_required
@require_POST
def add_photo(request, pk):
    visit = _visit(request, pk)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("Choose a photo to add."))
    else:
        try:
            services.add_photo(visit, request.user, upload)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Photo added."))
    return redirect("dispatch:visit", pk=visit.pk)


@visits_required
@require_GET
def form_pdf(request, pk):
    visit = _visit(request, pk)
    if visit.status != VisitStatus.COMPLETED:
        raise Http404
    response = HttpResponse(visit_form_pdf(visit), content_type="application/pdf")
    name = f"{visit.request.number}-visit-{visit.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Booking from the request page ---------------------------------------------------------


@require_POST
@allowed_if(access.can_use)
def book(request, number):
    """Book a visit for a request (the request page's form); back to the request."""
    service_request = get_object_or_404(
        service_access.visible_requests(request.user), number=number
    )
    form = BookVisitForm(request.POST)
    if form.is_valid():
        try:
            visit = services.create_visit(
                service_request,
                actor=request.user,
                window=form.window(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                day=form.cleaned_data["day"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Visit booked for %(day)s at %(center)s; dispatch plans who goes when.")
                % {"day": visit.day, "center": visit.center},
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("service:detail", number=service_request.number)
