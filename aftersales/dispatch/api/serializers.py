"""JSON shapes of a visit and of the technician's step inputs."""

from rest_framework import serializers

from aftersales.catalog.models import FaultCode
from aftersales.dispatch.models import NotFixedReason, Visit


class VisitSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    customer_name = serializers.CharField(source="request.customer.name", read_only=True)
    customer_phone = serializers.CharField(source="request.customer.phone", read_only=True)
    center_name = serializers.CharField(source="center.name", read_only=True)
    technician_name = serializers.SerializerMethodField()
    has_signature = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "request",
            "request_number",
            "customer_name",
            "customer_phone",
            "center",
            "center_name",
            "technician",
            "technician_name",
            "status",
            "day",
            "window_start",
            "window_end",
            "planned_start",
            "sequence",
            "duration_minutes",
            "skill",
            "skill_level",
            "onsite_due_at",
            "latitude",
            "longitude",
            "address",
            "pinned",
            "travel_started_at",
            "checked_in_at",
            "checked_out_at",
            "work_done",
            "first_time_fix",
            "not_fixed_reason",
            "customer_comment",
            "customer_rating",
            "signed_by",
            "has_signature",
            "version",
        ]
        read_only_fields = fields

    def get_technician_name(self, visit) -> str:
        if not visit.technician_id:
            return ""
        user = visit.technician.user
        return user.get_full_name() or user.username

    def get_has_signature(self, visit) -> bool:
        return bool(visit.signature)


class StepSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="Refuse if the visit changed.")


class CheckInSerializer(StepSerializer):
    latitude = serializers.DecimalField(
        max_digits=12, decimal_places=8, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=12, decimal_places=8, required=False, allow_null=True
    )


class CheckOutSerializer(CheckInSerializer):
    work_done = serializers.CharField(allow_blank=True)
    first_time_fix = serializers.BooleanField()
    not_fixed_reason = serializers.ChoiceField(
        choices=NotFixedReason.choices, required=False, allow_blank=True, default=""
    )
    customer_comment = serializers.CharField(required=False, allow_blank=True, default="")
    customer_rating = serializers.IntegerField(required=False, allow_null=True, default=None)
    signed_by = serializers.CharField(required=False, allow_blank=True, default="")
    signature = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The customer's signature: a PNG as base64 or a data: URL, at most 1 MB.",
    )
    fault_codes = serializers.PrimaryKeyRelatedField(
        queryset=FaultCode.objects.all(), many=True, required=False
    )
