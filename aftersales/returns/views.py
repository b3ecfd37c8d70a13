"""Returns pages: the RMA list (filters, sorting, CSV/Excel), an RMA's detail with its step
forms, starting a return from a request, the accessory deduction table, and trade-in
(valuation, credits, rates).

Agents and managers run returns; the back office and partner staff (their center's requests
only, another's is 404) see them; others are refused (403). Override and the tables'
changes are the managers'. Thin: every rule is in services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.assets.services import find_unit
from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.lists import filtered_rows
from aftersales.returns import exports, selectors, services
from aftersales.returns.filters import DEFAULT_SORT, ReturnFilter, sort_returns
from aftersales.returns.forms import (
    STEP_FORMS,
    DeductionForm,
    StartForm,
    TradeInRateForm,
    UseCreditForm,
    ValuationForm,
)
from aftersales.returns.models import AccessoryDeduction, TradeInRate
from aftersales.service import access

NAV = "returns"
PAGE_SIZE = 50

view_required = allowed_if(services.can_view)
run_required = allowed_if(services.can_run)
manager_required = allowed_if(services.can_manage)


def _context(request, tab: str, **extra) -> dict:
    user = request.user
    return {
        "nav": NAV,
        "tab": tab,
        "can_run": services.can_run(user),
        "can_manage": services.can_manage(user),
        **extra,
    }


def _filtered(request):
    filters = ReturnFilter(request.GET or None, queryset=selectors.return_rows(request.user))
    rows = filtered_rows(filters)
    sort = request.GET.get("sort") or DEFAULT_SORT
    return filters, sort_returns(rows, sort), sort


@view_required
@require_GET
def return_list(request):
    filters, rows, sort = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "returns/list.html",
        _context(
            request,
            "returns",
            filters=filters,
            page_obj=page,
            current_sort=sort,
            query=query.urlencode(),
        ),
    )


@view_required
@require_GET
def return_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filters, rows, _sort = _filtered(request)
    return exports.download(rows, fmt)


def _detail_context(request, rma, forms=None):
    forms = forms or {}
    steps = services.next_steps(rma) if services.can_run(request.user) else []
    step_forms = {}
    for step in steps:
        if step in forms:
            step_forms[step] = forms[step]
        elif step == "receive":
            step_forms[step] = STEP_FORMS[step](deductions=services.deductions_available(rma))
        elif step == "refund":
            step_forms[step] = STEP_FORMS[step](initial={"price_paid": rma.price_paid})
        else:
            step_forms[step] = STEP_FORMS[step]()
    figures = None
    if rma.kind == "refund" and "refund" in steps:
        try:
            figures = services.refund_figures(rma)
        except DomainError:
            figures = None
    return _context(
        request,
        "returns",
        rma=rma,
        events=rma.events.all(),
        step_forms=step_forms,
        figures=figures,
        missing=rma.missing_accessories.all(),
    )


@view_required
@require_GET
def return_detail(request, number):
    rma = get_object_or_404(selectors.return_detail(request.user), number=number)
    return render(request, "returns/detail.html", _detail_context(request, rma))


def _do_step(request, rma, step, data):
    version = request.POST.get("version")
    if step == "receive":
        return services.receive(
            rma,
            request.user,
            condition=data["condition"],
            missing=data["missing"],
            accessories_present=data["accessories_present"],
            note=data["note"],
            photos=data["photos"],
            version=version,
        )
    if step == "inspect":
        return services.inspect(
            rma,
            request.user,
            fault_confirmed=data["fault_confirmed"],
            customer_damage=data["customer_damage"],
            note=data["note"],
            version=version,
        )
    if step == "refund":
        return services.refund(
            rma,
            request.user,
            method=data["method"],
            price_paid=data["price_paid"],
            note=data["note"],
            version=version,
        )
    if step == "exchange":
        return services.exchange(
            rma, request.user, new_serial=data["new_serial"], note=data["note"], version=version
        )
    if step == "ship":
        return services.ship_repaired(
            rma,
            request.user,
            repair_note=data["repair_note"],
            tracking_number=data["tracking_number"],
            version=version,
        )
    if step == "reject":
        return services.reject(rma, request.user, reason=data["reason"], version=version)
    return services.close(rma, request.user, note=data["note"], version=version)


STEP_DONE = {
    "receive": gettext_lazy("Receipt recorded."),
    "inspect": gettext_lazy("Inspection recorded."),
    "refund": gettext_lazy("Refund recorded."),
    "exchange": gettext_lazy("Exchange recorded; the new unit is registered to the customer."),
    "ship": gettext_lazy("Repair and shipment recorded."),
    "reject": gettext_lazy("Return rejected."),
    "close": gettext_lazy("Return closed."),
}


@run_required
@require_POST
def return_step(request, number, step):
    rma = get_object_or_404(selectors.return_detail(request.user), number=number)
    if step not in STEP_FORMS:
        raise Http404
    kwargs = {"deductions": services.deductions_available(rma)} if step == "receive" else {}
    form = STEP_FORMS[step](request.POST, request.FILES, **kwargs)
    if form.is_valid():
        try:
            _do_step(request, rma, step, form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error, {"serial_number": "new_serial"})
        else:
            messages.success(request, str(STEP_DONE[step]))
            return redirect("returns:detail", number=rma.number)
    rma = get_object_or_404(selectors.return_detail(request.user), number=number)
    context = _detail_context(request, rma, {step: form})
    context["failed_step"] = step
    return render(request, "returns/detail.html", context, status=400)


@run_required
@require_POST
def return_start(request, request_number):
    service_request = get_object_or_404(
        access.visible_requests(request.user).select_related("unit"), number=request_number
    )
    form = StartForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rma = services.authorise(
                request.user,
                service_request,
                kind=data["kind"],
                reason=data["reason"],
                price_paid=data["price_paid"],
                override_reason=data["override_reason"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Return %(number)s authorised.") % {"number": rma.number})
            return redirect("returns:detail", number=rma.number)
    else:
        messages.error(request, _("Choose the kind of return."))
    return redirect("service:detail", service_request.number)


# --- Accessory deductions -----------------------------------------------------------------


@run_required
@require_GET
def deduction_list(request):
    return render(
        request,
        "returns/deduction_list.html",
        _context(request, "deductions", deductions=selectors.deduction_rows()),
    )


def _table_form(request, form_class, instance, save, template, done, back):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.instance, request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        template,
        _context(request, back.split(":")[1], form=form, obj=instance if instance.pk else None),
        status=400 if request.method == "POST" else 200,
    )


@manager_required
def deduction_create(request):
    return _table_form(
        request,
        DeductionForm,
        AccessoryDeduction(),
        services.save_deduction,
        "returns/deduction_form.html",
        _("Deduction saved."),
        "returns:deductions",
    )


@manager_required
def deduction_edit(request, pk):
    return _table_form(
        request,
        DeductionForm,
        get_object_or_404(AccessoryDeduction, pk=pk),
        services.save_deduction,
        "returns/deduction_form.html",
        _("Deduction saved."),
        "returns:deductions",
    )


# --- Trade-in -----------------------------------------------------------------------------


@run_required
def trade_in(request):
    """Value an old unit (GET with serial and condition); issue its credit (POST)."""
    form = ValuationForm(request.GET or request.POST or None)
    found, status = None, 200
    if form.is_bound and form.is_valid():
        unit = find_unit(form.cleaned_data["serial_number"])
        if unit is None or not access.visible_units(request.user).filter(pk=unit.pk).exists():
            form.add_error("serial_number", _("No unit with this serial number."))
            status = 400
        else:
            try:
                if request.method == "POST":
                    credit = services.issue_credit(
                        request.user, unit, form.cleaned_data["condition"]
                    )
                    messages.success(
                        request,
                        _("Credit %(number)s of %(value)s CNY issued to %(customer)s.")
                        % {
                            "number": credit.number,
                            "value": f"{credit.value:.2f}",
                            "customer": credit.customer,
                        },
                    )
                    return redirect("returns:trade_in")
                found = services.valuation(unit, form.cleaned_data["condition"])
            except DomainError as error:
                show_error(form, error, {"unit": "serial_number"})
                status = 400
    return render(
        request,
        "returns/trade_in.html",
        _context(
            request,
            "trade_in",
            form=form,
            found=found,
            use_form=UseCreditForm(),
            credits=selectors.credit_rows(request.user)[:100],
        ),
        status=status,
    )


@run_required
@require_POST
def credit_use(request, number):
    credit = get_object_or_404(selectors.credit_rows(request.user), number=number)
    form = UseCreditForm(request.POST)
    if form.is_valid():
        new_unit = None
        serial = form.cleaned_data["new_serial"]
        if serial:
            new_unit = find_unit(serial)
        try:
            if serial and new_unit is None:
                raise DomainError(_("No unit with serial number %(serial)s.") % {"serial": serial})
            services.use_credit(
                request.user, credit, new_unit=new_unit, reference=form.cleaned_data["reference"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Credit %(number)s used.") % {"number": credit.number})
    return redirect("returns:trade_in")


@run_required
@require_GET
def rate_list(request):
    return render(
        request,
        "returns/rate_list.html",
        _context(request, "rates", rates=selectors.rate_rows()),
    )


@manager_required
def rate_create(request):
    return _table_form(
        request,
        TradeInRateForm,
        TradeInRate(),
        services.save_rate,
        "returns/rate_form.html",
        _("Trade-in rate saved."),
        "returns:rates",
    )


@manager_required
def rate_edit(request, pk):
    return _table_form(
        request,
        TradeInRateForm,
        get_object_or_404(TradeInRate, pk=pk),
        services.save_rate,
        "returns/rate_form.html",
        _("Trade-in rate saved."),
        "returns:rates",
    )
