"""`/api/v1/sla-calendars/` (with `days/`), `city-tiers/`, `sla-policies/`.

The back office (administrators, managers, agents, dispatchers) reads them; managers and
administrators change them; field staff and customers are refused. Thin: input is shaped
here, every rule is in `aftersales.sla.services`.
"""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response

from aftersales.sla import selectors, services
from aftersales.sla.api.serializers import (
    CalendarSerializer,
    CityTierSerializer,
    DaySerializer,
    PolicySerializer,
)
from aftersales.sla.filters import CITY_DEFAULT_SORT, CITY_SORTS, CityTierFilter, sort_cities
from aftersales.sla.models import BusinessCalendar, CityTier, SlaPolicy, SlaTarget


class BackOfficeReadsManagersChange(permissions.BasePermission):
    message = _(
        "Only the back office may read calendars, city tiers and SLA policies, and only "
        "service managers and administrators may change them."
    )

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return services.can_read(request.user)
        return services.can_manage(request.user)


class SlaViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, BackOfficeReadsManagersChange]

    def _input(self, serializer_class, data, **kwargs):
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, obj, **kwargs):
        serializer = self.get_serializer_class()(obj, context=self.get_serializer_context())
        return Response(serializer.data, **kwargs)


# --- Calendars ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List business calendars"),
    retrieve=extend_schema(summary="Read a business calendar"),
    create=extend_schema(summary="Add a business calendar (managers)"),
    partial_update=extend_schema(
        summary="Change a business calendar (managers)",
        description="`periods`, when sent, replaces all of the calendar's working hours.",
    ),
)
class CalendarViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SlaViewSet
):
    serializer_class = CalendarSerializer
    queryset = BusinessCalendar.objects.prefetch_related("periods")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_context(self):
        this_year = timezone.localdate().year
        return super().get_serializer_context() | {"warning_years": [this_year, this_year + 1]}

    def _save(self, calendar, data):
        periods = data.pop("periods", None)
        for name, value in data.items():
            setattr(calendar, name, value)
        if periods is not None:
            periods = [services.Period(int(p["weekday"]), p["starts"], p["ends"]) for p in periods]
        calendar = services.save_calendar(calendar, actor=self.request.user, periods=periods)
        return self.queryset.get(pk=calendar.pk)

    def create(self, request, *args, **kwargs):
        data = self._input(CalendarSerializer, request.data)
        return self._answer(self._save(BusinessCalendar(), data), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        calendar = self.get_object()
        data = self._input(CalendarSerializer, request.data, partial=True)
        return self._answer(self._save(calendar, data))

    @extend_schema(
        methods=["GET"],
        summary="A year's days off and adjusted working days (holiday data and entered)",
        parameters=[OpenApiParameter("year", int, description="Default: this year.")],
        responses={200: DaySerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Enter a day off or working day (managers); a date entered again changes",
        request=DaySerializer,
        responses={201: DaySerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="days")
    def days(self, request, pk=None):
        calendar = self.get_object()
        if request.method == "POST":
            data = self._input(DaySerializer, request.data)
            day = services.set_calendar_day(
                calendar,
                actor=request.user,
                date=data["date"],
                is_working=data["is_working"],
                name=data.get("name", ""),
            )
            row = {"date": day.date, "is_working": day.is_working, "name": day.name}
            row |= {"source": "entered", "overrides": False}
            return Response(DaySerializer(row).data, status=status.HTTP_201_CREATED)
        raw = request.query_params.get("year") or timezone.localdate().year
        try:
            year = int(raw)
            if not 1900 <= year <= 2999:
                raise ValueError
        except ValueError:
            raise ValidationError({"year": [_("Give a year between 1900 and 2999.")]}) from None
        rows = selectors.year_days(calendar, year)
        return Response(DaySerializer([row.__dict__ for row in rows], many=True).data)

    @extend_schema(summary="Remove an entered day (managers)", responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"days/(?P<date>\d{4}-\d{2}-\d{2})")
    def remove_day(self, request, pk=None, date=None):
        calendar = self.get_object()
        try:
            day = datetime.date.fromisoformat(date)
        except ValueError:
            raise ValidationError({"date": [_("Enter a valid date.")]}) from None
        services.remove_calendar_day(calendar, actor=request.user, date=day)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- City tiers ---------------------------------------------------------------------------


class CitySortFilter(BaseFilterBackend):
    """`?sort=` city, tier, or either reversed with a leading `-`."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        return sort_cities(queryset, request.query_params.get("sort"))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "sort",
                "required": False,
                "in": "query",
                "description": "Order of the list; a leading `-` reverses it.",
                "schema": {
                    "type": "string",
                    "enum": list(CITY_SORTS),
                    "default": CITY_DEFAULT_SORT,
                },
            }
        ]


@extend_schema_view(
    list=extend_schema(summary="List city tiers (cities not listed count as other)"),
    retrieve=extend_schema(summary="Read a city's tier"),
    create=extend_schema(summary="List a city (managers); a trailing 市 is dropped"),
    partial_update=extend_schema(summary="Change a city's tier (managers)"),
    destroy=extend_schema(summary="Unlist a city (managers): it counts as other"),
)
class CityTierViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    SlaViewSet,
):
    serializer_class = CityTierSerializer
    queryset = CityTier.objects.all()
    filterset_class = CityTierFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    filter_backends = [DjangoFilterBackend, CitySortFilter]

    def _save(self, tier, data):
        for name, value in data.items():
            setattr(tier, name, value)
        return services.save_city_tier(tier, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        data = self._input(CityTierSerializer, request.data)
        return self._answer(self._save(CityTier(), data), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        tier = self.get_object()
        data = self._input(CityTierSerializer, request.data, partial=True)
        return self._answer(self._save(tier, data))

    def perform_destroy(self, instance):
        services.delete_city_tier(instance, actor=self.request.user)


# --- Policies -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List SLA policies with their targets"),
    retrieve=extend_schema(summary="Read an SLA policy"),
    create=extend_schema(summary="Add an SLA policy (managers)"),
    partial_update=extend_schema(
        summary="Change an SLA policy (managers)",
        description="`targets`, when sent, replaces all of the policy's targets.",
    ),
)
class PolicyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SlaViewSet
):
    serializer_class = PolicySerializer
    queryset = SlaPolicy.objects.select_related("plan", "calendar").prefetch_related(
        Prefetch("targets", queryset=SlaTarget.objects.order_by("id"))
    )
    filterset_fields = ["plan", "calendar", "active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _save(self, policy, data):
        targets = data.pop("targets", None)
        for name, value in data.items():
            setattr(policy, name, value)
        if targets is not None:
            targets = [
                services.Target(t["priority"], t["response_minutes"], t["resolution_minutes"])
                for t in targets
            ]
        policy = services.save_policy(policy, actor=self.request.user, targets=targets)
        return self.queryset.get(pk=policy.pk)

    def create(self, request, *args, **kwargs):
        data = self._input(PolicySerializer, request.data)
        return self._answer(self._save(SlaPolicy(), data), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        policy = self.get_object()
        data = self._input(PolicySerializer, request.data, partial=True)
        return self._answer(self._save(policy, data))
