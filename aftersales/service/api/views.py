"""`/api/v1/tickets/`: service requests through the API.

Thin on purpose: each endpoint validates the input's shape, then calls one function of
`aftersales.service.services`, which checks who may do what and writes the timeline.
A ticket the caller cannot see is 404 (its number does not leak); one they can see but
may not change is 403 with the reason.
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from aftersales.accounts.roles import Role
from aftersales.core.idempotency import run_once
from aftersales.core.uploads import INLINE_TYPES
from aftersales.service import access, services
from aftersales.service.api.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    AvailableTransitionSerializer,
    CallSerializer,
    CommentSerializer,
    TicketCreateSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
    TimelineEventSerializer,
    TransitionSerializer,
    lean_ticket_input,
)
from aftersales.service.choices import Visibility
from aftersales.service.filters import DEFAULT_SORT, SORTS, ServiceRequestFilter, sort_requests
from aftersales.service.models import Attachment, ServiceRequest

IDEMPOTENCY_SCOPE = "tickets.create"
IDEMPOTENCY_KEY_MAX = 255

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Any unique string (e.g. a UUID) per request you mean to create. Retrying with the "
        "same key returns the request the first attempt created (200, header "
        "`Idempotent-Replayed: true`) instead of a second one; the same key with a "
        "different body is refused with 409."
    ),
)
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'The ticket\'s version as returned in its `ETag` header, e.g. `"3"`. If the ticket '
        "changed since, the call is refused with 409 and nothing is changed."
    ),
)


class TicketSortFilter(BaseFilterBackend):
    """`?sort=` one of the queue's sort keys (the same as in the web UI)."""

    param = "sort"

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        sort = request.query_params.get(self.param) or DEFAULT_SORT
        if sort not in SORTS:
            raise ValidationError(
                {
                    self.param: [
                        _("Unknown sort %(sort)s. Use one of: %(sorts)s.")
                        % {"sort": sort, "sorts": ", ".join(SORTS)}
                    ]
                }
            )
        return sort_requests(queryset, sort)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Order of the list; a leading `-` reverses it. "
                f"Default `{DEFAULT_SORT}` (newest first).",
                "schema": {"type": "string", "enum": list(SORTS), "default": DEFAULT_SORT},
            }
        ]


def _is_customer(user) -> bool:
    return user.role == Role.CUSTOMER and not user.is_back_office


