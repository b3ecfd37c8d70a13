"""Service network pages: centers with coverage, technicians with skills and absences.

The back office reads everything; administrators and service managers change centers and
coverage; managers and the center's partner staff change technicians and absences; partner
staff see only their own center (another center's pages are 404); technicians open only
their own profile; customers are refused (403). Thin: the rules are in services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.field import selectors, services
from aftersales.field.filters import TechnicianFilter
from aftersales.field.forms import (
    AbsenceForm,
    CenterForm,
    CoverageFormSet,
    SkillFormSet,
    TechnicianForm,
    coverage_from,
    skills_from,
)
from aftersales.field.models import ServiceCenter, Technician

NAV = "network"

browse_required = allowed_if(services.can_browse)
manager_required = allowed_if(services.can_manage_network)
staff_required = allowed_if(lambda user: user.may_use_staff_ui)


def _context(request, tab: str, **extra) -> dict:
    user = request.user
    return {
        "nav": NAV,
        "tab": tab,
        "can_browse": services.can_browse(user),
        "can_manage": services.can_manage_network(user),
        "can_add_technicians": services.can_add_technicians(user),
        **extra,
    }


# --- Centers ------------------------------------------------------------------------------


@browse_required
@require_GET
def center_list(request):
    return render(
        request,
        "field/center_list.html",
        _context(request, "centers", centers=selectors.center_rows(request.user)),
    )


@browse_required
@require_GET
def center_detail(request, pk):
    center = get_object_or_404(selectors.center_rows(request.user), pk=pk)
    technicians = selectors.technician_rows(
        request.user, Technician.objects.filter(home_center=center)
    )
    today = timezone.localdate()
    rows = [(t, selectors.absence_on(t, today)) for t in technicians]
    return render(
        request,
        "field/center_detail.html",
        _context(
            request,
            "centers",
            center=center,
            technicians=rows,
            may_manage_technicians=services.can_manage_technicians_of(request.user, center),
        ),
    )


def _center_form(request, center: ServiceCenter):
    name = center.name
    form = CenterForm(request.POST or None, instance=center)
    formset = CoverageFormSet(request.POST or None, instance=center, prefix="coverage")
    valid = form.is_valid() & formset.is_valid() if request.method == "POST" else False
    if valid:
        try:
            saved = services.save_center(
                form.instance, actor=request.user, coverage=coverage_from(formset)
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Service center %(name)s saved.") % {"name": saved.name})
            return redirect("field:center_detail", pk=saved.pk)
    return render(
        request,
        "field/center_form.html",
        _context(
            request,
            "centers",
            form=form,
            formset=formset,
            center=center if center.pk else None,
            title=name,
        ),
        status=400 if request.method == "POST" else 200,
    )


@manager_required
def center_create(request):
    return _center_form(request, ServiceCenter())


@manager_required
def center_edit(request, pk):
    return _center_form(request, get_object_or_404(ServiceCenter, pk=pk))


# --- Technicians --------------------------------------------------------------------------


@browse_required
@require_GET
def technician_list(request):
    today = timezone.localdate()
    filters = TechnicianFilter(
        request.GET or None,
        queryset=selectors.technician_rows(request.user, day=today),
        user=request.user,
    )
    rows = [(t, selectors.absence_on(t, today)) for t in filters.qs]
    return render(
        request,
        "field/technician_list.html",
        _context(request, "technicians", filter=filters, technicians=rows, today=today),
    )


def _technician_page(request, technician: Technician, absence_form=None, status=200):
    today = timezone.localdate()
    technician = selectors.technician_rows(request.user, day=today).get(pk=technician.pk)
    return render(
        request,
        "field/technician_detail.html",
        _context(
            request,
            "technicians",
            technician=technician,
            absent_today=selectors.absence_on(technician, today),
            past_absences=technician.absences.filter(ends_on__lt=today).order_by("-starts_on")[:10],
            may_manage=services.can_manage_technicians_of(request.user, technician.home_center),
            absence_form=absence_form or AbsenceForm(),
        ),
        status=status,
    )


@staff_required
@require_GET
def technician_detail(request, pk):
    technician = get_object_or_404(services.visible_technicians(request.user), pk=pk)
    return _technician_page(request, technician)


def _technician_form(request, technician: Technician):
    form = TechnicianForm(request.POST or None, instance=technician, actor=request.user)
    formset = SkillFormSet(request.POST or None, instance=technician, prefix="skills")
    valid = form.is_valid() & formset.is_valid() if request.method == "POST" else False
    if valid:
        try:
            saved = services.save_technician(
                form.instance, actor=request.user, skills=skills_from(formset)
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Technician %(name)s saved.") % {"name": saved})
            return redirect("field:technician_detail", pk=saved.pk)
    return render(
        request,
        "field/technician_form.html",
        _context(
            request,
            "technicians",
            form=form,
            formset=formset,
            technician=technician if technician.pk else None,
        ),
        status=400 if request.method == "POST" else 200,
    )


@allowed_if(services.can_add_technicians)
def technician_create(request):
    initial = Technician()
    if not services.can_manage_network(request.user):
        initial.home_center_id = request.user.service_center_id
    return _technician_form(request, initial)


def _managed_technician(request, pk) -> Technician:
    technician = get_object_or_404(
        services.visible_technicians(request.user).select_related("home_center"), pk=pk
    )
    if not services.can_manage_technicians_of(request.user, technician.home_center):
        raise PermissionDenied
    return technician


@browse_required
def technician_edit(request, pk):
    return _technician_form(request, _managed_technician(request, pk))


@browse_required
@require_POST
def absence_add(request, pk):
    technician = _managed_technician(request, pk)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.add_absence(technician, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Absence entered."))
            return redirect("field:technician_detail", pk=technician.pk)
    return _technician_page(request, technician, absence_form=form, status=400)


@browse_required
@require_POST
def absence_remove(request, pk, absence_id):
    technician = _managed_technician(request, pk)
    absence = get_object_or_404(technician.absences, pk=absence_id)
    try:
        services.remove_absence(absence, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Absence removed."))
    return redirect("field:technician_detail", pk=technician.pk)
