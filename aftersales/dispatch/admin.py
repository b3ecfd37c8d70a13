"""Admin for visits and follow-up calls: read and look up; changes go through the pages
and the API so their rules and timeline entries apply."""

from django.contrib import admin

from aftersales.dispatch.models import Visit


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["id", "request", "center", "technician", "status", "day", "planned_start"]
    list_filter = ["status", "center"]
    search_fields = ["request__number", "request__customer__name", "address"]
    list_select_related = ["request", "center", "technician__user"]
    raw_id_fields = ["request", "technician", "created_by"]
    date_hierarchy = "day"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