def _expected_version(request, body_version: int | None) -> int | None:
    """The version the client based its change on: `If-Match` header or `version` field."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return body_version
    raw = header.removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise ValidationError(
            {"If-Match": [_('Send the ticket\'s version in quotes, e.g. If-Match: "3".')]}
        )
    if body_version is not None and int(raw) != body_version:
        raise ValidationError(
            {"version": [_("The If-Match header and the version field disagree.")]}
        )
    return int(raw)


def _payload(data):
    """The request body as plain data, to recognise a retry with the same content."""
    if hasattr(data, "getlist"):
        return {key: data.getlist(key) for key in sorted(data.keys())}
    return data


@extend_schema_view(
    list=extend_schema(
        summary="List tickets",
        description="The tickets the caller may see: back office all, technicians their own "
        "and their service center's, partner staff their center's, customers their own.",
    ),
    retrieve=extend_schema(summary="Read a ticket"),
)
class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ServiceRequest.objects.none()  # for the schema; get_queryset decides per user
    serializer_class = TicketSerializer
    filter_backends = [DjangoFilterBackend, TicketSortFilter]
    filterset_class = ServiceRequestFilter

    serializers = {
        "create": TicketCreateSerializer,
        "partial_update": TicketUpdateSerializer,
        "transition": TransitionSerializer,
        "transitions": AvailableTransitionSerializer,
        "timeline": TimelineEventSerializer,
        "comments": CommentSerializer,
        "calls": CallSerializer,
        "attachments": AttachmentUploadSerializer,
    }

    def get_serializer_class(self):
        return self.serializers.get(self.action, TicketSerializer)

    def get_queryset(self):
        queryset = ServiceRequest.objects.select_related(
            "customer", "unit", "assignee"
        ).prefetch_related("fault_codes")
        return access.visible_requests(self.request.user, queryset)

    def _input(self, serializer_class, data, **context):
        serializer = serializer_class(
            data=data, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _ticket(self, ticket, **kwargs):
        response = Response(
            TicketSerializer(ticket, context=self.get_serializer_context()).data, **kwargs
        )
        response["ETag"] = f'"{ticket.version}"'
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._ticket(self.get_object())

    @extend_schema(
        summary="Open a ticket",
        description="Staff open tickets for any customer; a customer's login always opens "
        "for its own customer (routing fields are ignored). `channel` defaults to `api`.",
        parameters=[IDEMPOTENCY_HEADER],
        request=TicketCreateSerializer,
        responses={
            201: TicketSerializer,
            200: OpenApiResponse(TicketSerializer, description="Replay of an Idempotency-Key."),
            409: OpenApiResponse(description="The Idempotency-Key was used for another body."),
        },
    )
    def create(self, request, *args, **kwargs):
        data = request.data
        if _is_customer(request.user) and isinstance(data, dict):
            data = data.copy()
            data["customer"] = request.user.customer_id

        def make():
            fields = lean_ticket_input(data, request.user)
            if fields is None:
                fields = self._input(TicketCreateSerializer, data)
            return services.create_request(actor=request.user, **fields)

        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            ticket, created = make(), True
        else:
            if len(key) > IDEMPOTENCY_KEY_MAX:
                raise ValidationError(
                    {
                        "Idempotency-Key": [
                            _("The Idempotency-Key may be at most %(max)s characters long.")
                            % {"max": IDEMPOTENCY_KEY_MAX}
                        ]
                    }
                )
            ticket, created = run_once(
                user=request.user,
                scope=IDEMPOTENCY_SCOPE,
                key=key,
                payload=_payload(request.data),
                create=make,
                load=lambda pk: get_object_or_404(self.get_queryset(), pk=pk),
            )
        response = self._ticket(
            ticket, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
        response["Location"] = request.build_absolute_uri(
            reverse("ticket-detail", args=[ticket.pk])
        )
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(
        summary="Change a ticket's details",
        description="Only the fields sent are changed, each as the caller's role allows "
        "(403 names the ones refused). The status changes only through `transition/`. "
        "Send the version you read (`If-Match` or `version`) to be told, with 409, when "
        "someone else changed the ticket meanwhile.",
        parameters=[IF_MATCH_HEADER],
        request=TicketUpdateSerializer,
        responses={200: TicketSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        changes = self._input(TicketUpdateSerializer, request.data, ticket=ticket)
        changes.pop("status", None)
        expected = _expected_version(request, changes.pop("version", None))
        ticket = services.update_request(
            ticket, actor=request.user, expected_version=expected, **changes
        )
        return self._ticket(ticket)

    @extend_schema(
        summary="Move a ticket to another status",
        description="Refused with 400 and the allowed next statuses when the workflow does "
        "not allow the move, with 403 when the caller may not make it. Resolving needs "
        "`resolution_type` and `resolution_summary`; cancelling and reopening need a `note`.",
        parameters=[IF_MATCH_HEADER],
        request=TransitionSerializer,
        responses={200: TicketSerializer},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        ticket = self.get_object()
        fields = self._input(TransitionSerializer, request.data)
        expected = _expected_version(request, fields.pop("version", None))
        ticket = services.transition(
            ticket, actor=request.user, expected_version=expected, **fields
        )
        # Answered even when the move takes the ticket out of the caller's sight (a
        # technician handing it back): they made the change, they may see its result.
        return self._ticket(ticket)

    @extend_schema(
        summary="The moves the caller may make now",
        responses={200: AvailableTransitionSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        moves = services.available_transitions(request.user, self.get_object())
        return Response(AvailableTransitionSerializer(moves, many=True).data)

    @extend_schema(
        summary="The ticket's timeline, oldest first",
        description="Customers see only what is addressed to them (no internal notes).",
        responses={200: TimelineEventSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def timeline(self, request, pk=None):
        events = services.timeline(request.user, self.get_object())
        page = self.paginate_queryset(events)
        serializer = TimelineEventSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    def _default_visibility(self, fields):
        # Staff write internal notes unless they say otherwise; customers only messages.
        return fields.get("visibility") or access.comment_visibilities(self.request.user)[0]

    @extend_schema(
        summary="Comment on a ticket",
        request=CommentSerializer,
        responses={201: TimelineEventSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def comments(self, request, pk=None):
        ticket = self.get_object()
        fields = self._input(CommentSerializer, request.data)
        event = services.add_comment(
            ticket,
            actor=request.user,
            body=fields["body"],
            visibility=self._default_visibility(fields),
        )
        return Response(
            TimelineEventSerializer(event, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Log a phone call on a ticket (internal)",
        request=CallSerializer,
        responses={201: TimelineEventSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def calls(self, request, pk=None):
        ticket = self.get_object()
        fields = self._input(CallSerializer, request.data)
        event = services.log_call(ticket, actor=request.user, **fields)
        return Response(
            TimelineEventSerializer(event, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        methods=["POST"],
        summary="Attach a file (multipart)",
        description="The file's content decides its type (photos, PDF, video, office "
        "documents, text); a wrong type or a file over the size limit is refused with 400.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @extend_schema(
        methods=["GET"],
        summary="The ticket's attachments the caller may see",
        responses={200: AttachmentSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filter_backends=[],
    )
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            attachments = self._visible_attachments(ticket)
            return Response(AttachmentSerializer(attachments, many=True, context=context).data)
        fields = self._input(AttachmentUploadSerializer, request.data)
        attachment = services.add_attachment(
            ticket,
            actor=request.user,
            upload=fields["file"],
            visibility=self._default_visibility(fields),
        )
        return Response(
            AttachmentSerializer(attachment, context=context).data, status=status.HTTP_201_CREATED
        )

    def _visible_attachments(self, ticket):
        attachments = Attachment.objects.filter(request=ticket)
        if not access.sees_internal(self.request.user):
            attachments = attachments.filter(visibility=Visibility.PUBLIC)
        return attachments

    @extend_schema(
        summary="Download an attachment",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment-file",
        filter_backends=[],
    )
    def attachment_file(self, request, pk=None, attachment_id=None):
        ticket = self.get_object()
        attachment = self._visible_attachments(ticket).filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=attachment.content_type not in INLINE_TYPES,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
