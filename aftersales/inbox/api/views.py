"""`/api/v1/inbox/mailboxes/` (the back office reads, managers create, change and
delete unused ones) and `/api/v1/inbox/mails/` (the log of received mail, read-only,
`?mailbox=&outcome=&flagged=1&request=SR-…&q=`; `…/{id}/raw/` the message as received).
Thin: the rules are in `aftersales.inbox.services`."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.inbox import selectors, services
from aftersales.inbox.api.serializers import InboundMailSerializer, MailboxSerializer
from aftersales.inbox.models import Mailbox


class MayRead(permissions.BasePermission):
    message = _("Only the back office may see the mailboxes.")

    def has_permission(self, request, view):
        return services.can_read(request.user)


class MailboxViewSet(viewsets.ModelViewSet):
    serializer_class = MailboxSerializer
    permission_classes = [permissions.IsAuthenticated, MayRead]

    def get_queryset(self):
        return Mailbox.objects.select_related("team").order_by("address")

    def _save(self, mailbox, data, partial=False):
        serializer = self.get_serializer(mailbox, data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(mailbox, name, value)
        services.save_mailbox(mailbox, actor=self.request.user)
        return self.get_serializer(mailbox).data

    def create(self, request, *args, **kwargs):
        services.check_manage(request.user)
        return Response(self._save(Mailbox(), request.data), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        services.check_manage(request.user)
        return Response(self._save(self.get_object(), request.data, partial=partial))

    def destroy(self, request, *args, **kwargs):
        services.delete_mailbox(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MailViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InboundMailSerializer
    permission_classes = [permissions.IsAuthenticated, MayRead]

    def get_queryset(self):
        return selectors.mails(self.request.query_params)

    @extend_schema(summary="The message as it was received (message/rfc822)",
                   responses={(200, "message/rfc822"): OpenApiTypes.BINARY})  # fmt: skip
    @action(detail=True, methods=["get"])
    def raw(self, request, pk=None):
        mail = self.get_object()
        try:
            handle = mail.raw.open("rb")
        except OSError as error:
            raise Http404 from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"mail-{mail.pk}.eml",
            content_type="message/rfc822",
        )
