"""The job list's filters, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Product
from aftersales.core.forms import DateInput, Form
from aftersales.field.models import ServiceCenter
from aftersales.maintenance.models import JobStatus, MaintenanceJob


class JobFilter(django_filters.FilterSet):
    center = django_filters.ModelChoiceFilter(
        queryset=ServiceCenter.objects.order_by("code"), field_name="visit__center",
        label=_("Service center"),
    )  # fmt: skip
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.order_by("name"), field_name="unit__product",
        label=_("Product model"),
    )  # fmt: skip
    due_from = django_filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label=_("Due from"), widget=DateInput()
    )
    due_until = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due until"), widget=DateInput()
    )
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue only"))

    class Meta:
        model = MaintenanceJob
        fields = ["center", "product", "due_from", "due_until", "status", "overdue"]
        form = Form

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(MaintenanceJob.overdue_q())
        return queryset
