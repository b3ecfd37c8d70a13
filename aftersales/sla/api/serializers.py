"""Shapes of the SLA API. Targets are business minutes; dates are YYYY-MM-DD."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.sla import engine
from aftersales.sla.models import (
    BusinessCalendar,
    CityTier,
    Priority,
    SlaPolicy,
    Weekday,
)
from aftersales.warranty.models import ServicePlan


class PeriodSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices, help_text=_("0 is Monday."))
    starts = serializers.TimeField(format="%H:%M")
    ends = serializers.TimeField(format="%H:%M", help_text=_("00:00 is midnight at day's end."))


class CalendarSerializer(serializers.ModelSerializer):
    """A calendar; `periods`, when sent, replaces all of its working hours."""

    # Declared so that a taken code is refused by the service, in its words.
    code = serializers.SlugField(max_length=40)
    periods = PeriodSerializer(many=True, required=False)
    warnings = serializers.SerializerMethodField(
        help_text=_("Years (this and next) whose public holidays the holiday data lacks.")
    )

    class Meta:
        model = BusinessCalendar
        fields = [
            "id", "name", "code", "time_zone", "always_open", "use_china_holidays", "periods",
            "warnings", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "updated_at"]

    def get_warnings(self, calendar) -> list[str]:
        years = self.context.get("warning_years") or []
        return engine.calendar_warnings(calendar, years) if years else []


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_working = serializers.BooleanField(default=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    source = serializers.CharField(read_only=True, help_text=_("entered or holiday_data"))
    overrides = serializers.BooleanField(read_only=True)


class CityTierSerializer(serializers.ModelSerializer):
    # Declared so that a city listed twice is refused by the service, in its words.
    city = serializers.CharField(max_length=50)

    class Meta:
        model = CityTier
        fields = ["id", "city", "tier"]
        read_only_fields = ["id"]


class TargetSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)
    response_minutes = serializers.IntegerField(min_value=1, max_value=10_000_000)
    resolution_minutes = serializers.IntegerField(min_value=1, max_value=10_000_000)


class PolicySerializer(serializers.ModelSerializer):
    """A policy; `targets`, when sent, replaces all of its targets."""

    plan = serializers.PrimaryKeyRelatedField(
        queryset=ServicePlan.objects.all(), allow_null=True, required=False
    )
    plan_code = serializers.CharField(source="plan.code", read_only=True, default=None)
    calendar = serializers.PrimaryKeyRelatedField(queryset=BusinessCalendar.objects.all())
    calendar_code = serializers.CharField(source="calendar.code", read_only=True)
    targets = TargetSerializer(many=True, required=False)

    class Meta:
        model = SlaPolicy
        fields = [
            "id", "name", "plan", "plan_code", "calendar", "calendar_code",
            "pause_on_waiting_customer", "pause_on_waiting_parts", "warn_at_percent",
            "update_every_hours", "onsite_hours_tier1", "onsite_hours_other", "active",
            "targets", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "updated_at"]
        validators = []  # one policy per plan: refused by the service, naming the other
