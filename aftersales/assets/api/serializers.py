from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.assets.models import Unit, normalize_serial
from aftersales.assets.services import EDITABLE_FIELDS
from aftersales.customers.models import Customer
from aftersales.service import access
from aftersales.warranty.decision import PolicyBook
from aftersales.warranty.services import STATUS_LABELS, warranty_dates


class WarrantySerializer(serializers.Serializer):
    """The statutory 三包 windows counted from the purchase date, and where the unit is today."""

    return_until = serializers.DateField(allow_null=True)
    exchange_until = serializers.DateField(allow_null=True)
    repair_until = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=list(STATUS_LABELS))
    status_label = serializers.CharField()


def warranty_block(unit: Unit, book: PolicyBook | None = None) -> dict:
    dates = warranty_dates(unit, book)
    status = dates.status_on(timezone.localdate())
    return {
        "return_until": dates.return_until,
        "exchange_until": dates.exchange_until,
        "repair_until": dates.repair_until,
        "status": status,
        "status_label": str(STATUS_LABELS[status]),
    }


class UnitSerializer(serializers.ModelSerializer):
    product_sku = serializers.CharField(source="product.sku", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    warranty = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id",
            "serial_number",
            "product",
            "product_sku",
            "product_name",
            "customer",
            "customer_name",
            "purchased_on",
            "sales_channel",
            "invoice_number",
            "delivered_on",
            "installed_on",
            "status",
            "notes",
            "warranty",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(WarrantySerializer)
    def get_warranty(self, unit) -> dict:
        # One read of the policies per response, however many units it lists.
        book = self.context.get("policy_book")
        if book is None:
            book = self.context["policy_book"] = PolicyBook()
        return WarrantySerializer(warranty_block(unit, book)).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not access.sees_internal(request.user):
            data.pop("notes", None)
        return data


class UnitCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = [
            "serial_number",
            "product",
            "customer",
            "purchased_on",
            "sales_channel",
            "invoice_number",
            "delivered_on",
            "installed_on",
            "status",
            "notes",
        ]
        # register_unit compares serial numbers as people type them (spaces, case) and
        # says which unit is already registered; the plain unique check would not.
        extra_kwargs = {"serial_number": {"validators": []}}


class UnitUpdateSerializer(serializers.ModelSerializer):
    """Details and status; the owner changes through `transfer`, the serial number never."""

    class Meta:
        model = Unit
        fields = [*EDITABLE_FIELDS, "status"]

    def validate(self, attrs):
        unit = self.context["unit"]
        data = self.initial_data
        errors = {}
        if "customer" in data and str(data["customer"]) != str(unit.customer_id):
            errors["customer"] = [
                _(
                    "To change the owner, use POST /api/v1/units/%(id)s/transfer/ "
                    "so that the ownership history is kept."
                )
                % {"id": unit.pk}
            ]
        if "serial_number" in data and normalize_serial(str(data["serial_number"])) != (
            unit.serial_number
        ):
            errors["serial_number"] = [
                _("The serial number of a registered unit cannot be changed.")
            ]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TransferSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), help_text=_("The new owner.")
    )
    effective_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
