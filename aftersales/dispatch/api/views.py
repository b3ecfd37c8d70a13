"""`/api/v1/visits/`: the visits a user may see (see `dispatch.access`), and the
technician's steps `start-travel/`, `check-in/`, `check-out/`. Thin: every rule is in
`aftersales.dispatch.services`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.dispatch import access, services
from aftersales.dispatch.api.serializers import (
    CheckInSerializer,
    CheckOutSerializer,
    StepSerializer,
    VisitSerializer,
)
from aftersales.dispatch.models import Visit


class MayUseVisits(permissions.BasePermission):
    message = _("Only staff and technicians may use visits.")

    def has_permission(self, request, view):
        return access.can_use(request.user)


def visit_rows(user):
    queryset = Visit.objects.select_related(
        "request__customer", "center", "technician__user", "skill"
    )
    return access.visible_visits(user, queryset).order_by("day", "sequence", "planned_start", "id")


@extend_schema_view(
    list=extend_schema(summary="List the visits you may see"),
    retrieve=extend_schema(summary="Read a visit"),
)
class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer
    permission_classes = [permissions.IsAuthenticated, MayUseVisits]

    def get_queryset(self):
        queryset = visit_rows(self.request.user)
        params = self.request.query_params
        if params.get("day"):
            queryset = queryset.filter(day=params["day"])
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        return queryset

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, visit):
        return Response(VisitSerializer(visit_rows(self.request.user).get(pk=visit.pk)).data)

    @extend_schema(summary="Start travelling to the visit", request=StepSerializer)
    @action(detail=True, methods=["post"], url_path="start-travel")
    def start_travel(self, request, pk=None):
        data = self._input(StepSerializer)
        visit = services.start_travel(
            self.get_object(), request.user, expected_version=data.get("version")
        )
        return self._answer(visit)

    @extend_schema(summary="Check in at the customer's", request=CheckInSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        data = self._input(CheckInSerializer)
        visit = services.check_in(
            self.get_object(),
            request.user,
            data.get("latitude"),
            data.get("longitude"),
            expected_version=data.get("version"),
        )
        return self._answer(visit)

    @extend_schema(summary="Check out with the work done and signature", request=CheckOutSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        data = self._input(CheckOutSerializer)
        visit = services.check_out(
            self.get_object(),
            request.user,
            work_done=data["work_done"],
            first_time_fix=data["first_time_fix"],
            not_fixed_reason=data["not_fixed_reason"],
            customer_comment=data["customer_comment"],
            customer_rating=data["customer_rating"],
            signed_by=data["signed_by"],
            signature_png_bytes=data["signature"],
            fault_codes=data.get("fault_codes"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            expected_version=data.get("version"),
        )
        return self._answer(visit)
