"""One filter set for the request queue, shared by the web UI and the API."""

import re

import django_filters
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Team, User
from aftersales.customers.phones import looks_like_phone, normalize_phone
from aftersales.field.models import ServiceCenter
from aftersales.service.choices import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    Channel,
    Kind,
    Priority,
    Status,
)
from aftersales.service.models import ServiceRequest

# Sort keys a user may choose → ORM ordering. Ties always broken by id for stable pages.
SORTS = {
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "due": ("resolution_due_at", "id"),
    "-due": ("-resolution_due_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    # Numbers are handed out in creation order; comparing them as text would put
    # SR-2026-1000000 before SR-2026-999999.
    "number": ("created_at", "id"),
    "-number": ("-created_at", "-id"),
    "status": ("status_rank", "-received_at", "-id"),
    "-status": ("-status_rank", "-received_at", "-id"),
    "priority": ("priority_rank", "-received_at", "-id"),
    "-priority": ("-priority_rank", "-received_at", "-id"),
}
DEFAULT_SORT = "-received"
FULL_NUMBER = re.compile(r"SR-(\d{4})-(\d+)")


# Statuses sort in the order of the workflow (new … closed, cancelled last); their stored
# values in alphabetical order ("assigned", "cancelled", "closed", …) mean nothing to people.
STATUS_RANK = {value: rank for rank, value in enumerate(Status.values)}


def _rank(field: str, ranks: dict[str, int]) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()],
        output_field=IntegerField(),
    )


def with_priority_rank(queryset):
    return queryset.annotate(priority_rank=_rank("priority", PRIORITY_RANK))


def sort_requests(queryset, sort: str):
    """Order by one of SORTS; an unknown key falls back to the newest first."""
    ordering = SORTS.get(sort or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    if any("priority_rank" in field for field in ordering):
        queryset = with_priority_rank(queryset)
    if any("status_rank" in field for field in ordering):
        queryset = queryset.annotate(status_rank=_rank("status", STATUS_RANK))
    return queryset.order_by(*ordering)


class AssigneeFilter(django_filters.CharFilter):
    """A user id, `me`, or `none` (unassigned)."""

    def filter(self, qs, value):
        if not value:
            return qs
        if value == "me":
            user = getattr(self.parent.request, "user", None)
            return qs.filter(assignee=user) if user and user.is_authenticated else qs.none()
        if value == "none":
            return qs.filter(assignee__isnull=True)
        if value.isdigit():
            return qs.filter(assignee_id=int(value))
        return qs.none()


class ServiceRequestFilter(django_filters.FilterSet):
    # distinct=False: these are the request's own columns, no join can repeat a row, and
    # DISTINCT would make the database sort every matching row before taking a page.
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), distinct=False
    )
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open only"))
    priority = django_filters.MultipleChoiceFilter(
        choices=Priority.choices, label=_("Priority"), distinct=False
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=Channel.choices, label=_("Channel"), distinct=False
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=Kind.choices, label=_("Kind"), distinct=False
    )
    assignee = AssigneeFilter(label=_("Assignee"))
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), label=_("Team"))
    service_center = django_filters.ModelChoiceFilter(
        queryset=ServiceCenter.objects.all(), label=_("Service center")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    at_risk = django_filters.BooleanFilter(
        method="filter_at_risk",
        label=_("At risk"),
        help_text=_("Not yet late, but most of the time to a deadline is used."),
    )
    received_after = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("Received from")
    )
    received_before = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("Received until")
    )

    class Meta:
        model = ServiceRequest
        fields = ["customer", "unit"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = FULL_NUMBER.fullmatch(value.upper())
        if number:
            # "SR-2026-123" is how people read SR-2026-000123 aloud.
            year, sequence = number.groups()
            return queryset.filter(number=f"SR-{year}-{int(sequence):06d}")
        if value.upper().startswith("SR-"):
            return queryset.filter(number__istartswith=value)
        match = Q(subject__icontains=value) | Q(customer__name__icontains=value)
        match |= Q(unit__serial_number=value.replace(" ", "").upper())
        if looks_like_phone(value):
            match |= Q(customer__phone_normalized=normalize_phone(value))
        return queryset.filter(match)

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(status__in=OPEN_STATUSES)
            if value
            else queryset.exclude(status__in=OPEN_STATUSES)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.now())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_at_risk(self, queryset, name, value):
        if value is None:
            return queryset
        risky = queryset.at_risk(timezone.now())
        return risky if value else queryset.exclude(pk__in=risky.values("pk"))


def assignee_choices():
    """People who can be assigned requests, for filter and edit forms."""
    return User.objects.filter(is_active=True).exclude(role="customer").order_by("username")
