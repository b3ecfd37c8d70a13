"""What the ticket endpoints read and write. No rules here: the services decide."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from aftersales.accounts.models import Team, User
from aftersales.accounts.roles import Role
from aftersales.assets.models import Unit
from aftersales.catalog.models import FaultCode
from aftersales.core.api import CachedFieldsMixin
from aftersales.customers.models import Contact, Customer
from aftersales.field.models import ServiceCenter
from aftersales.service import access
from aftersales.service.choices import CallDirection, Channel, Diagnosis, Kind, Priority, Visibility
from aftersales.service.models import Attachment, ServiceRequest, TimelineEvent


def _user(serializer):
    return serializer.context["request"].user


class VisibleCustomerField(serializers.PrimaryKeyRelatedField):
    """A customer the caller can see; others are reported as not existing."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Customer.objects.all(), **kwargs)

    def get_queryset(self):
        return access.visible_customers(_user(self.root), super().get_queryset())


class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        # The product too: the warranty decision of a new request reads it.
        super().__init__(queryset=Unit.objects.select_related("customer", "product"), **kwargs)

    def get_queryset(self):
        return access.visible_units(_user(self.root), super().get_queryset())


class VisibleContactField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Contact.objects.all(), **kwargs)

    def get_queryset(self):
        customers = access.visible_customers(_user(self.root))
        return super().get_queryset().filter(customer__in=customers.values("pk"))


class AssignableUserField(serializers.PrimaryKeyRelatedField):
    """Active staff; whether this caller may assign them is the service's decision."""

    def __init__(self, **kwargs):
        queryset = User.objects.filter(is_active=True).exclude(role=Role.CUSTOMER)
        super().__init__(queryset=queryset, **kwargs)


