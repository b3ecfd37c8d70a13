"""The statements list's filters, shared by the web page and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError
from aftersales.field.models import ServiceCenter
from aftersales.settlement import services
from aftersales.settlement.models import Statement, StatementStatus


class StatementFilter(django_filters.FilterSet):
    center = django_filters.ModelChoiceFilter(
        queryset=ServiceCenter.objects.filter(kind=ServiceCenter.Kind.PARTNER),
        label=_("Service center"),
    )
    month = django_filters.CharFilter(
        method="in_month", label=_("Month"), widget=forms.TextInput(attrs={"type": "month"})
    )
    status = django_filters.ChoiceFilter(choices=StatementStatus.choices, label=_("Status"))

    class Meta:
        model = Statement
        fields = ["center", "month", "status"]

    def in_month(self, queryset, name, value):
        try:
            return queryset.filter(month=services.parse_month(value))
        except DomainError:
            return queryset.none()
