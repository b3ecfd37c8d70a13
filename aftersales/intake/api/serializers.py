from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.core.errors import DomainError
from aftersales.intake import services
from aftersales.intake.models import InboundMessage


class HelpRequestSerializer(serializers.Serializer):
    """What a company website's own help form posts (JSON, or multipart with photos)."""

    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    serial_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    description = serializers.CharField(max_length=5000)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list,
        help_text=_("Photos (multipart); each checked for type and size."),
    )  # fmt: skip
    website = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=_("Honeypot: a form's hidden field people leave empty."),
    )  # fmt: skip

    def validate_photos(self, value):
        try:
            services.check_photo_count(len(value))
        except DomainError as error:
            raise serializers.ValidationError(error.message) from None
        return value


class HelpRequestCreatedSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("The request's number, to tell the customer."))
    created = serializers.BooleanField(
        help_text=_("False when the same Idempotency-Key already made this request.")
    )


class InboundMessageSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", default=None, read_only=True)

    class Meta:
        model = InboundMessage
        fields = [
            "id", "provider", "message_id", "sender", "kind", "body", "data", "outcome",
            "customer", "request", "request_number", "sent_at", "received_at",
        ]  # fmt: skip
        read_only_fields = fields


class DeflectionRowSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    title = serializers.CharField()
    source = serializers.CharField()
    source_label = serializers.CharField()
    count = serializers.IntegerField()


class DeflectionReportSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    rows = DeflectionRowSerializer(many=True)
    totals = serializers.DictField(child=serializers.IntegerField())
