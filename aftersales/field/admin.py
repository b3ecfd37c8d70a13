from django.contrib import admin

from aftersales.field.models import (
    Absence,
    CenterCoverage,
    ServiceCenter,
    Technician,
    TechnicianSkill,
)


class CoverageInline(admin.TabularInline):
    model = CenterCoverage
    extra = 0


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "city", "daily_capacity", "active"]
    list_filter = ["kind", "active", "province"]
    search_fields = ["code", "name", "city"]
    raw_id_fields = ["manager"]
    inlines = [CoverageInline]


class SkillInline(admin.TabularInline):
    model = TechnicianSkill
    extra = 0
    autocomplete_fields = ["category"]


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0
    readonly_fields = ["created_by", "created_at"]


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ["user", "home_center", "phone", "active", "last_seen_at"]
    list_filter = ["active", "home_center"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    list_select_related = ["user", "home_center"]
    raw_id_fields = ["user"]
    inlines = [SkillInline, AbsenceInline]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["technician", "starts_on", "ends_on", "reason"]
    list_filter = ["reason"]
    date_hierarchy = "starts_on"
    list_select_related = ["technician__user"]
    raw_id_fields = ["technician"]
    readonly_fields = ["created_by", "created_at"]
