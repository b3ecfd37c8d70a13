import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.customers.models import Customer, CustomerKind
from aftersales.customers.services import search_customers


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Phone number (any spelling), name or email")
    )
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("Kind"))
    city = django_filters.CharFilter(field_name="city", label=_("City"))
    province = django_filters.CharFilter(field_name="province", label=_("Province"))

    class Meta:
        model = Customer
        fields = ["q", "kind", "city", "province"]

    def search(self, queryset, name, value):
        return search_customers(value, queryset)
