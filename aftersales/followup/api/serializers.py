from rest_framework import serializers

from aftersales.followup.models import FollowUp, Survey


class FollowUpSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    customer = serializers.CharField(source="request.customer", read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "purpose", "request", "request_number", "customer", "visit", "method",
                  "due_at", "status", "attempts", "solved", "satisfaction", "comments",
                  "completed_at", "version"]  # fmt: skip
        read_only_fields = fields


class RecordSerializer(serializers.Serializer):
    result = serializers.CharField()
    solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    satisfaction = serializers.IntegerField(required=False, allow_null=True, default=None)
    comments = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class SurveySerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)

    class Meta:
        model = Survey
        fields = ["id", "request", "request_number", "customer", "technician", "center",
                  "sent_at", "expires_at", "answered_at", "csat", "nps", "timeliness",
                  "attitude", "skill", "text", "low_score"]  # fmt: skip
        read_only_fields = fields


class SurveyAnswerSerializer(serializers.Serializer):
    """The customer's answer; the survey rules check the values and say what is wrong."""

    csat = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    nps = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    timeliness = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    attitude = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    skill = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, default="")
