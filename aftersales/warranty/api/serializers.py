"""Shapes of the warranty API. Money is a decimal string with its currency code."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.assets.models import Unit
from aftersales.catalog.models import Category, Product, SparePart
from aftersales.customers.models import Customer
from aftersales.warranty import services
from aftersales.warranty.models import (
    ContractEvent,
    ExtendedWarranty,
    ServiceContract,
    ServicePlan,
    SupplierWarranty,
    VendorClaim,
    WarrantyPolicy,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


# --- Policies -----------------------------------------------------------------------------


class ComponentTermSerializer(serializers.Serializer):
    component = serializers.CharField(max_length=100)
    months = serializers.IntegerField(min_value=1, max_value=32767)


class WarrantyPolicySerializer(serializers.ModelSerializer):
    """A policy; `component_terms`, when sent, replaces the policy's longer terms."""

    # Declared here so that a second policy for a scope is refused by the service, with a
    # message naming the policy in the way, instead of a generic uniqueness error.
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), allow_null=True, required=False
    )
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), allow_null=True, required=False
    )
    scope = serializers.CharField(read_only=True)
    component_terms = ComponentTermSerializer(many=True, required=False)

    class Meta:
        model = WarrantyPolicy
        fields = [
            "id", "name", "scope", "category", "product", "return_days", "exchange_days",
            "repair_months", "failed_repairs_for_exchange", "after_failed_repairs",
            "excludes_consumables", "excludes_customer_damage", "excludes_wear",
            "out_of_warranty_repair", "lifetime_repair", "notes", "component_terms",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "scope", "updated_at"]


# --- Plans --------------------------------------------------------------------------------


class ServicePlanSerializer(serializers.ModelSerializer):
    code = serializers.SlugField(max_length=20)
    price = serializers.DecimalField(**MONEY, required=False, help_text=_("Price per year."))

    class Meta:
        model = ServicePlan
        fields = [
            "id", "code", "name", "rank", "response_hours", "resolution_hours", "onsite_hours",
            "pm_visits_per_year", "parts_promise", "covers_repairs", "covers_wear", "price",
            "currency", "active",
        ]  # fmt: skip
        read_only_fields = ["id"]


# --- Contracts ----------------------------------------------------------------------------


class ContractSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    plan_code = serializers.CharField(source="plan.code", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    units = serializers.SerializerMethodField()
    renewal_of = serializers.SlugRelatedField(slug_field="number", read_only=True)
    renewal = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = ServiceContract
        fields = [
            "id", "number", "customer", "customer_name", "plan", "plan_code", "plan_name",
            "status", "status_label", "starts_on", "ends_on", "cancelled_on", "all_units",
            "units", "price", "currency", "renewal_of", "renewal", "notes", "actions", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.DictField(),
            help_text=_("The units named by the contract (empty when it covers all units)."),
        )
    )
    def get_units(self, contract) -> list[dict]:
        return [
            {"id": unit.pk, "serial_number": unit.serial_number}
            for unit in sorted(contract.units.all(), key=lambda u: u.serial_number)
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_renewal(self, contract) -> str | None:
        renewal = getattr(contract, "renewal", None)
        return renewal.number if renewal else None

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text=_("What the caller may do now: POST …/contracts/{id}/<action>/."),
        )
    )
    def get_actions(self, contract) -> list[str]:
        request = self.context.get("request")
        return services.available_actions(request.user, contract) if request else []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not services.can_read(request.user):
            # A customer reads their own contract, without our internal notes.
            data.pop("notes", None)
            data.pop("actions", None)
        return data


class ContractCreateSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    plan = serializers.PrimaryKeyRelatedField(queryset=ServicePlan.objects.all())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Default: one year after the start.")
    )
    price = serializers.DecimalField(
        **MONEY,
        required=False,
        allow_null=True,
        help_text=_("Default: the plan's yearly price, counted for the period."),
    )
    all_units = serializers.BooleanField(default=True)
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False, default=list
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ContractUpdateSerializer(serializers.Serializer):
    """A quote's terms, before the customer answers; only the fields sent change."""

    plan = serializers.PrimaryKeyRelatedField(queryset=ServicePlan.objects.all())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    price = serializers.DecimalField(
        **MONEY, allow_null=True, help_text=_("null: the plan's price for the period.")
    )
    all_units = serializers.BooleanField()
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True)
    notes = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class ContractActionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why: required to cancel; kept with accept and decline."),
    )
    price = serializers.DecimalField(
        **MONEY,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Renew only: the renewal's price (default: the plan's price)."),
    )
    version = serializers.IntegerField(required=False, min_value=1)


class ContractEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()
    kind_label = serializers.SerializerMethodField()

    class Meta:
        model = ContractEvent
        fields = ["id", "kind", "kind_label", "actor", "created_at", "body", "data"]
        read_only_fields = fields

    def get_kind_label(self, event) -> str:
        kinds = services.EventKind
        return str(kinds(event.kind).label) if event.kind in kinds.values else event.kind


# --- Extended warranties --------------------------------------------------------------------


class ExtendedWarrantySerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    serial_number = serializers.CharField(source="unit.serial_number", read_only=True)
    price = serializers.DecimalField(**MONEY, required=False)

    class Meta:
        model = ExtendedWarranty
        fields = [
            "id", "unit", "serial_number", "name", "reference", "starts_on", "ends_on",
            "covers_accidental_damage", "price", "currency", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "serial_number", "created_at"]


# --- Supplier cover and claims --------------------------------------------------------------


class SupplierWarrantySerializer(serializers.ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), allow_null=True, required=False
    )
    spare_part = serializers.PrimaryKeyRelatedField(
        queryset=SparePart.objects.all(), allow_null=True, required=False
    )
    labour_rate = serializers.DecimalField(**MONEY, required=False)

    class Meta:
        model = SupplierWarranty
        fields = [
            "id", "supplier", "product", "spare_part", "component", "months", "counts_from",
            "labour_rate", "notes", "active",
        ]  # fmt: skip
        read_only_fields = ["id"]


class VendorClaimSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    supplier = serializers.CharField(source="supplier_warranty.supplier", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    next_statuses = serializers.SerializerMethodField()

    class Meta:
        model = VendorClaim
        fields = [
            "id", "request", "request_number", "supplier_warranty", "supplier", "status",
            "status_label", "next_statuses", "amount", "currency", "reference", "notes",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_next_statuses(self, claim) -> list[str]:
        return [str(status) for status in services.claim_moves(claim)]


class ClaimTransitionSerializer(serializers.Serializer):
    to = serializers.CharField(
        help_text=_("submitted, accepted, paid or rejected (open → submitted → accepted → paid).")
    )
    reference = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text=_("The supplier's reference.")
    )
    amount = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required when rejected.")
    )
