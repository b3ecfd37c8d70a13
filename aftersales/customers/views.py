"""Customer pages: the list, a customer's whole picture, and editing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.pagination import LargePaginator
from aftersales.customers import services
from aftersales.customers.forms import ContactForm, CustomerFilterForm, CustomerForm, NoteForm
from aftersales.service import access, selectors
from aftersales.service.choices import OPEN_STATUSES
from aftersales.service.models import ServiceRequest
from aftersales.service.views import staff_required

PAGE_SIZE = 50
SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "city": ("city", "name", "id"),
    "-city": ("-city", "name", "id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}


def _manager_only(user):
    if not access.can_manage_customers(user):
        raise PermissionDenied


@staff_required
def customer_list(request):
    form = CustomerFilterForm(request.GET or None)
    customers = access.visible_customers(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            customers = services.search_customers(data["q"], customers)
        if data["kind"]:
            customers = customers.filter(kind=data["kind"])
        if data["city"]:
            customers = customers.filter(city__istartswith=data["city"])
        if data["review"]:
            customers = customers.filter(needs_review=True)
    sort = request.GET.get("sort", "name")
    customers = customers.order_by(*SORTS.get(sort, SORTS["name"]))
    page = LargePaginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    _attach_counts(page.object_list)
    return render(
        request,
        "customers/list.html",
        {"nav": "customers", "form": form, "page_obj": page, "current_sort": sort},
    )


def _attach_counts(customers) -> None:
    """Units and open requests per customer on this page: two queries, whatever the page size."""
    customers = list(customers)
    ids = [c.pk for c in customers]
    open_counts = dict(
        ServiceRequest.objects.filter(customer__in=ids, status__in=OPEN_STATUSES)
        .values_list("customer")
        .annotate(n=Count("id"))
    )
    from aftersales.assets.models import Unit

    unit_counts = dict(
        Unit.objects.filter(customer__in=ids).values_list("customer").annotate(n=Count("id"))
    )
    for customer in customers:
        customer.open_count = open_counts.get(customer.pk, 0)
        customer.unit_count = unit_counts.get(customer.pk, 0)


@staff_required
def customer_detail(request, pk):
    customer = get_object_or_404(access.visible_customers(request.user), pk=pk)
    requests_ = selectors.recent_requests(request.user, customer=customer)
    stats = requests_.aggregate(
        total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES))
    )
    return render(
        request,
        "customers/detail.html",
        {
            "nav": "customers",
            "customer": customer,
            "contacts": customer.contacts.all(),
            "units": selectors.customer_units(customer),
            "requests": requests_[:50],
            "stats": stats,
            "history": selectors.customer_history(request.user, customer),
            "can_manage": access.can_manage_customers(request.user),
            "contact_form": ContactForm(),
            "note_form": NoteForm(),
        },
    )


@staff_required
def customer_create(request):
    _manager_only(request.user)
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.create_customer(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"nav": "customers", "form": form})


@staff_required
def customer_edit(request, pk):
    _manager_only(request.user)
    customer = get_object_or_404(access.visible_customers(request.user), pk=pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_customer(customer, actor=request.user, **changes)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/form.html", {"nav": "customers", "form": form, "customer": customer}
    )


@staff_required
@require_POST
def contact_add(request, pk):
    _manager_only(request.user)
    customer = get_object_or_404(access.visible_customers(request.user), pk=pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.add_contact(customer, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            messages.error(
                request, str(error) if isinstance(error, DomainError) else " ".join(error.messages)
            )
        else:
            messages.success(request, _("Contact added."))
    else:
        problems = "; ".join(" ".join(errors) for errors in form.errors.values())
        messages.error(request, _("The contact was not added: %(errors)s") % {"errors": problems})
    return redirect("customers:detail", pk=customer.pk)


@staff_required
@require_POST
def reviewed(request, pk):
    """Clear the "needs review" flag of a customer who arrived by a channel."""
    _manager_only(request.user)
    customer = get_object_or_404(access.visible_customers(request.user), pk=pk)
    services.mark_reviewed(customer, actor=request.user)
    messages.success(request, _("Marked as checked."))
    return redirect("customers:detail", pk=customer.pk)


@staff_required
@require_POST
def note_add(request, pk):
    customer = get_object_or_404(access.visible_customers(request.user), pk=pk)
    if not access.can_manage_customers(request.user):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(customer, actor=request.user, body=form.cleaned_data["body"])
    return redirect("customers:detail", pk=customer.pk)
