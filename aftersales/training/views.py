"""Training pages (/training/): courses and sessions, a session's roster (enrol, mark
attendance and results, issue certificates, download), certificates as PDF, the impact
of training on operation errors, and "suggest to customer" from a request page.

Thin: who may do what and every rule are in `services` / `suggestions`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.exports import FORMATS, table_response
from aftersales.core.forms import show_error
from aftersales.customers.models import Contact
from aftersales.field.models import Technician
from aftersales.service import access
from aftersales.training import impact as impact_figures
from aftersales.training import pdf, selectors, services, suggestions
from aftersales.training.forms import CourseForm, EnrolForm, SessionForm, marks_from
from aftersales.training.models import ENROLLING, Course, Result, Session, SessionStatus

NAV = "training"
view_required = allowed_if(services.can_view)
plan_required = allowed_if(services.can_plan)
back_office_required = allowed_if(suggestions.can_suggest)


@view_required
@require_GET
def home(request):
    user = request.user
    planner = services.can_plan(user)
    back_office = suggestions.can_suggest(user)
    return render(
        request,
        "training/home.html",
        {
            "nav": NAV,
            "can_plan": planner,
            "back_office": back_office,
            "courses": list(selectors.courses().filter(active=True)[:100]) if back_office else [],
            "upcoming": list(selectors.upcoming_sessions()[:100]),
            "recent": list(selectors.recent_sessions()[:20]) if back_office else [],
            "mine": list(selectors.enrolments_of_technician(user)[:100]),
            "trainer_of": list(
                selectors.sessions().filter(trainer=user).order_by("-starts_at")[:20]
            ),
        },
    )


@plan_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk=None):
    course = get_object_or_404(Course, pk=pk) if pk else Course()
    initial = {"plans": list(course.included_in_plans.all())} if pk else {}
    form = CourseForm(request.POST or None, instance=course, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_course(
                form.instance, actor=request.user, plans=form.cleaned_data["plans"]
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect("training:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "training/course_form.html",
        {"nav": NAV, "form": form, "course": course},
        status=status,
    )


@plan_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    initial = {"course": request.GET.get("course")} if request.GET.get("course") else {}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.plan_session(
                form.instance, actor=request.user, open_now=form.cleaned_data["open_now"]
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Session planned."))
            return redirect("training:session", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "training/session_form.html", {"nav": NAV, "form": form}, status=status)


def _session_for(request, pk) -> Session:
    session = get_object_or_404(selectors.sessions(), pk=pk)
    if not services.can_view_session(request.user, session):
        raise PermissionDenied
    return session


@login_required
@require_GET
def session_detail(request, pk):
    session = _session_for(request, pk)
    roster = list(selectors.roster(session))
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return table_response(f"training-session-{session.pk}", fmt, _headers(), _rows(roster))
    return _render_session(request, session, roster)


def _render_session(request, session, roster, *, status=200, errors=()):
    user = request.user
    q = request.GET.get("q", "")
    can_plan = services.can_plan(user)
    contacts, technicians = selectors.search_people(q) if can_plan and q else ([], [])
    return render(
        request,
        "training/session_detail.html",
        {
            "nav": NAV, "session": session, "roster": roster, "q": q,
            "contacts": contacts, "technicians": technicians,
            "can_plan": can_plan, "can_enrol": can_plan and session.status in ENROLLING,
            "can_mark": services.can_mark(user, session)
            and session.status != SessionStatus.CANCELLED and session.starts_at <= timezone.now(),
            "results": Result.choices, "errors": errors,
            "seats_left": max(0, session.seats - len(roster)),
            "to_certify": sum(1 for e in roster if e.result == Result.PASSED
                              and not hasattr(e, "certificate")),
        },
        status=status,
    )  # fmt: skip


def _headers():
    return [pgettext("person", "Name"), _("Customer"), _("Phone"), _("Kind"), _("Price"),
            _("Included in contract"), _("Attendance"), _("Result"), _("Score"),
            _("Certificate")]  # fmt: skip


def _rows(roster):
    for e in roster:
        person = e.contact or e.technician
        phone = e.contact.phone if e.contact_id else e.technician.phone
        certificate = getattr(e, "certificate", None)
        contract = e.contract.number if e.contract_id else ""
        yield [str(person), e.customer.name if e.customer_id else "", phone, e.person_kind,
               e.price, contract, e.get_attendance_display(), e.get_result_display(), e.score,
               certificate.number if certificate else ""]  # fmt: skip


@plan_required
@require_POST
def session_enrol(request, pk):
    session = get_object_or_404(Session, pk=pk)
    form = EnrolForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("Choose someone to enrol."))
        return redirect("training:session", pk=pk)
    data = form.cleaned_data
    contact = get_object_or_404(Contact, pk=data["contact"]) if data.get("contact") else None
    technician = (
        get_object_or_404(Technician, pk=data["technician"]) if data.get("technician") else None
    )
    try:
        enrolment = services.enrol(
            session, actor=request.user, contact=contact, technician=technician
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(person)s enrolled.") % {"person": enrolment.person})
    return redirect("training:session", pk=pk)


@login_required
@require_POST
def session_marks(request, pk):
    session = _session_for(request, pk)
    if not services.can_mark(request.user, session):
        raise PermissionDenied
    roster = list(selectors.roster(session))
    marks, errors = marks_from(request.POST, roster)
    if not errors:
        try:
            services.record_marks(session, marks, actor=request.user)
        except DomainError as error:
            errors = [str(error.message)]
    if errors:
        return _render_session(request, session, roster, status=400, errors=errors)
    messages.success(request, _("Attendance and results saved."))
    return redirect("training:session", pk=pk)


def _session_action(request, pk, act, done):
    """POST actions on a session: the service's refusal as an error, else `done(result)`."""
    session = get_object_or_404(Session, pk=pk)
    try:
        result = act(session, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done(result))
    return redirect("training:session", pk=pk)


