"""Admin for stock: locations and reorder points are kept here; the ledger, levels,
reservations, parts used and faulty parts are read-only (they change through the pages
and the API, so their rules and history apply)."""

from django.contrib import admin

from aftersales.parts.models import (
    DefectivePart,
    PartUsage,
    ReorderRule,
    Reservation,
    StockLevel,
    StockLocation,
    StockMove,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockLocation)
class StockLocationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "center", "technician", "active"]
    list_filter = ["kind", "active", "center"]
    search_fields = ["code", "name"]
    list_select_related = ["center", "technician__user"]
    raw_id_fields = ["technician"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReorderRule)
class ReorderRuleAdmin(admin.ModelAdmin):
    list_display = ["location", "part", "minimum", "target"]
    list_filter = ["location"]
    search_fields = ["part__part_number", "part__name", "location__code"]
    list_select_related = ["location", "part"]
    raw_id_fields = ["part"]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["location", "part", "on_hand", "reserved", "updated_at"]
    list_filter = ["location__kind", "location"]
    search_fields = ["part__part_number", "part__name", "location__code"]
    list_select_related = ["location", "part"]


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "kind",
        "part",
        "quantity",
        "from_location",
        "to_location",
        "request",
        "actor",
    ]
    list_filter = ["kind", "at"]
    search_fields = ["part__part_number", "request__number", "reference"]
    list_select_related = ["part", "from_location", "to_location", "request", "actor"]
    date_hierarchy = "at"


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "part", "quantity", "location", "source", "status", "request"]
    list_filter = ["status"]
    search_fields = ["part__part_number", "request__number"]
    list_select_related = ["part", "location", "source", "request"]


@admin.register(PartUsage)
class PartUsageAdmin(ReadOnlyAdmin):
    list_display = ["at", "request", "part", "quantity", "location", "is_consumable", "chargeable"]
    list_filter = ["is_consumable", "chargeable"]
    search_fields = ["part__part_number", "request__number"]
    list_select_related = ["request", "part", "location"]


@admin.register(DefectivePart)
class DefectivePartAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "part",
        "serial_number",
        "request",
        "center",
        "status",
        "vendor_claim",
    ]
    list_filter = ["status", "center"]
    search_fields = ["part__part_number", "serial_number", "request__number"]
    list_select_related = ["part", "request", "center", "vendor_claim"]
