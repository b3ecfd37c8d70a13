import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.assets.models import Unit, UnitStatus, normalize_serial


class UnitFilter(django_filters.FilterSet):
    serial_number = django_filters.CharFilter(
        method="filter_serial", label=_("Serial number (spaces and case ignored)")
    )
    status = django_filters.MultipleChoiceFilter(choices=UnitStatus.choices, label=_("Status"))
    category = django_filters.NumberFilter(
        field_name="product__category", label=_("Product category (id)")
    )

    class Meta:
        model = Unit
        fields = ["customer", "product", "category", "status", "serial_number"]

    def filter_serial(self, queryset, name, value):
        return queryset.filter(serial_number=normalize_serial(value))
