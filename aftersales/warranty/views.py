"""Warranty administration pages: policies, service plans, contracts and their renewal,
extended warranties, supplier (back-to-back) cover and vendor recovery claims.

Service managers and administrators change them; agents and dispatchers read them (that
is what they tell customers); field staff and customers are refused (403). Thin: each
view reads input, calls a service, and renders or redirects.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.assets.models import Unit
from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.customers.models import Customer
from aftersales.warranty import selectors, services
from aftersales.warranty.filters import (
    CONTRACT_DEFAULT_SORT,
    ContractFilter,
    VendorClaimFilter,
    sort_contracts,
)
from aftersales.warranty.forms import (
    ClaimMoveForm,
    ComponentTermFormSet,
    ContractForm,
    ExtendedWarrantyForm,
    PlanForm,
    PolicyForm,
    ReasonForm,
    SupplierWarrantyForm,
    terms_from,
)
from aftersales.warranty.models import (
    ClaimStatus,
    ContractStatus,
    ServiceContract,
    ServicePlan,
    SupplierWarranty,
    VendorClaim,
    WarrantyPolicy,
)

PAGE_SIZE = 50
NAV = "warranty"
OPEN_CLAIMS = (ClaimStatus.OPEN, ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED)


# Read: administrators, service managers, agents and dispatchers. Change: managers.
back_office_required = allowed_if(services.can_read)
manager_required = allowed_if(services.can_manage)


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _days(value, default: int = services.REMINDER_DAYS) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        return default
    return days if 0 < days <= 366 else default


# --- Overview -----------------------------------------------------------------------------


@back_office_required
@require_GET
def home(request):
    reminders = services.renewal_reminders()
    counts = ServiceContract.objects.aggregate(
        quotes=Count("id", filter=Q(status=ContractStatus.QUOTE)),
        accepted=Count("id", filter=Q(status=ContractStatus.ACCEPTED)),
        active=Count("id", filter=Q(status=ContractStatus.ACTIVE)),
    )
    counts["open_claims"] = VendorClaim.objects.filter(status__in=OPEN_CLAIMS).count()
    return render(
        request,
        "warranty/home.html",
        {
            "nav": NAV,
            "tab": "home",
            "counts": counts,
            "reminders": reminders[:10],
            "reminder_count": reminders.count(),
            "days": services.REMINDER_DAYS,
        },
    )


# --- Policies -----------------------------------------------------------------------------


@back_office_required
@require_GET
def policy_list(request):
    return render(
        request,
        "warranty/policy_list.html",
        {
            "nav": NAV,
            "tab": "policies",
            "policies": selectors.policy_rows(),
            "can_manage": services.can_manage(request.user),
        },
    )


def _policy_form(request, policy: WarrantyPolicy):
    name = policy.name
    form = PolicyForm(request.POST or None, instance=policy)
    formset = ComponentTermFormSet(request.POST or None, instance=policy, prefix="terms")
    # Both are validated, so that the page shows the problems of both at once.
    valid = form.is_valid() & formset.is_valid() if request.method == "POST" else False
    if valid:
        try:
            saved = services.save_policy(
                form.instance, actor=request.user, terms=terms_from(formset)
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Policy %(name)s saved.") % {"name": saved.name})
            return redirect("warranty:policy_list")
    covered = []
    if policy.pk:
        policies = list(WarrantyPolicy.objects.all())
        covered = selectors.policy_coverage(policies, keep_all=True).get(policy.pk)
    return render(
        request,
        "warranty/policy_form.html",
        {
            "nav": NAV,
            "tab": "policies",
            "form": form,
            "formset": formset,
            "policy": policy if policy.pk else None,
            "title": name,
            "covered": covered,
        },
    )


@manager_required
def policy_create(request):
    return _policy_form(request, WarrantyPolicy())


@manager_required
def policy_edit(request, pk):
    return _policy_form(request, get_object_or_404(WarrantyPolicy, pk=pk))


# --- Service plans --------------------------------------------------------------------------


@back_office_required
@require_GET
def plan_list(request):
    plans = ServicePlan.objects.annotate(
        active_contracts=Count("contracts", filter=Q(contracts__status=ContractStatus.ACTIVE))
    )
    return render(
        request,
        "warranty/plan_list.html",
        {
            "nav": NAV,
            "tab": "plans",
            "plans": plans,
            "can_manage": services.can_manage(request.user),
        },
    )


def _plan_form(request, plan: ServicePlan):
    name = plan.name
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_plan(form.instance, actor=request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Plan %(name)s saved.") % {"name": saved.name})
            return redirect("warranty:plan_list")
    return render(
        request,
        "warranty/plan_form.html",
        {
            "nav": NAV,
            "tab": "plans",
            "form": form,
            "plan": plan if plan.pk else None,
            "title": name,
        },
    )


@manager_required
def plan_create(request):
    return _plan_form(request, ServicePlan())


@manager_required
def plan_edit(request, pk):
    return _plan_form(request, get_object_or_404(ServicePlan, pk=pk))


# --- Contracts ----------------------------------------------------------------------------


@back_office_required
@require_GET
def contract_list(request):
    params = request.GET
    contracts = ServiceContract.objects.all()
    filterset = ContractFilter(params, queryset=contracts, request=request)
    rows = filterset.qs if filterset.is_valid() else contracts.none()
    sort = params.get("sort") or CONTRACT_DEFAULT_SORT
    page = _page(request, selectors.contract_rows(sort_contracts(rows, sort)))
    customer = None
    if params.get("customer", "").isdigit():
        customer = Customer.objects.filter(pk=params["customer"]).first()
    return render(
        request,
        "warranty/contract_list.html",
        {
            "nav": NAV,
            "tab": "contracts",
            "page_obj": page,
            "filterset": filterset,
            "params": params,
            "current_sort": sort,
            "statuses": ContractStatus.choices,
            "plans": ServicePlan.objects.all(),
            "customer": customer,
            "reminder_days": services.REMINDER_DAYS,
            "can_manage": services.can_manage(request.user),
        },
    )


def _contract(number: str) -> ServiceContract:
    return get_object_or_404(
        ServiceContract.objects.select_related("customer", "plan", "renewal_of", "created_by"),
        number=number,
    )


@back_office_required
@require_GET
def contract_detail(request, number):
    contract = _contract(number)
    return render(
        request,
        "warranty/contract_detail.html",
        {
            "nav": NAV,
            "tab": "contracts",
            "contract": contract,
            "units": contract.units.select_related("product").order_by("serial_number"),
            "renewal": ServiceContract.objects.filter(renewal_of=contract).first(),
            "events": selectors.contract_history(contract),
            "actions": services.available_actions(request.user, contract),
            "reason_form": ReasonForm(),
        },
    )


def _contract_input(data: dict) -> dict:
    return {
        "plan": data["plan"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "price": data["price"],
        "all_units": data["all_units"],
        "units": list(data["units"]),
        "notes": data["notes"],
    }


@manager_required
def contract_create(request):
    customer = None
    if request.GET.get("customer", "").isdigit():
        customer = Customer.objects.filter(pk=request.GET["customer"]).first()
    if customer is None:
        messages.info(request, _("Open the customer first, then make the contract from there."))
        return redirect("customers:list")
    form = ContractForm(
        request.POST or None, customer=customer, initial={"starts_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.create_contract(
                actor=request.user, customer=customer, **_contract_input(form.cleaned_data)
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("Contract %(number)s quoted.") % {"number": contract.number}
            )
            return redirect("warranty:contract_detail", number=contract.number)
    return render(
        request,
        "warranty/contract_form.html",
        {"nav": NAV, "tab": "contracts", "form": form, "customer": customer},
    )


@manager_required
def contract_edit(request, number):
    contract = _contract(number)
    if contract.status != ContractStatus.QUOTE:
        messages.error(request, _("Only a quote can be changed."))
        return redirect("warranty:contract_detail", number=contract.number)
    form = ContractForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        data = _contract_input(form.cleaned_data)
        if not data["ends_on"]:
            data["ends_on"] = services.default_end(data["starts_on"])
        try:
            services.update_quote(
                contract,
                actor=request.user,
                expected_version=request.POST.get("version") or None,
                **data,
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("warranty:contract_detail", number=contract.number)
    return render(
        request,
        "warranty/contract_form.html",
        {
            "nav": NAV,
            "tab": "contracts",
            "form": form,
            "customer": contract.customer,
            "contract": contract,
        },
    )


@manager_required
@require_POST
def contract_action(request, number, action):
    contract = _contract(number)
    if action not in services.Action.values:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    extra = {"expected_version": data.get("version")}
    if action in (services.Action.ACCEPT, services.Action.DECLINE):
        extra["note"] = data.get("reason", "")
    elif action == services.Action.CANCEL:
        extra["reason"] = data.get("reason", "")
    try:
        result = services.ACTIONS[action](contract, actor=request.user, **extra)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("warranty:contract_detail", number=contract.number)
    if action == services.Action.RENEW:
        messages.success(
            request,
            _("Renewal %(renewal)s quoted for contract %(number)s.")
            % {"renewal": result.number, "number": contract.number},
        )
        return redirect("warranty:contract_detail", number=result.number)
    messages.success(
        request,
        _("Contract %(number)s is now: %(status)s.")
        % {"number": result.number, "status": result.get_status_display()},
    )
    return redirect("warranty:contract_detail", number=result.number)


@back_office_required
@require_GET
def renewals(request):
    days = _days(request.GET.get("days"))
    rows = services.renewal_reminders(days)
    return render(
        request,
        "warranty/renewals.html",
        {
            "nav": NAV,
            "tab": "renewals",
            "days": days,
            "page_obj": _page(request, rows),
            "can_manage": services.can_manage(request.user),
        },
    )


# --- Extended warranties (from the unit page) ----------------------------------------------


@login_required
@require_POST
def extended_add(request, unit_pk):
    if not services.can_add_extended(request.user):
        raise PermissionDenied
    unit = get_object_or_404(Unit.objects.select_related("product", "customer"), pk=unit_pk)
    form = ExtendedWarrantyForm(request.POST, auto_id="id_ew_%s")
    added = None
    if form.is_valid():
        try:
            added = services.add_extended_warranty(unit, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
    if request.htmx:
        # The unit page's cover card, swapped in place: with the new cover, or the errors.
        context = {"unit": unit, "extended_form": None if added else form, "added": added}
        return render(request, "warranty/_unit_cover.html", context)
    if added:
        messages.success(request, _("Extended warranty %(name)s added.") % {"name": added.name})
    else:
        problems = "; ".join(" ".join(errors) for errors in form.errors.values())
        messages.error(
            request,
            _("The extended warranty was not added: %(errors)s") % {"errors": problems},
        )
    return redirect(f"{reverse('assets:detail', args=[unit.pk])}#unit-cover")


# --- Supplier warranties ------------------------------------------------------------------


@back_office_required
@require_GET
def supplier_list(request):
    covers = SupplierWarranty.objects.select_related("product", "spare_part").annotate(
        open_claims=Count("claims", filter=Q(claims__status__in=OPEN_CLAIMS))
    )
    return render(
        request,
        "warranty/supplier_list.html",
        {
            "nav": NAV,
            "tab": "suppliers",
            "page_obj": _page(request, covers.order_by("supplier", "id")),
            "can_manage": services.can_manage(request.user),
        },
    )


def _supplier_form(request, cover: SupplierWarranty):
    title = str(cover) if cover.pk else ""
    form = SupplierWarrantyForm(request.POST or None, instance=cover)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_supplier_warranty(form.instance, actor=request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("Supplier warranty of %(supplier)s saved.") % {"supplier": saved.supplier},
            )
            return redirect("warranty:supplier_list")
    return render(
        request,
        "warranty/supplier_form.html",
        {
            "nav": NAV,
            "tab": "suppliers",
            "form": form,
            "cover": cover if cover.pk else None,
            "title": title,
        },
    )


@manager_required
def supplier_create(request):
    return _supplier_form(request, SupplierWarranty())


@manager_required
def supplier_edit(request, pk):
    return _supplier_form(request, get_object_or_404(SupplierWarranty, pk=pk))


# --- Vendor claims ------------------------------------------------------------------------


@back_office_required
@require_GET
def claim_list(request):
    claims = VendorClaim.objects.select_related(
        "request", "supplier_warranty__product", "supplier_warranty__spare_part"
    )
    filterset = VendorClaimFilter(request.GET, queryset=claims, request=request)
    rows = filterset.qs if filterset.is_valid() else claims.none()
    return render(
        request,
        "warranty/claim_list.html",
        {
            "nav": NAV,
            "tab": "claims",
            "page_obj": _page(request, rows.order_by("-created_at", "-id")),
            "params": request.GET,
            "statuses": ClaimStatus.choices,
            "totals": rows.values("status", "currency")
            .annotate(n=Count("id"))
            .order_by("status", "currency"),
        },
    )


@back_office_required
def claim_detail(request, pk):
    claim = get_object_or_404(
        VendorClaim.objects.select_related(
            "request__customer", "request__unit", "supplier_warranty__product"
        ),
        pk=pk,
    )
    can_manage = services.can_manage(request.user)
    form = ClaimMoveForm(request.POST or None, claim=claim)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.move_claim(
                    claim,
                    actor=request.user,
                    to=data["to"],
                    reference=data["reference"],
                    amount=data["amount"],
                    note=data["note"],
                )
            except (DomainError, ValidationError) as error:
                show_error(form, error)
            else:
                messages.success(request, _("Claim updated."))
                return redirect("warranty:claim_detail", pk=claim.pk)
    return render(
        request,
        "warranty/claim_detail.html",
        {
            "nav": NAV,
            "tab": "claims",
            "claim": claim,
            "form": form,
            "can_manage": can_manage and bool(services.claim_moves(claim)),
            # The faulty parts (旧件) that back the claim, kept by the parts app.
            "defective_parts": claim.defective_parts.select_related("part", "location"),
        },
    )
