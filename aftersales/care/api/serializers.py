from rest_framework import serializers

from aftersales.care.models import Campaign, CampaignTarget


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "kind", "name", "drawn_on", "method", "subject", "message",
                  "target_count", "created_at"]  # fmt: skip
        read_only_fields = ["id", "name", "target_count", "created_at"]


class DrawSerializer(serializers.Serializer):
    kind = serializers.CharField()
    drawn_on = serializers.DateField()
    method = serializers.CharField(required=False, default="call")
    name = serializers.CharField(required=False, allow_blank=True, default="")
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    message = serializers.CharField(required=False, allow_blank=True, default="")


class CampaignTargetSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = CampaignTarget
        fields = ["id", "customer", "customer_name", "unit", "contract", "reason", "due_on",
                  "status", "note", "contacted_at"]  # fmt: skip
        read_only_fields = fields


class CampaignContactSerializer(serializers.Serializer):
    status = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
