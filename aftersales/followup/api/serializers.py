from rest_framework import serializers

from aftersales.followup.models import FollowUp


class FollowUpSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    customer = serializers.CharField(source="request.customer", read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "request", "request_number", "customer", "visit", "method", "due_at",
                  "status", "attempts", "solved", "satisfaction", "comments", "completed_at",
                  "version"]  # fmt: skip
        read_only_fields = fields


class RecordSerializer(serializers.Serializer):
    result = serializers.CharField()
    solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    satisfaction = serializers.IntegerField(required=False, allow_null=True, default=None)
    comments = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)