class TicketSerializer(CachedFieldsMixin, serializers.ModelSerializer):
    """A service request as the API returns it. Timestamps are ISO 8601 with offset."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)
    unit_serial_number = serializers.CharField(
        source="unit.serial_number", read_only=True, default=None
    )
    assignee_name = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            "contact",
            "unit",
            "unit_serial_number",
            "channel",
            "kind",
            "subject",
            "description",
            "priority",
            "status",
            "diagnosis",
            "fault_codes",
            "assignee",
            "assignee_name",
            "team",
            "service_center",
            "received_at",
            "created_at",
            "updated_at",
            "needs_visit",
            "response_due_at",
            "resolution_due_at",
            "onsite_due_at",
            "update_due_at",
            "first_response_at",
            "arrived_at",
            "response_met",
            "resolution_met",
            "onsite_met",
            "paused_at",
            "paused_minutes",
            "sla",
            "is_overdue",
            "resolved_at",
            "closed_at",
            "resolution_type",
            "resolution_summary",
            "cancel_reason",
            "reopen_count",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_assignee_name(self, ticket) -> str | None:
        return str(ticket.assignee) if ticket.assignee_id else None

    def to_representation(self, instance):
        """The same as DRF's, with one set of bound fields for the whole process.

        DRF copies and binds every field anew for each serializer (each response, each
        ticket of a list): most of the time of writing a ticket. These fields are all
        read-only and keep nothing between calls, so they are bound once, to a serializer
        without context, and reused. Keep it that way: a field that reads `context` (the
        request) does not belong here.
        """
        cls = type(self)
        fields = cls.__dict__.get("_shared_fields")
        if fields is None:
            fields = list(cls(context={})._readable_fields)
            cls._shared_fields = fields
        data = {}
        for field in fields:
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            empty = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            data[field.field_name] = None if empty is None else field.to_representation(attribute)
        return data


class TicketFieldsMixin(serializers.Serializer):
    """The fields a ticket is created or edited with."""

    contact = VisibleContactField(required=False, allow_null=True)
    unit = VisibleUnitField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    subject = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    diagnosis = serializers.ChoiceField(choices=Diagnosis.choices, required=False)
    fault_codes = serializers.PrimaryKeyRelatedField(
        many=True, queryset=FaultCode.objects.filter(active=True), required=False
    )
    assignee = AssignableUserField(required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    service_center = serializers.PrimaryKeyRelatedField(
        queryset=ServiceCenter.objects.all(), required=False, allow_null=True
    )
    received_at = serializers.DateTimeField(
        required=False,
        help_text=_(
            "When the customer reached us; defaults to now. Deadlines count from it, so a "
            "call or email logged later is timed from when it came in."
        ),
    )
    needs_visit = serializers.BooleanField(
        required=False, help_text=_("An on-site visit is needed: starts the on-site clock.")
    )


class TicketCreateSerializer(TicketFieldsMixin):
    customer = VisibleCustomerField(
        help_text=_("Required for staff; a customer's own login always opens for itself."),
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    subject = serializers.CharField(max_length=200)


# What the lean path below reads; anything else in a body goes to the serializer.
_LEAN_TEXT = {"subject": 200, "description": None}
_LEAN_CHOICES = {
    "priority": frozenset(Priority.values),
    "kind": frozenset(Kind.values),
    "channel": frozenset(Channel.values),
}
_LEAN_KEYS = frozenset({"customer", "unit", "needs_visit", *_LEAN_TEXT, *_LEAN_CHOICES})
_SURROGATE = re.compile("[\ud800-\udfff]")


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _plain_text(value) -> bool:
    # DRF's CharField also refuses NUL and lone surrogates; those go to it.
    return isinstance(value, str) and "\x00" not in value and not _SURROGATE.search(value)


def lean_ticket_input(data, user) -> dict | None:
    """`TicketCreateSerializer(data=data).validated_data` for the usual body, at a fraction
    of the cost (DRF copies and runs a dozen fields per call); None for anything else,
    which the serializer then validates and explains. Every check the serializer makes on
    these fields is made here; where this path is unsure, it says None.

    The customer is taken from the unit when the unit is theirs and the caller may see
    every customer (the back office): the same row, without reading it twice.
    """
    if not isinstance(data, dict) or not data.keys() <= _LEAN_KEYS:
        return None
    fields = {"channel": Channel.API}
    for name, limit in _LEAN_TEXT.items():
        if name not in data:
            continue
        value = data[name]
        if not _plain_text(value):
            return None
        value = value.strip()
        if (not value and name == "subject") or (limit and len(value) > limit):
            return None
        fields[name] = value
    if "subject" not in fields:
        return None
    for name, choices in _LEAN_CHOICES.items():
        if name in data:
            if not isinstance(data[name], str) or data[name] not in choices:
                return None
            fields[name] = data[name]
    if "needs_visit" in data:
        if not isinstance(data["needs_visit"], bool):
            return None
        fields["needs_visit"] = data["needs_visit"]
    customer_id, unit_id = data.get("customer"), data.get("unit")
    if not _is_id(customer_id) or not (unit_id is None or _is_id(unit_id)):
        return None
    if "unit" in data:
        fields["unit"] = None
    if unit_id is not None:
        unit = access.visible_units(user, Unit.objects.select_related("customer", "product"))
        fields["unit"] = unit = unit.filter(pk=unit_id).first()
        if unit is None:
            return None
        if unit.customer_id == customer_id and user.is_back_office:
            fields["customer"] = unit.customer
            return fields
    customer = access.visible_customers(user, Customer.objects.all()).filter(pk=customer_id)
    fields["customer"] = customer.first()
    return fields if fields["customer"] is not None else None


class TicketUpdateSerializer(TicketFieldsMixin):
    customer = VisibleCustomerField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "The version you last read; if someone changed the request since, you get 409. "
            'The `If-Match: "<version>"` header does the same.'
        ),
    )
    status = serializers.CharField(
        required=False,
        write_only=True,
        help_text=_("Read-only here: use POST /api/v1/tickets/{id}/transition/."),
    )

    def validate_status(self, value):
        ticket = self.context["ticket"]
        if value != ticket.status:
            raise serializers.ValidationError(
                _(
                    "The status cannot be changed by editing. "
                    'Use POST /api/v1/tickets/%(id)s/transition/ with {"to": "%(status)s"}.'
                )
                % {"id": ticket.pk, "status": value}
            )
        return value


class TransitionSerializer(serializers.Serializer):
    to = serializers.CharField(help_text=_("The status to move to."))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why: required when cancelling or reopening."),
    )
    assignee = AssignableUserField(required=False, allow_null=True, default=None)
    resolution_type = serializers.CharField(required=False, allow_blank=True, default="")
    resolution_summary = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class AvailableTransitionSerializer(serializers.Serializer):
    to = serializers.CharField(source="target")
    label = serializers.CharField()
    needs_assignee = serializers.BooleanField()
    needs_resolution = serializers.BooleanField()
    needs_reason = serializers.BooleanField()


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "visibility", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment) -> str:
        request = self.context.get("request")
        path = f"/api/v1/tickets/{attachment.request_id}/attachments/{attachment.pk}/"
        return request.build_absolute_uri(path) if request is not None else path


class TimelineEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    attachment = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = [
            "id",
            "kind",
            "visibility",
            "actor",
            "actor_name",
            "created_at",
            "body",
            "data",
            "attachment",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, event) -> str | None:
        return str(event.actor) if event.actor_id else None

    @extend_schema_field(AttachmentSerializer(allow_null=True))
    def get_attachment(self, event):
        attachment = getattr(event, "attachment", None) if event.kind == "attachment" else None
        if attachment is None:
            return None
        return AttachmentSerializer(attachment, context=self.context).data


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        help_text=_("Staff default to an internal note; customers always write messages."),
    )


class CallSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="")
    direction = serializers.ChoiceField(
        choices=CallDirection.choices, default=CallDirection.INBOUND
    )
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, default=None)
    at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("When; defaults to now.")
    )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
