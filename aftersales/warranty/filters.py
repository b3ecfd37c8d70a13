"""One filter set per warranty list, shared by the web pages and the API."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.customers.phones import looks_like_phone, normalize_phone
from aftersales.warranty.models import (
    ClaimStatus,
    ContractStatus,
    ExtendedWarranty,
    ServiceContract,
    ServicePlan,
    VendorClaim,
)

# Sort keys a user may choose → ORM ordering; ties broken by id for stable pages.
CONTRACT_SORTS = {
    # Numbers are handed out in creation order (CT-2026-10000 after CT-2026-9999).
    "number": ("created_at", "id"),
    "-number": ("-created_at", "-id"),
    "customer": ("customer__name", "id"),
    "-customer": ("-customer__name", "-id"),
    "starts": ("starts_on", "id"),
    "-starts": ("-starts_on", "-id"),
    "ends": ("ends_on", "id"),
    "-ends": ("-ends_on", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
}
CONTRACT_DEFAULT_SORT = "-number"
MAX_DAYS = 3660


def sort_contracts(queryset, sort: str):
    return queryset.order_by(*CONTRACT_SORTS.get(sort, CONTRACT_SORTS[CONTRACT_DEFAULT_SORT]))


def ending_within(queryset, days: int, today: datetime.date | None = None):
    """Active contracts that end between today and `days` from now: the ones to renew."""
    today = today or timezone.localdate()
    return queryset.filter(
        status=ContractStatus.ACTIVE,
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=days),
    )


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Customer or number"))
    status = django_filters.MultipleChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    plan = django_filters.ModelChoiceFilter(queryset=ServicePlan.objects.all(), label=_("Plan"))
    customer = django_filters.NumberFilter(field_name="customer", label=_("Customer"))
    ending_within = django_filters.NumberFilter(
        method="filter_ending",
        label=_("Active and ending within (days)"),
        min_value=0,
        max_value=MAX_DAYS,
    )

    class Meta:
        model = ServiceContract
        fields = ["q", "status", "plan", "customer", "ending_within"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.upper().startswith("CT-"):
            return queryset.filter(number__istartswith=value)
        match = Q(customer__name__icontains=value) | Q(number__icontains=value)
        if looks_like_phone(value):
            match |= Q(customer__phone_normalized=normalize_phone(value))
        return queryset.filter(match)

    def filter_ending(self, queryset, name, value):
        if value is None:
            return queryset
        return ending_within(queryset, int(value))


class ExtendedWarrantyFilter(django_filters.FilterSet):
    unit = django_filters.NumberFilter(field_name="unit", label=_("Unit"))
    customer = django_filters.NumberFilter(field_name="unit__customer", label=_("Customer"))
    serial_number = django_filters.CharFilter(
        field_name="unit__serial_number", lookup_expr="iexact", label=_("Serial number")
    )
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("In force on"))

    class Meta:
        model = ExtendedWarranty
        fields = ["unit", "customer", "serial_number", "active_on"]

    def filter_active_on(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class VendorClaimFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ClaimStatus.choices, label=_("Status"))
    supplier = django_filters.CharFilter(
        field_name="supplier_warranty__supplier", lookup_expr="icontains", label=_("Supplier")
    )
    request = django_filters.CharFilter(
        field_name="request__number", lookup_expr="iexact", label=_("Service request")
    )

    class Meta:
        model = VendorClaim
        fields = ["status", "supplier", "request"]
