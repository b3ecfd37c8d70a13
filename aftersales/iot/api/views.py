"""Remote monitoring over the API: rules (the back office reads, managers change), readings
(read, and sent by gateways without MQTT through the same `services.ingest_many`) and
alarms."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from aftersales.iot import services
from aftersales.iot.models import Alarm, MonitorRule, Telemetry
from aftersales.service import access

MAX_BATCH = 1000


class MonitorRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitorRule
        fields = [
            "id", "product", "name", "kind", "metric", "threshold", "code", "minutes",
            "priority", "action", "tell_customer", "active", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "updated_at"]


class ReadingSerializer(serializers.ModelSerializer):
    serial = serializers.CharField(source="unit.serial_number", read_only=True)

    class Meta:
        model = Telemetry
        fields = ["id", "unit", "serial", "at", "metrics", "codes", "received_at"]


class ReadingInSerializer(serializers.Serializer):
    """One message as a unit would publish it, with its serial number."""

    serial = serializers.CharField(max_length=64)
    at = serializers.CharField(required=False, allow_null=True)
    metrics = serializers.DictField(required=False)
    codes = serializers.ListField(child=serializers.CharField(), required=False)


class IngestResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())
    alarms = serializers.IntegerField()


class AlarmSerializer(serializers.ModelSerializer):
    serial = serializers.CharField(source="unit.serial_number", read_only=True)
    request_number = serializers.CharField(source="request.number", read_only=True, default=None)

    class Meta:
        model = Alarm
        fields = ["id", "unit", "serial", "rule", "request", "request_number", "raised_at",
                  "since", "cleared_at", "readings"]  # fmt: skip


class BackOfficeReadsManagersChange(permissions.BasePermission):
    message = _(
        "Only the back office may read monitoring rules, and only service managers and "
        "administrators may change them."
    )

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return services.can_read(request.user)
        return services.can_manage(request.user)


class StaffReadsBackOfficeSends(permissions.BasePermission):
    message = _("Only staff may read readings, and only the back office may send them.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return services.can_see_readings(request.user)
        return services.can_read(request.user)


class BackOfficeReads(permissions.BasePermission):
    message = _("Only the back office may read alarms.")

    def has_permission(self, request, view):
        return services.can_read(request.user)


class MonitorRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MonitorRuleSerializer
    queryset = MonitorRule.objects.select_related("product")
    permission_classes = [permissions.IsAuthenticated, BackOfficeReadsManagersChange]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["product", "kind", "action", "active"]

    def _save(self, rule, partial=False):
        serializer = self.get_serializer(rule, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(rule, name, value)
        return services.save_rule(rule, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        rule = self._save(MonitorRule())
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        rule = self._save(self.get_object(), partial=True)
        return Response(self.get_serializer(rule).data)


class ReadingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ReadingSerializer
    permission_classes = [permissions.IsAuthenticated, StaffReadsBackOfficeSends]
    filterset_fields = ["unit"]

    def get_queryset(self):
        units = access.visible_units(self.request.user)
        return (
            Telemetry.objects.filter(unit__in=units).select_related("unit").order_by("-at", "-id")
        )

    @extend_schema(parameters=[OpenApiParameter("unit", int, required=True, description="Unit id")])
    def list(self, request, *args, **kwargs):
        if not str(request.query_params.get("unit", "")).isdigit():
            raise ValidationError({"unit": [_("Name the unit (?unit=<id>).")]})
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ReadingInSerializer(many=True), responses=IngestResultSerializer)
    def create(self, request, *args, **kwargs):
        """One message (an object) or several (a list), stored as the MQTT subscriber does."""
        body = request.data if isinstance(request.data, list) else [request.data]
        if not body or len(body) > MAX_BATCH:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _("Send between 1 and %(max)s readings.") % {"max": MAX_BATCH}
                    ]
                }
            )
        incoming = ReadingInSerializer(data=body, many=True)
        incoming.is_valid(raise_exception=True)
        result = services.ingest_many(
            [(item["serial"], {k: v for k, v in item.items() if k != "serial"}, None)
             for item in incoming.validated_data]
        )  # fmt: skip
        answer = {
            "stored": result.stored,
            "rejected": [{"serial": s, "reason": r} for s, r in result.rejected],
            "alarms": len(result.alarms),
        }
        code = status.HTTP_201_CREATED if result.stored else status.HTTP_400_BAD_REQUEST
        return Response(answer, status=code)


class AlarmViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AlarmSerializer
    permission_classes = [permissions.IsAuthenticated, BackOfficeReads]
    queryset = Alarm.objects.select_related("unit", "request")
    filterset_fields = {"unit": ["exact"], "rule": ["exact"], "cleared_at": ["isnull"]}
