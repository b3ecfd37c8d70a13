from rest_framework import serializers

from aftersales.inbox.models import InboundMail, Mailbox


class MailboxSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mailbox
        fields = [
            "id", "address", "name", "team", "language", "default_kind", "active", "is_default",
            "imap_host", "imap_port", "imap_ssl", "imap_user", "imap_folder", "imap_password_env",
            "imap_uidvalidity", "imap_last_uid", "last_polled_at", "last_error", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "imap_uidvalidity", "imap_last_uid", "last_polled_at", "last_error",
            "created_at", "updated_at",
        ]  # fmt: skip
        # The service checks the address (any case) and says so in words.
        extra_kwargs = {"address": {"validators": []}}


class InboundMailSerializer(serializers.ModelSerializer):
    mailbox_address = serializers.CharField(source="mailbox.address", read_only=True)
    request = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = InboundMail
        fields = [
            "id", "mailbox", "mailbox_address", "message_id", "from_address", "from_name",
            "subject", "received_at", "outcome", "request", "outbound", "flagged", "note",
            "raw_size",
        ]  # fmt: skip
        read_only_fields = fields
