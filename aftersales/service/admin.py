from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin
from aftersales.service.models import ServiceRequest, TimelineEvent


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    fields = ["created_at", "kind", "visibility", "actor", "body"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    """Requests move only through the workflow on their page or the API."""

    list_display = [
        "number",
        "subject",
        "customer",
        "status",
        "priority",
        "assignee",
        "received_at",
    ]
    list_filter = ["status", "priority", "channel", "kind"]
    search_fields = ["number", "subject", "customer__name"]
    list_select_related = ["customer", "assignee"]
    date_hierarchy = "received_at"
    inlines = [TimelineInline]
