"""JSON shapes of statements, their lines and fee rates."""

from rest_framework import serializers

from aftersales.field.models import ServiceCenter
from aftersales.settlement.models import FeeAccrual, FeeRate, Statement


class FeeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeRate
        fields = ["id", "payee", "center", "kind", "category", "amount", "valid_from", "valid_to"]


class LineSerializer(serializers.ModelSerializer):
    date = serializers.DateTimeField(source="visit.checked_out_at", read_only=True)
    request_number = serializers.CharField(source="visit.request.number", read_only=True)

    class Meta:
        model = FeeAccrual
        fields = ["id", "visit", "date", "request_number", "kind", "technician", "amount",
                  "no_rate", "carried_over", "rate"]  # fmt: skip


class StatementSerializer(serializers.ModelSerializer):
    center_code = serializers.CharField(source="center.code", read_only=True)

    class Meta:
        model = Statement
        fields = ["id", "center", "center_code", "month", "status", "total", "line_count",
                  "no_rate_count", "built_by", "built_at", "approved_by", "approved_at",
                  "exported_by", "exported_at"]  # fmt: skip
        read_only_fields = fields


class BuildSerializer(serializers.Serializer):
    center = serializers.PrimaryKeyRelatedField(
        queryset=ServiceCenter.objects.filter(kind=ServiceCenter.Kind.PARTNER)
    )
    month = serializers.CharField(help_text="YYYY-MM")


class PieceWorkSerializer(serializers.Serializer):
    technician = serializers.IntegerField(source="technician_id")
    name = serializers.CharField(source="technician.user")
    center = serializers.CharField(source="technician.home_center.code")
    visits = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
