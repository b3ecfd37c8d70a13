"""The complaints list's filters and sorting, shared by the web page, its exports and the
API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.complaints.models import Complaint, RootCause, Severity
from aftersales.core.forms import DateInput, Form
from aftersales.customers.phones import looks_like_phone, normalize_phone
from aftersales.service.choices import OPEN_STATUSES, Status

# Sort keys a user may choose → ORM ordering; ties broken by id for stable pages.
# Severity values sort critical < major < minor, so "severity" is the most severe first.
SORTS = {
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "severity": ("severity", "-created_at", "-id"),
    "-severity": ("-severity", "-created_at", "-id"),
    "status": ("request__status", "-created_at", "-id"),
    "-status": ("-request__status", "-created_at", "-id"),
    "customer": ("customer__name", "-created_at", "-id"),
    "-customer": ("-customer__name", "-created_at", "-id"),
    "due": ("request__resolution_due_at", "id"),
    "-due": ("-request__resolution_due_at", "-id"),
}
DEFAULT_SORT = "-created"
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def sort_complaints(queryset, sort: str | None):
    """Order by one of SORTS; an unknown key falls back to the newest first."""
    return queryset.order_by(*SORTS.get(sort or DEFAULT_SORT, SORTS[DEFAULT_SORT]))


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Request number or customer"))
    severity = django_filters.ChoiceFilter(
        choices=Severity.choices, label=_("Severity"), empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        choices=[("open", _("Open (any)")), *Status.choices],
        method="by_status",
        label=_("Status"),
        empty_label=_("Any"),
    )
    repeat = django_filters.ChoiceFilter(
        choices=YES_NO, method="by_repeat", label=_("Repeated"), empty_label=_("Any")
    )
    signed_off = django_filters.ChoiceFilter(
        choices=YES_NO, method="by_signed_off", label=_("Signed off"), empty_label=_("Any")
    )
    root_cause = django_filters.ChoiceFilter(
        choices=RootCause.choices, label=_("Root cause"), empty_label=_("Any")
    )
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Opened from"),
        widget=DateInput(),
    )  # fmt: skip
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Opened until"),
        widget=DateInput(),
    )  # fmt: skip

    class Meta:
        model = Complaint
        fields = [
            "q", "severity", "status", "repeat", "signed_off", "root_cause",
            "created_from", "created_to",
        ]  # fmt: skip
        form = Form

    def by_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(request__status__in=OPEN_STATUSES)
        return queryset.filter(request__status=value) if value else queryset

    def by_repeat(self, queryset, name, value):
        return queryset.filter(repeat=value == "yes") if value else queryset

    def by_signed_off(self, queryset, name, value):
        return queryset.filter(signed_off_at__isnull=value != "yes") if value else queryset

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        match = (
            Q(request__number__iexact=value)
            | Q(about_request__number__iexact=value)
            | Q(customer__name__icontains=value)
        )
        phone = normalize_phone(value) if looks_like_phone(value) else ""
        if phone:
            match |= Q(customer__phone_normalized=phone)
        return queryset.filter(match)
