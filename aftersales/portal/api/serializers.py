"""The portal's own API: registering a unit the customer bought (multipart with the invoice)."""

from rest_framework import serializers

from aftersales.assets.api.serializers import UnitSerializer
from aftersales.catalog.models import Product


class PortalRegisterUnitSerializer(serializers.Serializer):
    serial_number = serializers.CharField(max_length=64)
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="The product (from /api/v1/products/); needed when the serial is new to us.",
    )
    purchased_on = serializers.DateField(help_text="The date on the invoice.")
    invoice = serializers.FileField(
        required=False, help_text="A photo (JPEG, PNG…) or PDF of the invoice."
    )


class PortalCoverageSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="in_warranty, extended, contract, expired or unknown.")
    headline = serializers.CharField(help_text="What is covered, in the customer's words.")
    covered = serializers.BooleanField()
    ends_on = serializers.DateField(allow_null=True)
    return_until = serializers.DateField(allow_null=True)
    exchange_until = serializers.DateField(allow_null=True)
    repair_until = serializers.DateField(allow_null=True)


class PortalRegistrationSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        help_text="`created` (the unit is now yours) or `already_yours` (nothing changed)."
    )
    unit = UnitSerializer()
    coverage = PortalCoverageSerializer()
