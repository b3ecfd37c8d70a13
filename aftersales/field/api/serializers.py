"""Shapes of the network API. Coordinates are decimal degrees (WGS-84 / GCJ-02 as entered)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.accounts.models import User
from aftersales.catalog.models import Category
from aftersales.field.models import (
    Absence,
    CenterCoverage,
    ServiceCenter,
    SkillLevel,
    Technician,
    TechnicianSkill,
)
from aftersales.sla.models import BusinessCalendar


class CoverageSerializer(serializers.ModelSerializer):
    class Meta:
        model = CenterCoverage
        fields = ["province", "city", "district"]
        extra_kwargs = {"province": {"required": False}, "district": {"required": False}}


class CenterSerializer(serializers.ModelSerializer):
    """A center; `coverage`, when sent, replaces all of its coverage."""

    # Declared so that a taken code is refused by the service, in its words.
    code = serializers.CharField(max_length=32)
    coverage = CoverageSerializer(many=True, required=False)
    manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False
    )
    technician_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = ServiceCenter
        fields = [
            "id", "code", "name", "kind", "province", "city", "address", "phone", "email",
            "manager", "latitude", "longitude", "opening_hours", "daily_capacity", "active",
            "coverage", "technician_count",
        ]  # fmt: skip
        read_only_fields = ["id"]


class SkillSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    category_code = serializers.CharField(source="category.code", read_only=True)
    level = serializers.ChoiceField(
        choices=SkillLevel.choices, help_text=_("1 trainee, 2 certified, 3 senior, 4 expert.")
    )

    class Meta:
        model = TechnicianSkill
        fields = ["category", "category_code", "level", "certified_until"]


class AbsenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Absence
        fields = ["id", "starts_on", "ends_on", "reason", "note"]
        read_only_fields = ["id"]


class TechnicianSerializer(serializers.ModelSerializer):
    """A technician; `skills`, when sent, replaces all of their skills. `upcoming_absences`
    lists absences from today on (change them with `absences/`)."""

    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    home_center = serializers.PrimaryKeyRelatedField(queryset=ServiceCenter.objects.all())
    calendar = serializers.PrimaryKeyRelatedField(
        queryset=BusinessCalendar.objects.all(), allow_null=True, required=False
    )
    skills = SkillSerializer(many=True, required=False)
    upcoming_absences = AbsenceSerializer(many=True, read_only=True)

    class Meta:
        model = Technician
        fields = [
            "id", "user", "username", "name", "home_center", "active", "phone", "calendar",
            "start_latitude", "start_longitude", "last_latitude", "last_longitude",
            "last_seen_at", "skills", "upcoming_absences",
        ]  # fmt: skip
        read_only_fields = ["id", "last_latitude", "last_longitude", "last_seen_at"]
        # The one-to-one's own uniqueness check is the service's, in its words.
        validators = []
        extra_kwargs = {"user": {"validators": []}}


class PositionSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=10, decimal_places=6)
    at = serializers.DateTimeField(required=False, help_text=_("Default: now."))
