"""`/api/v1/maintenance-plans/` (back office reads, managers write, checklist inline) and
`/api/v1/maintenance-jobs/` (back office; `{id}/checklist/`: GET for who may see it, POST
for the visit's technician or a manager). Thin: the rules are in services."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from aftersales.maintenance import selectors, services
from aftersales.maintenance.api.serializers import (
    ChecklistInputSerializer,
    ChecklistSerializer,
    JobSerializer,
    PlanInputSerializer,
    PlanSerializer,
)
from aftersales.maintenance.filters import JobFilter
from aftersales.maintenance.models import MaintenanceJob


class MayView(permissions.BasePermission):
    message = _("Only the back office may see maintenance plans and jobs.")

    def has_permission(self, request, view):
        return services.can_view(request.user)


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PlanSerializer
    permission_classes = [permissions.IsAuthenticated, MayView]

    def get_queryset(self):
        return selectors.plans().prefetch_related("items")

    def _save(self, request, plan=None):
        data = PlanInputSerializer(data=request.data, partial=False)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        items = [dict(item) for item in fields.pop("items", [])]
        version = fields.pop("version", None)
        return services.save_plan(
            request.user, plan=plan, fields=fields, items=items, expected_version=version
        )

    @extend_schema(summary="Create a maintenance plan", request=PlanInputSerializer,
                   responses=PlanSerializer)  # fmt: skip
    def create(self, request):
        plan = self._save(request)
        return Response(
            PlanSerializer(selectors.plan_with_items(plan.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(summary="Change a maintenance plan and its checklist",
                   request=PlanInputSerializer, responses=PlanSerializer)  # fmt: skip
    def update(self, request, pk=None):
        plan = self._save(request, self.get_object())
        return Response(PlanSerializer(selectors.plan_with_items(plan.pk)).data)


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated, MayView]
    filterset_class = JobFilter

    def get_queryset(self):
        return selectors.jobs()

    def get_permissions(self):
        if self.action == "checklist":
            # The visit's technician is not back office: the service decides.
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(summary="A job's checklist: read, or save / complete it",
                   request=ChecklistInputSerializer, responses=ChecklistSerializer)  # fmt: skip
    @action(detail=True, methods=["get", "post"])
    def checklist(self, request, pk=None):
        job = get_object_or_404(MaintenanceJob.objects.select_related("visit__technician"), pk=pk)
        if not (services.can_view(request.user) or services.can_fill(request.user, job)):
            raise PermissionDenied(_("You may not see this checklist."))
        if request.method == "GET":
            result = services.latest_result(job)
            items = result.items if result else services.blank_items(job)
            return Response({"number": result.number if result else 0,
                             "completed": bool(result and result.completed), "items": items,
                             "recorded_at": result.recorded_at if result else None})  # fmt: skip
        data = ChecklistInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = services.save_checklist(
            job, request.user, answers=values["answers"], complete=values["complete"],
            expected_version=values.get("version"),
        )  # fmt: skip
        return Response(ChecklistSerializer(result).data, status=status.HTTP_201_CREATED)
