from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ApiToken, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "service_center", "is_active"]
    list_filter = ["role", "is_active", "service_center", "teams"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    autocomplete_fields = ["customer"]
    raw_id_fields = ["contact"]
    readonly_fields = ["invited_at"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("aftersales"),
            {
                "fields": (
                    "role", "phone", "teams", "service_center", "customer", "contact",
                    "invited_at", "language", "time_zone",
                )
            },
        ),
    )  # fmt: skip
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("aftersales"), {"fields": ("role", "service_center", "customer")}),
    )

    def has_delete_permission(self, request, obj=None):
        # People who wrote history are deactivated, never deleted.
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "lead"]
    search_fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be seen (by prefix) and revoked here; they are created through the API."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at"]
    search_fields = ["user__username", "prefix", "name"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False
