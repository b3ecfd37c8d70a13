"""Escalation rules over the API: the back office reads, managers change."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from aftersales.escalations import services
from aftersales.escalations.models import EscalationRule


class EscalationRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationRule
        fields = [
            "id", "name", "clock", "trigger", "after_minutes", "policy", "notify_assignee",
            "notify_team_lead", "notify_managers", "raise_priority", "reassign_to_lead",
            "active", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "updated_at"]


class BackOfficeReadsManagersChange(permissions.BasePermission):
    message = _(
        "Only the back office may read escalation rules, and only service managers and "
        "administrators may change them."
    )

    def has_permission(self, request, view):
        user = request.user
        if request.method in permissions.SAFE_METHODS:
            return services.can_read(user)
        return services.can_manage(user)


class EscalationRuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = EscalationRuleSerializer
    queryset = EscalationRule.objects.all()
    permission_classes = [permissions.IsAuthenticated, BackOfficeReadsManagersChange]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["clock", "trigger", "active"]

    def _save(self, rule, partial=False):
        serializer = self.get_serializer(rule, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(rule, name, value)
        return services.save_rule(rule, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        rule = self._save(EscalationRule())
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        rule = self._save(self.get_object(), partial=True)
        return Response(self.get_serializer(rule).data)
