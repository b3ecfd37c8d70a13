"""`/api/v1/training/courses/`, `…/sessions/` (with seats left), `…/enrolments/` (create,
`{id}/attendance/`) and `…/certificates/`. Thin: the rules are in
`aftersales.training.services`."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.customers.models import Contact
from aftersales.field.models import Technician
from aftersales.training import selectors, services
from aftersales.training.api.serializers import (
    AttendanceSerializer,
    CertificateSerializer,
    CourseSerializer,
    EnrolmentSerializer,
    EnrolSerializer,
    SessionSerializer,
)
from aftersales.training.models import Session


class MayView(permissions.BasePermission):
    message = _("Only the service team and technicians may see training.")

    def has_permission(self, request, view):
        return services.can_view(request.user)


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CourseSerializer
    permission_classes = [permissions.IsAuthenticated, MayView]
    filterset_fields = ["audience", "delivery", "active", "category", "product"]

    def get_queryset(self):
        return selectors.courses().order_by("title", "id")


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    permission_classes = [permissions.IsAuthenticated, MayView]
    filterset_fields = ["course", "status"]

    def get_queryset(self):
        return selectors.sessions().order_by("starts_at", "id")


class EnrolmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    serializer_class = EnrolmentSerializer
    permission_classes = [permissions.IsAuthenticated, MayView]
    filterset_fields = ["session", "attendance", "result"]

    def get_queryset(self):
        return selectors.visible_enrolments(self.request.user)

    @extend_schema(summary="Enrol a contact or a technician", request=EnrolSerializer,
                   responses=EnrolmentSerializer)  # fmt: skip
    def create(self, request):
        data = EnrolSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.check_plan(request.user)
        fields = data.validated_data
        session = get_object_or_404(Session, pk=fields["session"])
        contact = get_object_or_404(Contact, pk=fields["contact"]) if fields["contact"] else None
        technician = (
            get_object_or_404(Technician, pk=fields["technician"]) if fields["technician"] else None
        )
        enrolment = services.enrol(session, actor=request.user, contact=contact,
                                   technician=technician)  # fmt: skip
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Record attendance and result", request=AttendanceSerializer,
                   responses=EnrolmentSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        enrolment = self.get_object()
        data = AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        mark = services.Mark(enrolment.pk, fields["attended"], fields["result"], fields["score"])
        services.record_marks(enrolment.session, [mark], actor=request.user)
        return Response(EnrolmentSerializer(self.get_queryset().get(pk=enrolment.pk)).data)


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CertificateSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.visible_certificates(self.request.user)