@plan_required
@require_POST
def session_certify(request, pk):
    return _session_action(
        request, pk, services.issue_certificates,
        lambda issued: _("%(count)s certificates issued.") % {"count": len(issued)},
    )  # fmt: skip


@plan_required
@require_POST
def session_open(request, pk):
    return _session_action(
        request, pk, services.open_session, lambda _s: _("Session open for enrolment.")
    )


@plan_required
@require_POST
def session_cancel(request, pk):
    return _session_action(request, pk, services.cancel_session, lambda _s: _("Session cancelled."))


@login_required
@require_GET
def certificate_pdf(request, number):
    certificate = get_object_or_404(
        selectors.certificates().select_related("enrolment__session__trainer"), number=number
    )
    if not services.can_download(request.user, certificate):
        raise PermissionDenied
    response = HttpResponse(pdf.render(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


@back_office_required
@require_GET
def impact(request):
    try:
        days = int(request.GET.get("days") or impact_figures.DEFAULT_DAYS)
    except ValueError:
        days = impact_figures.DEFAULT_DAYS
    figures = impact_figures.impact(days)
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        headers = [_("Customer"), _("First session attended"), _("Before"), _("After"),
                   _("Change"), _("Whole period after")]  # fmt: skip
        rows = [[r.customer_name, r.first_session, r.before, r.after, r.change,
                 _("yes") if r.complete else _("not yet")] for r in figures.rows]  # fmt: skip
        rows.append([_("All trained customers"), None, figures.before, figures.after,
                     figures.change, ""])  # fmt: skip
        return table_response(f"training-impact-{figures.days}d", fmt, headers, rows)
    return render(request, "training/impact.html", {"nav": NAV, "figures": figures})


@back_office_required
@require_POST
def suggest(request, number):
    service_request = get_object_or_404(
        access.visible_requests(request.user).select_related("customer", "unit__product__category"),
        number=number,
    )
    course = get_object_or_404(Course, pk=request.POST.get("course") or 0)
    try:
        suggestions.suggest(service_request, course, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Course suggested to the customer."))
    return redirect("service:detail", number=number)
