"""Shapes of the fault statistics in the JSON API (read only)."""

from rest_framework import serializers


class FaultScopeSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    category = serializers.IntegerField(source="category.pk", allow_null=True, default=None)
    product = serializers.IntegerField(source="product.pk", allow_null=True, default=None)
    batch = serializers.DateField(allow_null=True, help_text="First day of the purchase month.")


class ParetoRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="Per cent.")
    cumulative = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="Per cent.")
    extra = serializers.DictField(
        help_text="code: component, kind, kind_label; part: requests; component: nothing."
    )


class FaultParetoSerializer(serializers.Serializer):
    by = serializers.CharField()
    scope = FaultScopeSerializer()
    total = serializers.IntegerField()
    rows = ParetoRowSerializer(many=True)


class FailureRateRowSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    sku = serializers.CharField()
    name = serializers.CharField()
    batch = serializers.DateField(allow_null=True)
    units = serializers.IntegerField()
    failures = serializers.IntegerField()
    failed_units = serializers.IntegerField()
    per_thousand = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    early = serializers.IntegerField()
    early_share = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, help_text="Per cent of the units."
    )
    flagged = serializers.BooleanField()


class EarlyFailureRuleSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=6, decimal_places=4)
    min_failures = serializers.IntegerField()


class FailureRatesSerializer(serializers.Serializer):
    group = serializers.CharField()
    scope = FaultScopeSerializer()
    early_failure = EarlyFailureRuleSerializer()
    rows = FailureRateRowSerializer(many=True)


class FaultRequestSerializer(serializers.Serializer):
    """One request behind a number of the fault statistics."""

    id = serializers.IntegerField(help_text="The ticket's id in /api/v1/tickets/.")
    number = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.CharField()
    product = serializers.IntegerField(source="unit.product_id")
    sku = serializers.CharField(source="unit.product.sku")
    serial_number = serializers.CharField(source="unit.serial_number")
    purchased_on = serializers.DateField(source="unit.purchased_on", allow_null=True)
    installed_on = serializers.DateField(source="unit.installed_on", allow_null=True)
    fault_codes = serializers.SerializerMethodField()
    diagnosis = serializers.CharField()
    fault_cause = serializers.CharField()

    def get_fault_codes(self, request) -> list[str]:
        return [code.code for code in request.fault_codes.all()]
