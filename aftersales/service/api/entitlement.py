"""`POST /api/v1/warranty/evaluate/`: what a customer is owed for a fault on a unit."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.assets.models import normalize_serial
from aftersales.catalog.models import FaultCode
from aftersales.service import access
from aftersales.service.entitlement import evaluate_unit
from aftersales.warranty.models import FaultCause


class EvaluateSerializer(serializers.Serializer):
    serial_number = serializers.CharField(max_length=64)
    fault = serializers.ChoiceField(
        choices=FaultCause.choices,
        default=FaultCause.UNKNOWN,
        help_text=gettext_lazy("Why it failed: quality, customer_damage, wear, consumable."),
    )
    reported_on = serializers.DateField(
        required=False, help_text=gettext_lazy("YYYY-MM-DD; today when left out.")
    )
    fault_code = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "The fault code, if known: counts earlier repairs of the same fault and applies "
            "longer terms for its component."
        ),
    )


DecisionSerializer = inline_serializer(
    "WarrantyDecision",
    {
        "serial_number": serializers.CharField(),
        "eligible_remedies": serializers.ListField(child=serializers.CharField()),
        "repair_charge": serializers.ChoiceField(choices=["free", "chargeable"]),
        "warranty_status": serializers.ChoiceField(
            choices=["in_warranty", "extended", "contract", "expired", "unknown"]
        ),
        "warranty_status_label": serializers.CharField(),
        "warranty_ends_on": serializers.DateField(allow_null=True),
        "reported_on": serializers.DateField(),
        "fault": serializers.CharField(),
        "policy": serializers.DictField(),
        "windows": serializers.DictField(),
        "contract": serializers.DictField(allow_null=True),
        "plan": serializers.DictField(allow_null=True),
        "extended_warranty": serializers.DictField(allow_null=True),
        "supplier_cover": serializers.ListField(child=serializers.DictField()),
        "reasons": serializers.ListField(child=serializers.CharField()),
        "reason_codes": serializers.ListField(child=serializers.CharField()),
    },
)


class EvaluateView(APIView):
    @extend_schema(
        summary="Decide what warranty, contracts and policy give for a fault",
        request=EvaluateSerializer,
        responses={
            200: DecisionSerializer,
            400: OpenApiResponse(description="A bad fault, date or fault code."),
            404: OpenApiResponse(description="No unit with this serial number (that you may see)."),
        },
    )
    def post(self, request):
        serializer = EvaluateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        serial = normalize_serial(data["serial_number"])
        unit = (
            access.visible_units(request.user)
            .select_related("product__category", "customer")
            .filter(serial_number=serial)
            .first()
        )
        if unit is None:
            raise NotFound(
                _("No unit with serial number %(serial)s is registered.") % {"serial": serial}
            )
        codes = []
        if data.get("fault_code"):
            codes = list(
                FaultCode.objects.filter(category=unit.product.category_id, code=data["fault_code"])
            )
            if not codes:
                raise serializers.ValidationError(
                    {
                        "fault_code": [
                            _("%(code)s is not a fault code of %(category)s.")
                            % {"code": data["fault_code"], "category": unit.product.category}
                        ]
                    }
                )
        decision = evaluate_unit(unit, data["fault"], data.get("reported_on"), fault_codes=codes)
        return Response({"serial_number": unit.serial_number, **decision.for_reader()})
