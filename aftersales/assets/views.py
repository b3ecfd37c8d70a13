"""Pages of the installed base: the unit list, a unit's record, registering and editing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.assets import services
from aftersales.assets.forms import DecisionForm, TransferForm, UnitFilterForm, UnitForm
from aftersales.assets.models import normalize_serial
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.pagination import LargePaginator
from aftersales.customers.services import search_customers
from aftersales.service import access, selectors
from aftersales.service.entitlement import evaluate_unit
from aftersales.service.views import staff_required
from aftersales.warranty.models import FaultCause

PAGE_SIZE = 50
SORTS = {
    "serial": ("serial_number",),
    "-serial": ("-serial_number",),
    "purchased": ("purchased_on", "id"),
    "-purchased": ("-purchased_on", "-id"),
}


@staff_required
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    units = access.visible_units(request.user).select_related("product", "customer")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            serial = normalize_serial(data["q"])
            units = units.filter(
                Q(serial_number__startswith=serial) | Q(customer__name__icontains=data["q"])
            )
        if data["product"]:
            units = units.filter(product=data["product"])
        if data["status"]:
            units = units.filter(status=data["status"])
    sort = request.GET.get("sort", "-purchased")
    units = units.order_by(*SORTS.get(sort, SORTS["-purchased"]))
    page = LargePaginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assets/list.html",
        {"nav": "units", "form": form, "page_obj": page, "current_sort": sort},
    )


def _decision(unit, params) -> dict:
    """The decision panel's context: the form and the answer for the asked fault and day."""
    form = DecisionForm(params or None, unit=unit)
    if form.is_bound and not form.is_valid():
        return {"decision_form": form, "decision": None}
    data = form.cleaned_data if form.is_bound else {}
    try:
        decision = evaluate_unit(
            unit,
            data.get("fault") or FaultCause.UNKNOWN,
            data.get("reported_on"),
            fault_codes=[data["fault_code"]] if data.get("fault_code") else [],
        )
    except DomainError as error:
        show_error(form, error)
        return {"decision_form": form, "decision": None}
    return {"decision_form": form, "decision": decision}


@staff_required
def unit_entitlement(request, pk):
    """htmx: the decision for the fault cause and day the agent picked."""
    unit = get_object_or_404(
        access.visible_units(request.user).select_related("product__category", "customer"), pk=pk
    )
    return render(request, "warranty/_decision_result.html", _decision(unit, request.GET))


@staff_required
def unit_detail(request, pk):
    unit = get_object_or_404(
        access.visible_units(request.user).select_related("product__category", "customer"), pk=pk
    )
    return render(
        request,
        "assets/detail.html",
        {
            **_decision(unit, None),
            "nav": "units",
            "unit": unit,
            "events": unit.events.select_related("actor", "from_customer", "to_customer"),
            "requests": selectors.recent_requests(request.user, unit=unit)[:50],
            "can_manage": access.can_manage_customers(request.user),
            "transfer_form": TransferForm(),
        },
    )


@staff_required
def unit_create(request):
    if not access.can_manage_customers(request.user):
        raise PermissionDenied
    customer = None
    if request.GET.get("customer", "").isdigit():
        customer = access.visible_customers(request.user).filter(pk=request.GET["customer"]).first()
    if customer is None:
        messages.info(request, _("Open the customer first, then register the unit from there."))
        return redirect("customers:list")
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.register_unit(
                actor=request.user, customer=customer, **form.cleaned_data
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Unit %(serial)s registered.") % {"serial": unit})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "assets/form.html", {"nav": "units", "form": form, "customer": customer})


@staff_required
def unit_edit(request, pk):
    if not access.can_manage_customers(request.user):
        raise PermissionDenied
    unit = get_object_or_404(access.visible_units(request.user), pk=pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_unit(unit, actor=request.user, **changes)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("assets:detail", pk=unit.pk)
    return render(request, "assets/form.html", {"nav": "units", "form": form, "unit": unit})


@staff_required
@require_POST
def unit_transfer(request, pk):
    if not access.can_manage_customers(request.user):
        raise PermissionDenied
    unit = get_object_or_404(access.visible_units(request.user), pk=pk)
    form = TransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say who the new owner is."))
        return redirect("assets:detail", pk=unit.pk)
    data = form.cleaned_data
    matches = list(search_customers(data["new_owner"])[:2])
    exact = [c for c in matches if c.name == data["new_owner"].strip()]
    if len(matches) == 1 or len(exact) == 1:
        new_owner = exact[0] if len(exact) == 1 else matches[0]
        try:
            services.transfer_ownership(
                unit,
                new_owner,
                actor=request.user,
                effective_on=data["effective_on"],
                reason=data["reason"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            message = _("%(unit)s now belongs to %(owner)s.")
            messages.success(request, message % {"unit": unit, "owner": new_owner})
    elif not matches:
        messages.error(request, _("No customer matches “%(q)s”.") % {"q": data["new_owner"]})
    else:
        messages.error(
            request,
            _("Several customers match “%(q)s”; type the full phone number.")
            % {"q": data["new_owner"]},
        )
    return redirect("assets:detail", pk=unit.pk)
