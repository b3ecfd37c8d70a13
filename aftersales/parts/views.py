"""Parts pages: stock list (filter, sort, CSV/Excel), a location's page, a part's page with
its ledger, the moves form, the replenishment list, defective parts; and the actions of the
request's parts panel (reserve, receive, release, use, faulty part back).

Back office and field staff see stock (partner staff their own center's locations,
technicians their van); customers are refused. Thin: rules are in services and access.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.catalog.models import SparePart
from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.exports import table_response
from aftersales.core.forms import show_error
from aftersales.core.http import next_url
from aftersales.core.lists import filtered_rows
from aftersales.parts import access, exports, selectors, services
from aftersales.parts.filters import DefectiveFilter, MoveFilter, StockLevelFilter
from aftersales.parts.forms import (
    CloseDefectiveForm,
    FaultyForm,
    MoveForm,
    ReserveForm,
    RuleForm,
    UseForm,
)
from aftersales.parts.models import (
    OPEN_RESERVATIONS,
    DefectiveStatus,
    ReorderRule,
    Reservation,
    ReservationStatus,
)
from aftersales.service import access as service_access
from aftersales.service.models import ServiceRequest

NAV = "parts"
PAGE_SIZE = 50

view_required = allowed_if(access.can_view_stock)


def _can_move(user) -> bool:
    return access.can_manage_stock(user) or (user.is_field and user.role == "partner")


move_required = allowed_if(_can_move)


def _context(request, tab: str, **extra) -> dict:
    return {
        "nav": NAV,
        "tab": tab,
        "can_manage": access.can_manage_stock(request.user),
        "can_move": _can_move(request.user),
        **extra,
    }


def _filtered(filter_class, params, queryset, request):
    filters = filter_class(params or None, queryset=queryset, request=request)
    return filters, filtered_rows(filters)


# --- Stock list ---------------------------------------------------------------------------


def _stock(request):
    filters, rows = _filtered(
        StockLevelFilter, request.GET, selectors.level_rows(request.user), request
    )
    if not request.GET.get("sort"):
        rows = rows.order_by("location__code", "part__part_number")
    return filters, rows


@view_required
@require_GET
def stock_list(request):
    filters, rows = _stock(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "parts/stock_list.html",
        _context(
            request,
            "stock",
            filters=filters,
            page_obj=page,
            current_sort=request.GET.get("sort", ""),
            query=request.GET.urlencode(),
        ),
    )


@view_required
@require_GET
def stock_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filters, rows = _stock(request)
    return table_response("stock", fmt, exports.stock_headers(), exports.stock_rows(rows))


# --- A location, a part -------------------------------------------------------------------


@view_required
@require_GET
def location_detail(request, pk):
    location = get_object_or_404(selectors.location_rows(request.user), pk=pk)
    levels = selectors.level_rows(request.user).filter(location=location)
    levels = levels.order_by("part__part_number")
    reservations = (
        selectors.reservation_rows(request.user, Reservation.objects.all())
        .filter(status__in=OPEN_RESERVATIONS)
        .filter(Q(location=location) | Q(source=location, status=ReservationStatus.AWAITING))
        .order_by("-created_at")[:100]
    )
    moves = selectors.move_rows(request.user).filter(
        Q(from_location=location) | Q(to_location=location)
    )
    return render(
        request,
        "parts/location_detail.html",
        _context(
            request,
            "locations",
            location=location,
            levels=levels,
            reservations=reservations,
            moves=moves.order_by("-at", "-pk")[:50],
            rule_form=RuleForm() if access.can_manage_stock(request.user) else None,
        ),
    )


@allowed_if(access.can_manage_stock)
@require_POST
def rule_save(request, pk):
    """Set (or change) the reorder point of a part at this location."""
    location = get_object_or_404(selectors.location_rows(request.user), pk=pk)
    form = RuleForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        data = form.cleaned_data
        rule = ReorderRule.objects.filter(part=data["part"], location=location).first()
        rule = rule or ReorderRule(part=data["part"], location=location)
        rule.minimum, rule.target = data["minimum"], data["target"]
        try:
            services.save_rule(rule, request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Reorder point saved."))
    return redirect("parts:location_detail", pk=location.pk)


@view_required
@require_GET
def location_list(request):
    locations = selectors.location_rows(request.user).order_by("kind", "code")
    return render(
        request, "parts/location_list.html", _context(request, "locations", locations=locations)
    )


@view_required
@require_GET
def part_detail(request, pk):
    part = get_object_or_404(SparePart.objects.select_related("category"), pk=pk)
    levels = selectors.level_rows(request.user).filter(part=part).order_by("location__code")
    params = request.GET.copy()
    params["part"] = str(part.pk)
    filters, moves = _filtered(MoveFilter, params, selectors.move_rows(request.user), request)
    page = Paginator(moves.order_by("-at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "parts/part_detail.html",
        _context(request, "stock", part=part, levels=levels, filters=filters, page_obj=page),
    )


@view_required
@require_GET
def move_list(request):
    filters, moves = _filtered(MoveFilter, request.GET, selectors.move_rows(request.user), request)
    page = Paginator(moves.order_by("-at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "parts/move_list.html",
        _context(request, "moves", filters=filters, page_obj=page, query=request.GET.urlencode()),
    )


@view_required
@require_GET
def move_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filters, moves = _filtered(MoveFilter, request.GET, selectors.move_rows(request.user), request)
    rows = exports.move_rows(moves.order_by("-at", "-pk")[:10000])
    return table_response("stock-moves", fmt, exports.move_headers(), rows)


@move_required
def move_create(request):
    form = MoveForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move = services.record_move(
                data["kind"],
                data["part"],
                data["quantity"],
                actor=request.user,
                from_location=data["from_location"],
                to_location=data["to_location"],
                reference=data["reference"],
                note=data["note"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            if move is None:
                messages.info(request, _("The count matches the stock; nothing to change."))
            else:
                messages.success(request, _("Stock move recorded."))
            return redirect("parts:part_detail", pk=data["part"].pk)
    return render(
        request,
        "parts/move_form.html",
        _context(request, "moves", form=form),
        status=400 if request.method == "POST" else 200,
    )


# --- Replenishment ------------------------------------------------------------------------


@view_required
@require_GET
def replenishment(request):
    rows, source = selectors.replenishment(request.user)
    return render(
        request,
        "parts/replenishment.html",
        _context(request, "replenishment", rows=rows[:500], source=source),
    )


@view_required
@require_GET
def replenishment_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows, source = selectors.replenishment(request.user)
    return table_response(
        "replenishment",
        fmt,
        exports.replenishment_headers(),
        exports.replenishment_rows(rows, source),
    )


# --- Defective parts ----------------------------------------------------------------------


def _defective(request):
    return _filtered(
        DefectiveFilter,
        request.GET,
        selectors.defective_rows(request.user).prefetch_related(
            "request__vendor_claims__supplier_warranty"
        ),
        request,
    )


@view_required
@require_GET
def defective_list(request):
    filters, rows = _defective(request)
    page = Paginator(rows.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "parts/defective_list.html",
        _context(
            request,
            "defective",
            filters=filters,
            page_obj=page,
            close_form=CloseDefectiveForm(),
            query=request.GET.urlencode(),
        ),
    )


@view_required
@require_GET
def defective_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _filters, rows = _defective(request)
    return table_response(
        "defective-parts",
        fmt,
        exports.defective_headers(),
        exports.defective_rows(rows.order_by("-received_at", "-pk")),
    )


def _back(request, fallback: str, **kwargs):
    target = next_url(request)
    if target:
        return redirect(target)
    return redirect(fallback, **kwargs)


@view_required
@require_POST
def defective_close(request, pk):
    defective = get_object_or_404(selectors.defective_rows(request.user), pk=pk)
    form = CloseDefectiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose returned to supplier or scrapped."))
        return _back(request, "parts:defective_list")
    try:
        services.close_defective(
            defective,
            form.cleaned_data["outcome"],
            actor=request.user,
            reference=form.cleaned_data["reference"],
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(part)s: %(status)s.")
            % {
                "part": defective.part,
                "status": DefectiveStatus(form.cleaned_data["outcome"]).label,
            },
        )
    return _back(request, "parts:defective_list")


@view_required
@require_POST
def defective_claim(request, pk):
    defective = get_object_or_404(selectors.defective_rows(request.user), pk=pk)
    claim_id = request.POST.get("vendor_claim") or None
    claim = defective.request.vendor_claims.filter(pk=claim_id).first() if claim_id else None
    try:
        services.link_claim(defective, claim, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Recovery claim updated."))
    return _back(request, "parts:defective_list")


# --- The request's parts panel ------------------------------------------------------------


def _request_for(request, number) -> ServiceRequest:
    return get_object_or_404(service_access.visible_requests(request.user), number=number)


def _panel_error(request, error) -> None:
    messages.error(request, str(error))


def _form_error(request, form) -> None:
    problems = "; ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for name, errors in form.errors.items()
    )
    messages.error(request, problems)


@view_required
@require_POST
def request_reserve(request, number):
    service_request = _request_for(request, number)
    form = ReserveForm(request.POST, user=request.user, prefix="reserve")
    if not form.is_valid():
        _form_error(request, form)
    else:
        data = form.cleaned_data
        try:
            services.reserve(
                data["part"],
                data["location"],
                data["quantity"],
                request=service_request,
                actor=request.user,
                source=data["source"],
                wait=data["wait"],
                note=data["note"],
            )
        except DomainError as error:
            _panel_error(request, error)
        else:
            messages.success(request, _("Part reserved."))
    return redirect("service:detail", number=service_request.number)


@view_required
@require_POST
def request_use(request, number):
    service_request = _request_for(request, number)
    form = UseForm(request.POST, user=request.user, prefix="use")
    if not form.is_valid():
        _form_error(request, form)
    else:
        data = form.cleaned_data
        try:
            services.consume(
                data["part"],
                data["location"],
                data["quantity"],
                request=service_request,
                actor=request.user,
                note=data["note"],
            )
        except DomainError as error:
            _panel_error(request, error)
        else:
            messages.success(request, _("Part used recorded."))
    return redirect("service:detail", number=service_request.number)


@view_required
@require_POST
def request_faulty(request, number):
    service_request = _request_for(request, number)
    form = FaultyForm(request.POST, user=request.user, request=service_request, prefix="faulty")
    if not form.is_valid():
        _form_error(request, form)
    else:
        data = form.cleaned_data
        try:
            services.return_faulty(
                data["part"],
                request=service_request,
                center=data["center"],
                actor=request.user,
                serial_number=data["serial_number"],
                fault=data["fault"],
            )
        except DomainError as error:
            _panel_error(request, error)
        else:
            messages.success(request, _("Faulty part taken back."))
    return redirect("service:detail", number=service_request.number)


def _reservation(request, pk) -> Reservation:
    reservation = get_object_or_404(Reservation.objects.select_related("request"), pk=pk)
    if not service_access.can_view(request.user, reservation.request):
        raise Http404
    return reservation


@view_required
@require_POST
def reservation_action(request, pk, action):
    reservation = _reservation(request, pk)
    try:
        if action == "receive":
            services.receive_reservation(reservation, actor=request.user)
            messages.success(request, _("Parts received."))
        elif action == "release":
            services.release(reservation, actor=request.user)
            messages.success(request, _("Reservation released."))
        elif action == "use":
            services.consume(
                request=reservation.request, actor=request.user, reservation=reservation
            )
            messages.success(request, _("Part used recorded."))
        else:
            raise Http404
    except DomainError as error:
        _panel_error(request, error)
    return _back(request, "service:detail", number=reservation.request.number)
