"""The RMA list's filters and sorting, shared by the web page, its exports and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import DateInput, Form
from aftersales.customers.phones import looks_like_phone, normalize_phone
from aftersales.returns.models import ReturnAuthorisation, RmaKind, RmaStatus

# Sort keys a user may choose → ORM ordering; ties broken by id for stable pages.
SORTS = {
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "number": ("created_at", "id"),
    "-number": ("-created_at", "-id"),
    "status": ("status", "-created_at", "-id"),
    "-status": ("-status", "-created_at", "-id"),
    "kind": ("kind", "-created_at", "-id"),
    "-kind": ("-kind", "-created_at", "-id"),
    "customer": ("customer__name", "-created_at", "-id"),
    "-customer": ("-customer__name", "-created_at", "-id"),
    "refund": ("refund_amount", "-created_at", "-id"),
    "-refund": ("-refund_amount", "-created_at", "-id"),
}
DEFAULT_SORT = "-created"


def sort_returns(queryset, sort: str | None):
    """Order by one of SORTS; an unknown key falls back to the newest first."""
    return queryset.order_by(*SORTS.get(sort or DEFAULT_SORT, SORTS[DEFAULT_SORT]))


class ReturnFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("RMA, request or serial number"))
    status = django_filters.ChoiceFilter(choices=RmaStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=RmaKind.choices, label=_("Kind"))
    customer = django_filters.CharFilter(method="by_customer", label=_("Customer"))
    created_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("Authorised from"),
        widget=DateInput(),
    )
    created_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("Authorised until"),
        widget=DateInput(),
    )
    overridden = django_filters.ChoiceFilter(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        method="by_override",
        label=_("Manager override"),
        empty_label=_("Any"),
    )

    class Meta:
        model = ReturnAuthorisation
        fields = ["q", "status", "kind", "customer", "created_from", "created_to", "overridden"]
        form = Form

    def by_override(self, queryset, name, value):
        return queryset.filter(overridden=value == "yes") if value else queryset

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        serial = value.replace(" ", "").upper()
        return queryset.filter(
            Q(number__iexact=value)
            | Q(request__number__iexact=value)
            | Q(unit__serial_number=serial)
            | Q(replacement_unit__serial_number=serial)
        )

    def by_customer(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        match = Q(customer__name__icontains=value)
        phone = normalize_phone(value) if looks_like_phone(value) else ""
        if phone:
            match |= Q(customer__phone_normalized=phone)
        return queryset.filter(match)
