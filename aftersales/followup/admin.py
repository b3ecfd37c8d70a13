from django.contrib import admin

from aftersales.followup.models import FollowUp, FollowUpAttempt, FollowUpRule


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "plan", "days", "method", "active"]
    list_filter = ["active", "method", "kind"]


class AttemptInline(admin.TabularInline):
    model = FollowUpAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["result", "note", "at", "by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["request", "due_at", "status", "attempts", "solved", "satisfaction"]
    list_filter = ["status", "method"]
    search_fields = ["request__number"]
    raw_id_fields = ["request", "visit", "assignee", "completed_by"]
    readonly_fields = ["attempts", "solved", "satisfaction", "comments", "completed_at",
                       "completed_by", "version"]  # fmt: skip
    inlines = [AttemptInline]
