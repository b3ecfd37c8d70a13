"""Filters of the parts lists, shared by the web pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import SparePart
from aftersales.field.models import ServiceCenter
from aftersales.parts import access, selectors
from aftersales.parts.models import (
    DefectivePart,
    DefectiveStatus,
    LocationKind,
    MoveKind,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockLocation,
    StockMove,
)


class _ForUser(django_filters.FilterSet):
    """Location choices limited to what the user may see; Bootstrap classes on the form."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                widget = field.widget
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            form._styled = True
        return form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        for name in ("location", "from_location", "to_location"):
            if name in self.filters:
                self.filters[name].queryset = access.visible_locations(
                    user, StockLocation.objects.all()
                )


def _part_text(queryset, prefix: str, value: str):
    value = (value or "").strip()
    if not value:
        return queryset
    return queryset.filter(
        Q(**{f"{prefix}part_number__icontains": value}) | Q(**{f"{prefix}name__icontains": value})
    )


class StockLevelFilter(_ForUser):
    q = django_filters.CharFilter(method="search", label=_("Part number or name"))
    part = django_filters.ModelChoiceFilter(queryset=SparePart.objects.all(), label=_("Part"))
    location = django_filters.ModelChoiceFilter(
        queryset=StockLocation.objects.all(), label=_("Location")
    )
    kind = django_filters.ChoiceFilter(
        field_name="location__kind", choices=LocationKind.choices, label=_("Kind of location")
    )
    center = django_filters.ModelChoiceFilter(
        field_name="location__center",
        queryset=ServiceCenter.objects.all(),
        label=_("Service center"),
    )
    below = django_filters.BooleanFilter(method="below_point", label=_("Below reorder point"))
    consumable = django_filters.BooleanFilter(
        field_name="part__is_consumable", label=_("Consumable")
    )
    in_stock = django_filters.BooleanFilter(method="with_stock", label=_("In stock only"))
    sort = django_filters.OrderingFilter(
        fields=(
            ("part__part_number", "part"),
            ("location__code", "location"),
            ("on_hand", "on_hand"),
            ("available_now", "available"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = StockLevel
        fields = ["q", "part", "location", "kind", "center", "below", "consumable"]

    def search(self, queryset, name, value):
        return _part_text(queryset, "part__", value)

    def below_point(self, queryset, name, value):
        if value is None:
            return queryset
        below = selectors.below_reorder_point(queryset)
        return below if value else queryset.exclude(pk__in=below.values("pk"))

    def with_stock(self, queryset, name, value):
        return queryset.filter(on_hand__gt=0) if value else queryset


class MoveFilter(_ForUser):
    q = django_filters.CharFilter(method="search", label=_("Part number or name"))
    part = django_filters.ModelChoiceFilter(queryset=SparePart.objects.all(), label=_("Part"))
    location = django_filters.ModelChoiceFilter(
        queryset=StockLocation.objects.all(), method="at_location", label=_("Location")
    )
    kind = django_filters.ChoiceFilter(choices=MoveKind.choices, label=_("Kind of move"))
    request = django_filters.CharFilter(field_name="request__number", label=_("Request number"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("Until"))

    class Meta:
        model = StockMove
        fields = ["q", "part", "location", "kind", "request", "since", "until"]

    def search(self, queryset, name, value):
        return _part_text(queryset, "part__", value)

    def at_location(self, queryset, name, value: int):  # the hint names the type in the schema
        if not value:
            return queryset
        return queryset.filter(Q(from_location=value) | Q(to_location=value))


class ReservationFilter(_ForUser):
    status = django_filters.ChoiceFilter(choices=ReservationStatus.choices, label=_("Status"))
    location = django_filters.ModelChoiceFilter(
        queryset=StockLocation.objects.all(), label=_("Location")
    )
    part = django_filters.ModelChoiceFilter(queryset=SparePart.objects.all(), label=_("Part"))
    request = django_filters.CharFilter(field_name="request__number", label=_("Request number"))

    class Meta:
        model = Reservation
        fields = ["status", "location", "part", "request"]


class DefectiveFilter(_ForUser):
    q = django_filters.CharFilter(method="search", label=_("Part, serial or request"))
    status = django_filters.ChoiceFilter(choices=DefectiveStatus.choices, label=_("Status"))
    center = django_filters.ModelChoiceFilter(
        queryset=ServiceCenter.objects.all(), label=_("Service center")
    )
    request = django_filters.CharFilter(field_name="request__number", label=_("Request number"))

    class Meta:
        model = DefectivePart
        fields = ["q", "status", "center", "request"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(part__part_number__icontains=value)
            | Q(part__name__icontains=value)
            | Q(serial_number__icontains=value)
            | Q(request__number__icontains=value)
        )
