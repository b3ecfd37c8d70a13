"""JSON shapes of returns, their steps, the deduction and trade-in tables, valuations and
credits. Money is a decimal string with its currency code."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.returns import services
from aftersales.returns.models import (
    AccessoryDeduction,
    Condition,
    ReturnAuthorisation,
    ReturnEvent,
    RmaKind,
    TradeInCredit,
    TradeInRate,
)
from aftersales.warranty.models import PaymentMethod


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = ReturnEvent
        fields = ["action", "from_status", "to_status", "actor", "created_at", "body", "data"]


class ReturnSerializer(serializers.ModelSerializer):
    request = serializers.CharField(source="request.number", read_only=True)
    unit = serializers.CharField(source="unit.serial_number", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    replacement_unit = serializers.CharField(
        source="replacement_unit.serial_number", read_only=True, default=None
    )
    missing_accessories = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    currency = serializers.SerializerMethodField()
    next_steps = serializers.SerializerMethodField()
    override_by = serializers.StringRelatedField()
    created_by = serializers.StringRelatedField()
    refund_method = serializers.CharField(
        read_only=True, help_text="How the refund was paid: one of the payment methods."
    )
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = ReturnAuthorisation
        fields = [
            "id",
            "number",
            "request",
            "unit",
            "customer",
            "customer_name",
            "kind",
            "status",
            "reason",
            "price_paid",
            "currency",
            "allowed_remedies",
            "warranty_reasons",
            "overridden",
            "override_reason",
            "override_by",
            "created_by",
            "created_at",
            "received_at",
            "condition",
            "accessories_present",
            "missing_accessories",
            "receipt_note",
            "inspected_at",
            "fault_confirmed",
            "customer_damage",
            "inspection_note",
            "outcome_at",
            "refund_amount",
            "deductions",
            "deduction_lines",
            "refund_method",
            "replacement_unit",
            "repair_note",
            "tracking_number",
            "rejection_reason",
            "closed_at",
            "version",
            "next_steps",
            "events",
        ]
        read_only_fields = fields

    def get_currency(self, obj) -> str:
        return settings.DEFAULT_CURRENCY

    def get_next_steps(self, obj) -> list[str]:
        return services.next_steps(obj)


class StartSerializer(serializers.Serializer):
    request = serializers.CharField(help_text="The service request's number, e.g. SR-2026-000123")
    kind = serializers.CharField(help_text="refund, exchange or depot_repair")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    price_paid = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_kind(self, value):
        if value not in RmaKind.values:
            raise serializers.ValidationError(_("Choose refund, exchange or depot repair."))
        return value


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The version you read; a return changed meanwhile is refused (409).",
    )


class ReceiveSerializer(VersionedSerializer):
    condition = serializers.ChoiceField(choices=Condition.choices)
    missing = serializers.PrimaryKeyRelatedField(
        queryset=AccessoryDeduction.objects.all(),
        many=True,
        required=False,
        default=list,
        help_text="Ids of the missing accessories' deductions.",
    )
    accessories_present = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="Photos of the item as it arrived (multipart).",
    )


class InspectSerializer(VersionedSerializer):
    fault_confirmed = serializers.BooleanField()
    customer_damage = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RefundSerializer(VersionedSerializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    price_paid = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExchangeSerializer(VersionedSerializer):
    new_serial = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ShipSerializer(VersionedSerializer):
    repair_note = serializers.CharField()
    tracking_number = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(VersionedSerializer):
    reason = serializers.CharField(help_text="Shown to the customer.")


class CloseSerializer(VersionedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DeductionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessoryDeduction
        fields = ["id", "name", "category", "amount", "percent", "active"]


class TradeInRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = TradeInRate
        fields = [
            "id",
            "product",
            "category",
            "condition",
            "min_age_months",
            "max_age_months",
            "value",
        ]


class ValuationRequestSerializer(serializers.Serializer):
    serial_number = serializers.CharField()
    condition = serializers.ChoiceField(choices=Condition.choices)


class ValuationSerializer(serializers.Serializer):
    serial_number = serializers.CharField(source="unit.serial_number")
    product = serializers.CharField(source="unit.product.name")
    condition = serializers.CharField()
    age_months = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.SerializerMethodField()
    rate = serializers.IntegerField(source="rate.pk")

    def get_currency(self, obj) -> str:
        return settings.DEFAULT_CURRENCY


class CreditSerializer(serializers.ModelSerializer):
    old_unit = serializers.CharField(source="old_unit.serial_number", read_only=True)
    used_on_unit = serializers.CharField(
        source="used_on_unit.serial_number", read_only=True, default=None
    )
    currency = serializers.SerializerMethodField()

    class Meta:
        model = TradeInCredit
        fields = [
            "id",
            "number",
            "customer",
            "old_unit",
            "condition",
            "age_months",
            "value",
            "currency",
            "status",
            "issued_at",
            "used_on_unit",
            "used_reference",
            "used_at",
        ]
        read_only_fields = fields

    def get_currency(self, obj) -> str:
        return settings.DEFAULT_CURRENCY


class UseCreditSerializer(serializers.Serializer):
    new_serial = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="")
