"""Thin serializers of maintenance plans, jobs and the checklist."""

from rest_framework import serializers

from aftersales.maintenance.models import (
    ChecklistItem,
    ItemKind,
    MaintenanceJob,
    MaintenancePlan,
)


class ItemSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="check or measure")

    class Meta:
        model = ChecklistItem
        fields = ["position", "text", "kind", "low", "high", "unit"]
        read_only_fields = ["position"]


class ItemInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200)
    # Plain text (check / measure), checked by the service: "kind" is a name many enums
    # of the schema already use.
    kind = serializers.CharField(max_length=10, default=ItemKind.CHECK)
    low = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    high = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True
    )
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)


class PlanSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)
    # The level as a number (1 trainee … 4 expert): the field app names its enum already.
    skill_level = serializers.IntegerField(read_only=True)

    class Meta:
        model = MaintenancePlan
        fields = [
            "id", "name", "product", "contract", "service_plan", "every_months", "every_hours",
            "duration_minutes", "skill", "skill_level", "active", "version", "items",
        ]  # fmt: skip
        read_only_fields = ["version"]


class PlanInputSerializer(serializers.ModelSerializer):
    items = ItemInputSerializer(many=True, required=False)
    version = serializers.IntegerField(required=False)
    skill_level = serializers.IntegerField(required=False, min_value=1, max_value=4, default=2)

    class Meta:
        model = MaintenancePlan
        fields = [
            "name", "product", "contract", "service_plan", "every_months", "every_hours",
            "duration_minutes", "skill", "skill_level", "active", "version", "items",
        ]  # fmt: skip
        # The service checks scope and frequency with its own words.
        validators = []


class JobSerializer(serializers.ModelSerializer):
    unit_serial = serializers.CharField(source="unit.serial_number", read_only=True)
    customer = serializers.CharField(source="unit.customer.name", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True, default="")
    request_number = serializers.CharField(source="request.number", read_only=True, default="")
    center = serializers.IntegerField(source="visit.center_id", read_only=True, default=None)
    report_token = serializers.CharField(source="report.token", read_only=True, default="")

    class Meta:
        model = MaintenanceJob
        fields = [
            "id", "unit", "unit_serial", "customer", "plan", "plan_name", "due_on", "due_hours",
            "source", "status", "contract", "chargeable", "reason", "request", "request_number",
            "visit", "center", "outcome", "completed_on", "report_token", "version",
        ]  # fmt: skip
        read_only_fields = fields


class ChecklistAnswerSerializer(serializers.Serializer):
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    value = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    action = serializers.CharField(required=False, allow_blank=True, default="")
    action_due = serializers.DateField(required=False, allow_null=True, default=None)


class ChecklistInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=ChecklistAnswerSerializer(), default=dict)
    complete = serializers.BooleanField(default=False)
    version = serializers.IntegerField(required=False)


class ChecklistSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    completed = serializers.BooleanField()
    items = serializers.JSONField()
    recorded_at = serializers.DateTimeField()
