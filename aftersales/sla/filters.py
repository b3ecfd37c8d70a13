"""One filter set per SLA list, shared by the web pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.sla.models import CityTier, Tier

CITY_SORTS = {
    "city": ("city", "id"),
    "-city": ("-city", "-id"),
    "tier": ("tier", "city"),
    "-tier": ("-tier", "city"),
}
CITY_DEFAULT_SORT = "tier"


def sort_cities(queryset, sort: str | None):
    return queryset.order_by(*CITY_SORTS.get(sort or "", CITY_SORTS[CITY_DEFAULT_SORT]))


class CityTierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="city", lookup_expr="icontains", label=_("City"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))

    class Meta:
        model = CityTier
        fields = ["q", "tier"]
