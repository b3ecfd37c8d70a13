"""JSON shapes of complaints, opening one, and each step."""

from rest_framework import serializers

from aftersales.complaints.models import ApologyHow, Complaint, ComplaintEvent, RootCause, Severity
from aftersales.service.choices import Channel


class ComplaintEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = ComplaintEvent
        fields = ["action", "actor", "created_at", "body", "data"]


class ComplaintSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="request.number", read_only=True)
    subject = serializers.CharField(source="request.subject", read_only=True)
    status = serializers.CharField(source="request.status", read_only=True)
    priority = serializers.CharField(source="request.priority", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    response_due_at = serializers.DateTimeField(source="request.response_due_at", read_only=True)
    resolution_due_at = serializers.DateTimeField(
        source="request.resolution_due_at", read_only=True
    )
    about_request = serializers.CharField(
        source="about_request.number", read_only=True, default=None
    )
    about_product = serializers.CharField(source="about_product.sku", read_only=True, default=None)
    previous = serializers.CharField(source="previous.request.number", read_only=True, default=None)
    apology_how = serializers.CharField(
        read_only=True, help_text="How the apology was made: call, message or visit."
    )
    apology_by = serializers.StringRelatedField()
    cause_by = serializers.StringRelatedField()
    signed_off_by = serializers.StringRelatedField()
    events = ComplaintEventSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "number",
            "request",
            "subject",
            "status",
            "priority",
            "severity",
            "customer",
            "customer_name",
            "repeat",
            "previous",
            "about_request",
            "about_visit",
            "about_technician",
            "about_product",
            "response_due_at",
            "resolution_due_at",
            "first_contact_at",
            "apology_at",
            "apology_by",
            "apology_how",
            "root_cause",
            "root_cause_detail",
            "corrective_action",
            "cause_at",
            "cause_by",
            "signed_off_at",
            "signed_off_by",
            "sign_off_note",
            "created_at",
            "version",
            "events",
        ]
        read_only_fields = fields


class OpenSerializer(serializers.Serializer):
    customer = serializers.IntegerField(
        required=False, help_text="The customer's id; not needed with about_request."
    )
    about_request = serializers.CharField(
        required=False, allow_blank=True, help_text="Number of the request complained about."
    )
    about_visit = serializers.IntegerField(required=False, allow_null=True)
    about_technician = serializers.IntegerField(required=False, allow_null=True)
    about_product = serializers.CharField(
        required=False, allow_blank=True, help_text="SKU of the product complained about."
    )
    severity = serializers.ChoiceField(choices=Severity.choices)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    apologised = serializers.BooleanField(
        default=False, help_text="The apology was made on this contact (a call)."
    )
    apology_note = serializers.CharField(required=False, allow_blank=True, default="")


class ApologySerializer(serializers.Serializer):
    how = serializers.ChoiceField(choices=ApologyHow.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    first_contact_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class CauseSerializer(serializers.Serializer):
    root_cause = serializers.ChoiceField(choices=RootCause.choices)
    detail = serializers.CharField(required=False, allow_blank=True, default="")
    corrective_action = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class SignOffSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AdoptSerializer(serializers.Serializer):
    request = serializers.CharField(help_text="Number of a request of kind complaint.")
    severity = serializers.ChoiceField(choices=Severity.choices)
