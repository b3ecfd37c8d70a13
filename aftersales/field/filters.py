"""One filter set per network list, shared by the web pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Category
from aftersales.field import services
from aftersales.field.models import ServiceCenter, Technician, TechnicianSkill


class CenterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=ServiceCenter.Kind.choices, label=_("Kind"))
    active = django_filters.BooleanFilter(label=_("Active"))
    covers = django_filters.CharFilter(
        field_name="coverage__city", label=_("Covers city"), distinct=True
    )

    class Meta:
        model = ServiceCenter
        fields = ["q", "kind", "active", "covers"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(city__icontains=value)
        )


class TechnicianFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    center = django_filters.ModelChoiceFilter(
        field_name="home_center", queryset=ServiceCenter.objects.all(), label=_("Service center")
    )
    skill = django_filters.ModelChoiceFilter(
        field_name="skills__category",
        method="with_skill",
        queryset=Category.objects.all(),
        label=_("Skill"),
    )
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Technician
        fields = ["q", "center", "skill", "active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = user or getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            self.filters["center"].queryset = services.visible_centers(user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__username__icontains=value)
            | Q(user__first_name__icontains=value)
            | Q(user__last_name__icontains=value)
            | Q(phone__icontains=value)
        )

    def with_skill(self, queryset, name, value):
        skilled = TechnicianSkill.objects.filter(
            category_id__in=services.category_and_ancestors(value)
        )
        return queryset.filter(pk__in=skilled.values("technician_id"))
