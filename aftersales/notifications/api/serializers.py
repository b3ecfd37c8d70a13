"""JSON shapes of message templates and outbox messages."""

from rest_framework import serializers

from aftersales.notifications.models import MessageTemplate, OutboundMessage


class MessageTemplateSerializer(serializers.ModelSerializer):
    updated_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = MessageTemplate
        fields = [
            "id",
            "event",
            "channel",
            "language",
            "subject",
            "body",
            "active",
            "updated_at",
            "updated_by",
        ]
        read_only_fields = ["id", "updated_at", "updated_by"]
        # Uniqueness is checked by the service, with a message a person can act on.
        validators = []


class MessageTemplateUpdateSerializer(MessageTemplateSerializer):
    class Meta(MessageTemplateSerializer.Meta):
        read_only_fields = ["id", "event", "channel", "language", "updated_at", "updated_by"]


class OutboundMessageSerializer(serializers.ModelSerializer):
    recipient = serializers.SerializerMethodField()

    class Meta:
        model = OutboundMessage
        fields = [
            "id",
            "event",
            "channel",
            "to_address",
            "recipient",
            "language",
            "subject",
            "body",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "sent_at",
            "provider_id",
            "created_at",
        ]
        read_only_fields = fields

    def get_recipient(self, message) -> str:
        return str(message.recipient) if message.recipient is not None else ""
