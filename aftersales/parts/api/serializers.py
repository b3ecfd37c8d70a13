"""JSON shapes of stock locations, levels, moves, reservations, parts used and defective
parts, and the inputs of the changes."""

from rest_framework import serializers

from aftersales.catalog.models import SparePart
from aftersales.dispatch.models import Visit
from aftersales.field.models import ServiceCenter
from aftersales.parts.models import (
    DefectivePart,
    DefectiveStatus,
    MoveKind,
    PartUsage,
    Reservation,
    StockLevel,
    StockLocation,
    StockMove,
)
from aftersales.parts.services import DIRECT_MOVES
from aftersales.service.models import ServiceRequest
from aftersales.warranty.models import VendorClaim


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockLocation
        fields = ["id", "code", "name", "kind", "center", "technician", "active"]
        read_only_fields = fields


class LevelSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.part_number", read_only=True)
    part_name = serializers.CharField(source="part.name", read_only=True)
    is_consumable = serializers.BooleanField(source="part.is_consumable", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)
    available = serializers.IntegerField(source="available_now", read_only=True)
    reorder_point = serializers.IntegerField(source="minimum", read_only=True, allow_null=True)
    refill_up_to = serializers.IntegerField(source="target", read_only=True, allow_null=True)

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "part",
            "part_number",
            "part_name",
            "is_consumable",
            "location",
            "location_code",
            "on_hand",
            "reserved",
            "available",
            "reorder_point",
            "refill_up_to",
            "updated_at",
        ]
        read_only_fields = fields


class ReplenishmentSerializer(serializers.Serializer):
    part = serializers.IntegerField(source="part_id")
    part_number = serializers.CharField(source="part.part_number")
    location = serializers.IntegerField(source="location_id")
    location_code = serializers.CharField(source="location.code")
    available = serializers.IntegerField(source="available_now")
    reorder_point = serializers.IntegerField(source="minimum")
    refill_up_to = serializers.IntegerField(source="target")
    suggested = serializers.IntegerField()
    source_available = serializers.IntegerField()


class MoveSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True, default=None)

    class Meta:
        model = StockMove
        fields = [
            "id",
            "at",
            "kind",
            "part",
            "quantity",
            "from_location",
            "to_location",
            "request",
            "request_number",
            "visit",
            "reservation",
            "reference",
            "note",
            "actor",
        ]
        read_only_fields = fields


class MoveInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k, MoveKind(k).label) for k in DIRECT_MOVES])
    part = serializers.PrimaryKeyRelatedField(queryset=SparePart.objects.all())
    quantity = serializers.IntegerField(
        min_value=0, help_text="For a stocktake (adjust): the count found."
    )
    from_location = serializers.PrimaryKeyRelatedField(
        queryset=StockLocation.objects.all(), required=False, allow_null=True
    )
    to_location = serializers.PrimaryKeyRelatedField(
        queryset=StockLocation.objects.all(), required=False, allow_null=True
    )
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReservationSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)

    class Meta:
        model = Reservation
        fields = [
            "id",
            "part",
            "quantity",
            "location",
            "source",
            "status",
            "request",
            "request_number",
            "visit",
            "created_by",
            "created_at",
            "arrived_at",
            "closed_at",
            "note",
        ]
        read_only_fields = fields


class _ForRequest(serializers.Serializer):
    request = serializers.SlugRelatedField(
        slug_field="number",
        queryset=ServiceRequest.objects.all(),
        help_text="The request's number, e.g. SR-2026-000123.",
    )
    visit = serializers.PrimaryKeyRelatedField(
        queryset=Visit.objects.all(), required=False, allow_null=True
    )


class ReserveInputSerializer(_ForRequest):
    part = serializers.PrimaryKeyRelatedField(queryset=SparePart.objects.all())
    quantity = serializers.IntegerField(min_value=1)
    location = serializers.PrimaryKeyRelatedField(queryset=StockLocation.objects.all())
    source = serializers.PrimaryKeyRelatedField(
        queryset=StockLocation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Not at `location` yet: held here and sent on (e.g. the warehouse).",
    )
    wait = serializers.BooleanField(
        default=False, help_text="Move a request in progress to waiting on parts."
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class UsageSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)

    class Meta:
        model = PartUsage
        fields = [
            "id",
            "request",
            "request_number",
            "visit",
            "part",
            "location",
            "quantity",
            "is_consumable",
            "chargeable",
            "unit_price",
            "currency",
            "actor",
            "at",
        ]
        read_only_fields = fields


class UseInputSerializer(_ForRequest):
    part = serializers.PrimaryKeyRelatedField(queryset=SparePart.objects.all())
    quantity = serializers.IntegerField(min_value=1)
    location = serializers.PrimaryKeyRelatedField(queryset=StockLocation.objects.all())
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DefectiveSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)

    class Meta:
        model = DefectivePart
        fields = [
            "id",
            "part",
            "serial_number",
            "request",
            "request_number",
            "visit",
            "center",
            "location",
            "status",
            "vendor_claim",
            "fault",
            "received_by",
            "received_at",
            "closed_by",
            "closed_at",
            "reference",
        ]
        read_only_fields = fields


class FaultyInputSerializer(_ForRequest):
    part = serializers.PrimaryKeyRelatedField(queryset=SparePart.objects.all())
    center = serializers.PrimaryKeyRelatedField(queryset=ServiceCenter.objects.all())
    serial_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    fault = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CloseDefectiveInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (s, DefectiveStatus(s).label)
            for s in (DefectiveStatus.RETURNED, DefectiveStatus.SCRAPPED)
        ]
    )
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True)
    vendor_claim = serializers.PrimaryKeyRelatedField(
        queryset=VendorClaim.objects.all(), required=False, allow_null=True
    )


class ClaimInputSerializer(serializers.Serializer):
    vendor_claim = serializers.PrimaryKeyRelatedField(
        queryset=VendorClaim.objects.all(), allow_null=True
    )
