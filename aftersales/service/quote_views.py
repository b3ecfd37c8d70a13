"""Quotes and charges on a request's page, the printable service form, and the customer's
own quote page behind a signed link.

Thin: each view reads input, calls one function of `service.quotes`, and answers with
the re-drawn panel (htmx) or a redirect back to the request's page. A refusal is shown
to the user and nothing is half-done.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.service import entitlement, pdf, quotes
from aftersales.service.quote_forms import (
    AnswerForm,
    LinkAnswerForm,
    PayForm,
    QuoteEditForm,
    QuoteLineForm,
    WaiveForm,
    WithdrawForm,
    spare_parts_for,
)
from aftersales.service.views import _visible, staff_required
from aftersales.warranty.models import Charge, LineKind, Quote

PANEL = "service/_quotes.html"


def _panel(request, obj, *, message: str = "", error: str = "", forms: dict | None = None):
    """The answer to an action: the panel for htmx, else back to the request's page."""
    if request.htmx:
        context = {
            "obj": obj,
            "quote_forms": forms or {},
            "quote_error": error,
            "quote_message": message,
        }
        return render(request, PANEL, context)
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(f"{reverse('service:detail', args=[obj.number])}#quotes")


def _text(error) -> str:
    if isinstance(error, DomainError):
        return str(error.message)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return " ".join(
        f"{field.label}: {message}" if field else str(message)
        for field, message in _form_messages(error)
    )


def _form_messages(form):
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for message in errors:
            yield (field if name != "__all__" else None), message


def _refused(request, obj, error, form=None, key: str = ""):
    """Show a service's refusal: on the form's fields where it names one, else on top."""
    if isinstance(error, DomainError) and error.status == 403:
        raise PermissionDenied(str(error.message))
    on_field = False
    if form is not None:
        show_error(form, error)
        field = getattr(error, "field", None)
        on_field = (field in form.fields) or hasattr(error, "error_dict")
    if request.htmx and form is not None and key:
        return _panel(request, obj, error="" if on_field else _text(error), forms={key: form})
    return _panel(request, obj, error=_text(error))


def _invalid(request, obj, form, key: str):
    if request.htmx:
        return _panel(request, obj, forms={key: form})
    return _panel(request, obj, error=_text(form))


def _quote(obj, quote_id: int) -> Quote:
    quote = get_object_or_404(Quote, pk=quote_id, request=obj)
    quote.request = obj
    return quote


def _charge(obj, charge_id: int) -> Charge:
    charge = get_object_or_404(Charge, pk=charge_id, request=obj)
    charge.request = obj
    return charge


def _money(quote_or_charge) -> str:
    amount = quote_or_charge.total if isinstance(quote_or_charge, Quote) else quote_or_charge.amount
    return f"{amount:.2f} {quote_or_charge.currency}"


# --- Quotes ----------------------------------------------------------------------------------


@staff_required
@require_POST
def quote_create(request, number):
    obj = _visible(request, number)
    try:
        quote = quotes.create_quote(obj, actor=request.user)
    except (DomainError, ValidationError) as error:
        return _refused(request, obj, error)
    return _panel(
        request,
        obj,
        message=_("Quote #%(id)s started: add its lines, then send it.") % {"id": quote.pk},
    )


@staff_required
@require_POST
def quote_edit(request, number, quote_id):
    obj = _visible(request, number)
    quote = _quote(obj, quote_id)
    form = QuoteEditForm(request.POST)
    if not form.is_valid():
        return _invalid(request, obj, form, "edit")
    data = form.cleaned_data
    try:
        quotes.update_quote(
            quote,
            actor=request.user,
            expected_version=data["version"],
            note=data["note"],
            valid_until=data["valid_until"],
        )
    except (DomainError, ValidationError) as error:
        return _refused(request, obj, error, form, "edit")
    return _panel(request, obj, message=_("Quote saved."))


@staff_required
@require_POST
def line_add(request, number, quote_id):
    obj = _visible(request, number)
    quote = _quote(obj, quote_id)
    form = QuoteLineForm(request.POST, request=obj)
    if not form.is_valid():
        return _invalid(request, obj, form, "line")
    try:
        quotes.add_line(
            quote,
            actor=request.user,
            line=form.line(),
            expected_version=form.cleaned_data["version"],
        )
    except (DomainError, ValidationError) as error:
        return _refused(request, obj, error, form, "line")
    return _panel(request, obj, message=_("Line added."))


