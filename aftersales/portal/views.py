"""The customer portal (`/my/`): their requests, units, a new request, help.

Thin: every page starts from `service.access.visible_*` (another customer's request or unit
is a 404) and every change goes through `portal.services`. Staff who open the portal are
sent to the staff pages; anonymous visitors to the login page.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.uploads import INLINE_TYPES
from aftersales.kb import services as kb
from aftersales.portal import selectors, services
from aftersales.portal.forms import (
    CancelForm,
    NewRequestForm,
    QuoteAnswerForm,
    RegisterUnitForm,
    ReplyForm,
)
from aftersales.portal.models import UnitRegistration
from aftersales.service import access, quotes


def customer_page(view):
    """Portal pages: customers only; staff go to their own pages, others are refused."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.may_use_staff_ui:
            return redirect("home")
        if not services.is_customer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _request(user, number):
    return get_object_or_404(
        access.visible_requests(user).select_related("unit__product", "customer"), number=number
    )


def _unit(user, pk):
    return get_object_or_404(access.visible_units(user).select_related("product__category"), pk=pk)


# --- Home and lists -------------------------------------------------------------------------


@customer_page
@require_GET
def home(request):
    return render(request, "portal/home.html", {"tab": "home", **selectors.home(request.user)})


@customer_page
@require_GET
def request_list(request):
    rows = selectors.request_rows(selectors.visible_requests(request.user)[: selectors.LIST_LIMIT])
    return render(request, "portal/request_list.html", {"tab": "requests", "rows": rows})


@customer_page
@require_GET
def unit_list(request):
    units = list(selectors.units(request.user)[: selectors.LIST_LIMIT])
    return render(request, "portal/unit_list.html", {"tab": "units", "units": units})


@customer_page
@require_GET
def unit_detail(request, pk):
    unit = _unit(request.user, pk)
    return render(
        request,
        "portal/unit_detail.html",
        {
            "tab": "units",
            "unit": unit,
            "cover": selectors.unit_coverage(unit),
            "rows": selectors.unit_requests(request.user, unit),
        },
    )


# --- Register a unit ---------------------------------------------------------------------------


@customer_page
def register_unit(request):
    form = RegisterUnitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.register_purchase(
                request.user,
                serial_number=data["serial_number"],
                product=data["product"],
                purchased_on=data["purchased_on"],
                invoice=data["invoice"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            if done.created:
                messages.success(request, _("Your unit is registered. Here is its warranty."))
            else:
                messages.info(request, _("This unit is already registered to you."))
            return redirect("portal:unit", done.unit.pk)
    status = 400 if form.errors else 200
    return render(request, "portal/register.html", {"tab": "units", "form": form}, status=status)


@login_required
@require_GET
def invoice(request, pk):
    """The invoice a customer sent with a registration: for staff who can see the unit
    (the unit page links it) and for the customer who owns it."""
    registration = get_object_or_404(UnitRegistration.objects.select_related("unit"), pk=pk)
    if not services.registrations_of(request.user, registration.unit).filter(pk=pk).exists():
        raise Http404
    response = FileResponse(
        registration.invoice.open("rb"),
        content_type=registration.invoice_type,
        as_attachment=registration.invoice_type not in INLINE_TYPES,
        filename=registration.invoice_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Ask for service --------------------------------------------------------------------------


@customer_page
def new_request(request):
    units = selectors.units(request.user)
    if request.method == "POST":
        form = NewRequestForm(request.POST, request.FILES, units=units)
    else:
        initial = {"token": services.form_token(request.user)}
        unit = request.GET.get("unit", "")
        if unit.isdigit() and units.filter(pk=unit).exists():
            initial["unit"] = unit
        form = NewRequestForm(initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created, fresh = services.open_request(
                request.user,
                token=data["token"],
                description=data["description"],
                kind=data["kind"],
                unit=data["unit"],
                photos=data["photos"],
            )
        except DomainError as error:
            show_error(form, error)
            if error.code == "stale_form":
                form.data = form.data.copy()
                form.data["token"] = services.form_token(request.user)
        else:
            if fresh:
                messages.success(
                    request,
                    _("Thank you. Your request number is %(number)s; we will contact you soon.")
                    % {"number": created.number},
                )
            return redirect("portal:request", created.number)
    articles = selectors.suggestions(form.data.get("description", "")) if form.is_bound else []
    return render(
        request,
        "portal/new_request.html",
        {"tab": "new", "form": form, "articles": articles},
        status=400 if form.errors else 200,
    )


@customer_page
@require_GET
def suggestions(request):
    """htmx: public articles that may answer what the customer is typing."""
    articles = selectors.suggestions(request.GET.get("description", ""))
    return render(request, "portal/_suggestions.html", {"articles": articles})


@customer_page
@require_POST
def solved(request, pk):
    """The customer says an article solved their problem: counted, and they are done."""
    article = get_object_or_404(kb.public_articles(), pk=pk)
    if not request.session.session_key:
        request.session.save()
    services.article_solved_it(request.user, article, request.session.session_key)
    return render(request, "portal/solved.html", {"tab": "new", "article": article})


@customer_page
@require_GET
def help_page(request):
    query = request.GET.get("q", "").strip()
    articles = selectors.suggestions(query) if query else []
    return render(request, "portal/help.html", {"tab": "help", "q": query, "articles": articles})


# --- Their request -----------------------------------------------------------------------------


def _request_page(request, service_request, **forms):
    page = selectors.request_page(request.user, service_request)
    context = {
        "tab": "requests",
        "page": page,
        "r": page.request,
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "quote_form": forms.get("quote_form") or QuoteAnswerForm(),
        "quote_error_id": forms.get("quote_error_id"),
    }
    if page.survey is not None:
        from aftersales.followup.surveys import token_for

        context["survey_token"] = token_for(page.survey)
    status = 400 if any(f.errors for f in forms.values() if hasattr(f, "errors")) else 200
    return render(request, "portal/request_detail.html", context, status=status)


@customer_page
@require_GET
def request_detail(request, number):
    return _request_page(request, _request(request.user, number))


@customer_page
@require_POST
def reply(request, number):
    service_request = _request(request.user, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reply(
                request.user,
                service_request,
                body=form.cleaned_data["body"],
                photos=form.cleaned_data["photos"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("portal:request", number)
    return _request_page(request, service_request, reply_form=form)


@customer_page
@require_POST
def cancel(request, number):
    service_request = _request(request.user, number)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(request.user, service_request, reason=form.cleaned_data["reason"])
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your request was cancelled."))
            return redirect("portal:request", number)
    return _request_page(request, service_request, cancel_form=form)


@customer_page
@require_POST
def quote_answer(request, number, quote_id):
    service_request = _request(request.user, number)
    quote = get_object_or_404(
        quotes.visible_quotes(request.user).filter(request=service_request), pk=quote_id
    )
    quote.request = service_request
    form = QuoteAnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.answer_quote(
                request.user,
                quote,
                accept=accept,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you: you accepted the quote. We will go ahead with the work.")
                if accept
                else _("You declined the quote. We will contact you about what else we can do."),
            )
            return redirect("portal:request", number)
    return _request_page(request, service_request, quote_form=form, quote_error_id=quote.pk)
