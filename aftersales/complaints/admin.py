"""Complaints in the admin: read-only, because every change goes through the services
(the steps, their timeline entries and the guard on the request's moves)."""

from django.contrib import admin

from aftersales.complaints.models import Complaint, ComplaintEvent


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "body", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["request", "customer", "severity", "repeat", "root_cause", "created_at",
                    "signed_off_at"]  # fmt: skip
    list_filter = ["severity", "repeat", "root_cause"]
    search_fields = ["request__number", "customer__name"]
    list_select_related = ["request", "customer"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
