"""`/api/v1/service-centers/` and `/api/v1/technicians/` (with `absences/` and `position/`).

Staff read what `services.visible_centers` / `visible_technicians` give them (partner staff:
their own center; technicians: themselves); managers change centers and coverage; managers
and the center's partner staff change technicians and absences. Customers are refused.
Thin: every rule is in `aftersales.field.services`.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.field import selectors, services
from aftersales.field.api.serializers import (
    AbsenceSerializer,
    CenterSerializer,
    PositionSerializer,
    TechnicianSerializer,
)
from aftersales.field.filters import CenterFilter, TechnicianFilter
from aftersales.field.models import ServiceCenter, Technician


class StaffOnly(permissions.BasePermission):
    message = _("Only staff may use the service network.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and user.may_use_staff_ui)


class NetworkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [permissions.IsAuthenticated, StaffOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _input(self, serializer_class, data, **kwargs):
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, obj, **kwargs):
        serializer = self.get_serializer_class()(obj, context=self.get_serializer_context())
        return Response(serializer.data, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="List service centers with coverage"),
    retrieve=extend_schema(summary="Read a service center"),
    create=extend_schema(summary="Add a service center (managers)"),
    partial_update=extend_schema(
        summary="Change a service center (managers)",
        description="`coverage`, when sent, replaces all of the center's coverage.",
    ),
)
class ServiceCenterViewSet(NetworkViewSet):
    serializer_class = CenterSerializer
    filterset_class = CenterFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.center_rows(self.request.user)

    def _save(self, center, data):
        coverage = data.pop("coverage", None)
        for name, value in data.items():
            setattr(center, name, value)
        if coverage is not None:
            coverage = [
                services.Coverage(
                    c["city"], c.get("district") or "", province=c.get("province") or ""
                )
                for c in coverage
            ]
        center = services.save_center(center, actor=self.request.user, coverage=coverage)
        return self.get_queryset().get(pk=center.pk)

    def create(self, request, *args, **kwargs):
        services.check_manage_network(request.user)
        data = self._input(CenterSerializer, request.data)
        return self._answer(self._save(ServiceCenter(), data), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        center = self.get_object()
        services.check_manage_network(request.user)
        data = self._input(CenterSerializer, request.data, partial=True)
        return self._answer(self._save(center, data))


@extend_schema_view(
    list=extend_schema(summary="List technicians with skills and upcoming absences"),
    retrieve=extend_schema(summary="Read a technician"),
    create=extend_schema(summary="Add a technician profile (managers, partner staff)"),
    partial_update=extend_schema(
        summary="Change a technician (managers, the center's partner staff)",
        description="`skills`, when sent, replaces all of the technician's skills.",
    ),
)
class TechnicianViewSet(NetworkViewSet):
    serializer_class = TechnicianSerializer
    filterset_class = TechnicianFilter

    def get_queryset(self):
        return selectors.technician_rows(self.request.user)

    def _save(self, technician, data):
        skills = data.pop("skills", None)
        for name, value in data.items():
            setattr(technician, name, value)
        if skills is not None:
            skills = [
                services.Skill(s["category"], int(s["level"]), s.get("certified_until"))
                for s in skills
            ]
        technician = services.save_technician(technician, actor=self.request.user, skills=skills)
        return self.get_queryset().get(pk=technician.pk)

    def create(self, request, *args, **kwargs):
        if not services.can_add_technicians(request.user):
            services.check_manage_technician(request.user, None)
        data = self._input(TechnicianSerializer, request.data)
        return self._answer(self._save(Technician(), data), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        technician = self.get_object()
        services.check_manage_technician(request.user, technician.home_center)
        data = self._input(TechnicianSerializer, request.data, partial=True)
        return self._answer(self._save(technician, data))

    @extend_schema(
        summary="Enter an absence (managers, the center's partner staff)",
        request=AbsenceSerializer,
        responses={201: AbsenceSerializer},
    )
    @action(detail=True, methods=["post"], url_path="absences")
    def absences(self, request, pk=None):
        technician = self.get_object()
        services.check_manage_technician(request.user, technician.home_center)
        data = self._input(AbsenceSerializer, request.data)
        absence = services.add_absence(technician, actor=request.user, **data)
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove an absence", responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"absences/(?P<absence_id>\d+)")
    def remove_absence(self, request, pk=None, absence_id=None):
        technician = self.get_object()
        absence = get_object_or_404(technician.absences, pk=absence_id)
        services.remove_absence(absence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Check in: the technician's position now (the technician, managers)",
        request=PositionSerializer,
        responses={200: TechnicianSerializer},
    )
    @action(detail=True, methods=["post"], url_path="position")
    def position(self, request, pk=None):
        technician = self.get_object()
        services.check_record_position(request.user, technician)
        data = self._input(PositionSerializer, request.data)
        services.record_position(
            technician, data["latitude"], data["longitude"], data.get("at"), actor=request.user
        )
        return self._answer(self.get_queryset().get(pk=technician.pk))
