"""`/api/v1/message-templates/` and `/api/v1/tickets/<id>/messages/`.

The back office reads message templates; administrators and service managers create and
change them (no delete: switch one off with `active`). A ticket's messages are read by
the back office and by the field staff who can see the ticket; customers are refused.
Thin: every rule is in `aftersales.notifications.services`.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from aftersales.notifications import selectors, services
from aftersales.notifications.api.serializers import (
    MessageTemplateSerializer,
    MessageTemplateUpdateSerializer,
    OutboundMessageSerializer,
)
from aftersales.notifications.models import MessageTemplate, OutboundMessage


class BackOfficeReadsManagersChange(permissions.BasePermission):
    message = _(
        "Only the back office may read message templates, and only service managers and "
        "administrators may change them."
    )

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return services.can_read(request.user)
        return services.can_manage(request.user)


class MessageTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [permissions.IsAuthenticated, BackOfficeReadsManagersChange]
    queryset = MessageTemplate.objects.select_related("updated_by").order_by(
        "event", "channel", "language"
    )
    serializer_class = MessageTemplateSerializer
    filterset_fields = ["event", "channel", "language", "active"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return MessageTemplateUpdateSerializer
        return MessageTemplateSerializer

    def perform_create(self, serializer):
        template = MessageTemplate(**serializer.validated_data)
        serializer.instance = services.save_template(template, actor=self.request.user)

    def perform_update(self, serializer):
        template = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(template, name, value)
        serializer.instance = services.save_template(template, actor=self.request.user)

    @extend_schema(summary="Create a message template", responses={201: MessageTemplateSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


class TicketMessagesView(generics.GenericAPIView):
    serializer_class = OutboundMessageSerializer
    pagination_class = None
    filter_backends = []
    queryset = OutboundMessage.objects.none()

    @extend_schema(
        summary="Messages sent (or queued) about a ticket, newest first",
        description="Back office, and field staff who can see the ticket. Each message "
        "shows its delivery state: queued, sending, sent, failed (gave up) or cancelled, "
        "with attempts, next attempt and last error.",
        responses={200: OutboundMessageSerializer(many=True)},
    )
    def get(self, request, ticket_id):
        from aftersales.service.access import visible_requests

        ticket = get_object_or_404(visible_requests(request.user), pk=ticket_id)
        if not services.can_read_messages(request.user, ticket):
            raise PermissionDenied(_("Customers cannot read the messages log of a request."))
        rows = selectors.messages_for_request(ticket)
        return Response(OutboundMessageSerializer(rows, many=True).data, status=status.HTTP_200_OK)
