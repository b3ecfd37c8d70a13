from django.contrib import admin

from aftersales.assets.models import Unit
from aftersales.core.admin import ReadOnlyAdmin


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    """Units are registered and edited on their own pages, where history is kept."""

    list_display = ["serial_number", "product", "customer", "purchased_on", "status"]
    list_filter = ["status", "product__category"]
    search_fields = ["serial_number", "invoice_number", "customer__name"]
    list_select_related = ["product", "customer"]
