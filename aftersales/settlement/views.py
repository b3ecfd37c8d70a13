"""Settlement pages: statements (list, detail, build, approve, export) and fee rates.

Managers see every statement and rate, build, approve and export; partner staff see only
their own center's statements (another center's is 404) and the rates that apply to them,
and may download approved statements; everyone else is refused (403). Thin: the rules are
in services.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.exports import table_response
from aftersales.core.forms import show_error
from aftersales.core.lists import filtered_rows
from aftersales.settlement import exports, selectors, services
from aftersales.settlement.filters import StatementFilter
from aftersales.settlement.forms import BuildForm, FeeRateForm, MonthForm
from aftersales.settlement.models import FeeRate

NAV = "settlement"

view_required = allowed_if(services.can_view)
manager_required = allowed_if(services.can_manage)


def _context(request, tab: str, **extra) -> dict:
    return {"nav": NAV, "tab": tab, "can_manage": services.can_manage(request.user), **extra}


@view_required
@require_GET
def statement_list(request):
    filters = StatementFilter(request.GET or None, queryset=selectors.statement_rows(request.user))
    rows = filtered_rows(filters)
    return render(
        request,
        "settlement/statement_list.html",
        _context(
            request,
            "statements",
            filters=filters,
            statements=rows[:200],
            build_form=BuildForm() if services.can_manage(request.user) else None,
        ),
    )


@manager_required
@require_POST
def statement_build(request):
    form = BuildForm(request.POST)
    if form.is_valid():
        try:
            month = services.parse_month(form.cleaned_data["month"])
            statement = services.build_statement(form.cleaned_data["center"], month, request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Statement built."))
            return redirect("settlement:statement_detail", pk=statement.pk)
    else:
        messages.error(request, _("Choose a partner center and a month."))
    return redirect("settlement:statement_list")


@view_required
@require_GET
def statement_detail(request, pk):
    statement = get_object_or_404(selectors.statement_rows(request.user), pk=pk)
    return render(
        request,
        "settlement/statement_detail.html",
        _context(
            request,
            "statements",
            statement=statement,
            lines=selectors.statement_lines(statement),
        ),
    )


@manager_required
@require_POST
def statement_rebuild(request, pk):
    statement = get_object_or_404(selectors.statement_rows(request.user), pk=pk)
    try:
        services.build_statement(statement.center, statement.month, request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Statement refreshed."))
    return redirect("settlement:statement_detail", pk=pk)


@manager_required
@require_POST
def statement_approve(request, pk):
    statement = get_object_or_404(selectors.statement_rows(request.user), pk=pk)
    try:
        services.approve(statement, request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Statement approved."))
    return redirect("settlement:statement_detail", pk=pk)


FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.to_xlsx,
    ),
}


@view_required
@require_POST
def statement_export(request, pk, fmt):
    statement = get_object_or_404(selectors.statement_rows(request.user), pk=pk)
    if fmt not in FORMATS:
        return HttpResponse(status=404)
    try:
        statement = services.mark_exported(statement, request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("settlement:statement_detail", pk=pk)
    content_type, write = FORMATS[fmt]
    response = HttpResponse(write(statement), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(statement, fmt)}"'
    return response


# --- Fee rates ----------------------------------------------------------------------------


@view_required
@require_GET
def rate_list(request):
    return render(
        request,
        "settlement/rate_list.html",
        _context(request, "rates", rates=selectors.rate_rows(request.user)),
    )


def _rate_form(request, rate: FeeRate):
    form = FeeRateForm(request.POST or None, instance=rate)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rate(form.instance, request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Fee rate saved."))
            return redirect("settlement:rate_list")
    return render(
        request,
        "settlement/rate_form.html",
        _context(request, "rates", form=form, rate=rate if rate.pk else None),
        status=400 if request.method == "POST" else 200,
    )


@manager_required
def rate_create(request):
    return _rate_form(request, FeeRate())


@manager_required
def rate_edit(request, pk):
    return _rate_form(request, get_object_or_404(FeeRate, pk=pk))


# --- Piece work -----------------------------------------------------------------------------


def _month_asked(request):
    """The month in ?month=YYYY-MM, else the current one; (month, error text)."""
    text = request.GET.get("month", "")
    if not text:
        return services.month_of(timezone.localdate()), ""
    try:
        return services.parse_month(text), ""
    except DomainError as error:
        return services.month_of(timezone.localdate()), str(error)


@view_required
@require_GET
def piece_work(request):
    month, error = _month_asked(request)
    rows = selectors.piece_work(request.user, month)
    return render(
        request,
        "settlement/piece_work.html",
        _context(
            request,
            "piece",
            month=month,
            month_error=error,
            rows=rows,
            total=sum((r["total"] for r in rows), Decimal("0.00")),
            form=MonthForm(initial={"month": f"{month:%Y-%m}"}),
        ),
        status=400 if error else 200,
    )


@view_required
@require_GET
def piece_work_export(request, fmt):
    month, error = _month_asked(request)
    if error or fmt not in ("csv", "xlsx"):
        return HttpResponse(error, status=400 if error else 404)
    return table_response(
        f"piece-work-{month:%Y-%m}",
        fmt,
        exports.piece_headers(),
        exports.piece_rows(selectors.piece_lines(request.user, month)),
    )
