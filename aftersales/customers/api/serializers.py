from django.utils.translation import gettext as _
from rest_framework import serializers

from aftersales.customers.models import Contact, Customer
from aftersales.customers.services import EDITABLE_FIELDS
from aftersales.service import access


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "role", "title", "phone", "email", "is_primary"]
        read_only_fields = ["id"]


class CustomerSerializer(serializers.ModelSerializer):
    """A customer as every caller reads it; internal notes only for staff."""

    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "kind",
            "phone",
            "email",
            "province",
            "city",
            "district",
            "address",
            "language",
            "notes",
            "contacts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not access.sees_internal(request.user):
            data.pop("notes", None)
        return data


class CustomerWriteSerializer(serializers.ModelSerializer):
    """What a back-office user may set on a customer; contacts only when creating."""

    contacts = ContactSerializer(many=True, required=False)

    class Meta:
        model = Customer
        fields = [*EDITABLE_FIELDS, "contacts"]

    def validate(self, attrs):
        if self.partial and "contacts" in attrs:
            raise serializers.ValidationError(
                {"contacts": [_("Add contacts with POST /api/v1/customers/{id}/contacts/.")]}
            )
        return attrs