@staff_required
@require_POST
def line_remove(request, number, quote_id, line_id):
    obj = _visible(request, number)
    quote = _quote(obj, quote_id)
    version = request.POST.get("version")
    try:
        quotes.remove_line(
            quote,
            actor=request.user,
            line_id=line_id,
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except DomainError as error:
        return _refused(request, obj, error)
    return _panel(request, obj, message=_("Line removed."))


@staff_required
@require_GET
def part_defaults(request, number):
    """htmx: the line's fields again, filled in from the spare part just picked."""
    obj = _visible(request, number)
    params = request.GET
    initial = {
        "kind": params.get("kind") or LineKind.LABOUR,
        "quantity": params.get("quantity") or 1,
        "description": params.get("description", ""),
        "unit_price": params.get("unit_price", ""),
        "version": params.get("version"),
    }
    part_id = params.get("spare_part", "")
    if part_id.isdigit():
        part = spare_parts_for(obj).filter(pk=part_id).first()
        if part is None:
            raise Http404
        initial |= {
            "kind": LineKind.PART,
            "spare_part": part.pk,
            "description": part.name,
            "unit_price": part.unit_price,
        }
    form = QuoteLineForm(request=obj, initial=initial)
    return render(request, "quotes/_line_fields.html", {"form": form, "obj": obj})


@staff_required
@require_POST
def quote_send(request, number, quote_id):
    obj = _visible(request, number)
    quote = _quote(obj, quote_id)
    version = request.POST.get("version")
    try:
        quote = quotes.send_quote(
            quote,
            actor=request.user,
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except DomainError as error:
        return _refused(request, obj, error)
    return _panel(
        request,
        obj,
        message=_(
            "Quote #%(id)s (%(total)s) is sent. Give the customer the link shown with it, "
            "by phone or SMS."
        )
        % {"id": quote.pk, "total": _money(quote)},
    )


@staff_required
@require_POST
def quote_answer(request, number, quote_id):
    """Staff record the customer's answer: accepted or declined, and how it came."""
    obj = _visible(request, number)
    quote = _quote(obj, quote_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _invalid(request, obj, form, "answer")
    data = form.cleaned_data
    try:
        if data["decision"] == "accept":
            quotes.accept_quote(
                quote,
                actor=request.user,
                via=data["via"],
                note=data["note"],
                expected_version=data["version"],
            )
            message = _("Quote #%(id)s is accepted.")
        else:
            quotes.decline_quote(
                quote,
                actor=request.user,
                via=data["via"],
                reason=data["note"],
                expected_version=data["version"],
            )
            message = _("Quote #%(id)s is declined.")
    except DomainError as error:
        return _refused(request, obj, error, form, "answer")
    return _panel(request, obj, message=message % {"id": quote.pk})


@staff_required
@require_POST
def quote_withdraw(request, number, quote_id):
    obj = _visible(request, number)
    quote = _quote(obj, quote_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _invalid(request, obj, form, "withdraw")
    try:
        quotes.withdraw_quote(
            quote,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        return _refused(request, obj, error, form, "withdraw")
    return _panel(request, obj, message=_("Quote #%(id)s is withdrawn.") % {"id": quote.pk})


# --- Charges ---------------------------------------------------------------------------------


@staff_required
@require_POST
def charge_record(request, number):
    obj = _visible(request, number)
    try:
        created = quotes.record_charge(obj, actor=request.user)
    except DomainError as error:
        return _refused(request, obj, error)
    return _panel(
        request,
        obj,
        message=_("Charge recorded: %(amount)s due.")
        % {"amount": ", ".join(_money(charge) for charge in created)},
    )


@staff_required
@require_POST
def charge_pay(request, number, charge_id):
    obj = _visible(request, number)
    charge = _charge(obj, charge_id)
    form = PayForm(request.POST)
    if not form.is_valid():
        return _invalid(request, obj, form, "pay")
    try:
        quotes.mark_paid(charge, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        return _refused(request, obj, error)
    return _panel(
        request, obj, message=_("Payment of %(amount)s recorded.") % {"amount": _money(charge)}
    )


@staff_required
@require_POST
def charge_waive(request, number, charge_id):
    obj = _visible(request, number)
    charge = _charge(obj, charge_id)
    form = WaiveForm(request.POST)
    if not form.is_valid():
        return _invalid(request, obj, form, "waive")
    try:
        quotes.waive_charge(charge, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        return _refused(request, obj, error)
    return _panel(
        request, obj, message=_("Charge of %(amount)s waived.") % {"amount": _money(charge)}
    )


# --- The service form --------------------------------------------------------------------------


@staff_required
@require_GET
def service_form(request, number):
    """The printable service form (服务单) for the customer to sign, as a PDF."""
    obj = _visible(request, number)
    response = HttpResponse(pdf.service_form_pdf(obj), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{obj.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The customer's link -----------------------------------------------------------------------


def _customer_language(request, link) -> str:
    """The customer's own language, unless they switched language in this browser."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or link.quote is None:
        return request.LANGUAGE_CODE
    return link.quote.request.customer.language or settings.LANGUAGE_CODE


PROBLEM_STATUS = {
    quotes.LinkProblem.INVALID: 400,
    quotes.LinkProblem.EXPIRED: 410,
    quotes.LinkProblem.ANSWERED: 410,
    quotes.LinkProblem.WITHDRAWN: 410,
}


@require_http_methods(["GET", "POST"])
def customer_quote(request, token):
    """The customer's quote, reached by the signed link: read it, accept or decline it.

    No login: the signature is the proof. Tampered, expired, answered or withdrawn links
    get a page that says so, never a second answer.
    """
    link = quotes.read_link(token)
    language = _customer_language(request, link)
    with translation.override(language):
        form = LinkAnswerForm(request.POST if request.method == "POST" else None)
        context = {"link": link, "form": form, "token": token}
        status = PROBLEM_STATUS.get(link.problem, 200)
        if request.method == "POST" and link.answerable:
            if form.is_valid():
                try:
                    quote = quotes.answer_by_link(
                        token,
                        accept=form.cleaned_data["decision"] == "accept",
                        reason=form.cleaned_data["reason"],
                    )
                except DomainError as error:
                    # Someone answered first, or the quote's date passed: say what happened.
                    link = quotes.read_link(token)
                    context |= {"link": link, "error": str(error.message)}
                    status = PROBLEM_STATUS.get(link.problem, 400)
                else:
                    context |= {"link": quotes.Link(quote, quote.version), "done": True}
                    status = 200
            else:
                status = 400
        shown = context["link"].quote
        if shown is not None:
            context["lines"] = list(shown.lines.all())
            context["decision"] = entitlement.snapshot(shown.request)
        response = render(request, "quotes/customer_quote.html", context, status=status)
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    # The token is the key to the quote: not for search engines. (Referrers already stay on
    # this site; "no-referrer" would make browsers send "Origin: null", which fails CSRF.)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
