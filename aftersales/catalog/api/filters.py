import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import FaultCode, FaultKind, Product, SparePart


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("SKU or name contains"))

    class Meta:
        model = Product
        fields = ["q", "category", "requires_installation", "active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(sku__icontains=value) | Q(name__icontains=value))


class FaultCodeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=FaultKind.choices, label=_("Kind"))

    class Meta:
        model = FaultCode
        fields = ["category", "kind", "active"]


class SparePartFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Part number or name contains"))
    product = django_filters.NumberFilter(field_name="products", label=_("Fits product (id)"))

    class Meta:
        model = SparePart
        fields = ["q", "category", "product", "is_consumable"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(part_number__icontains=value) | Q(name__icontains=value))
