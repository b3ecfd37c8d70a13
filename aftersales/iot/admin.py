"""Readings, states and alarms are written by ingestion only: the admin shows them; rules
are edited on /monitoring/ (their checks live in `services.save_rule`)."""

from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin
from aftersales.iot.models import Alarm, MonitorRule, Telemetry, UnitState


@admin.register(Telemetry)
class TelemetryAdmin(ReadOnlyAdmin):
    list_display = ["unit", "at", "metrics", "codes", "received_at"]
    list_select_related = ["unit"]
    date_hierarchy = "at"
    search_fields = ["unit__serial_number"]
    show_full_result_count = False


@admin.register(UnitState)
class UnitStateAdmin(ReadOnlyAdmin):
    list_display = ["unit", "last_seen_at", "metrics", "codes"]
    list_select_related = ["unit"]
    search_fields = ["unit__serial_number"]


@admin.register(MonitorRule)
class MonitorRuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "product", "kind", "metric", "threshold", "code", "minutes", "action",
                    "active"]  # fmt: skip
    list_filter = ["kind", "action", "active"]


@admin.register(Alarm)
class AlarmAdmin(ReadOnlyAdmin):
    list_display = ["unit", "rule", "request", "raised_at", "cleared_at"]
    list_select_related = ["unit", "rule", "request"]
    list_filter = ["rule"]
