from django.contrib import admin

from aftersales.portal.models import UnitRegistration


@admin.register(UnitRegistration)
class UnitRegistrationAdmin(admin.ModelAdmin):
    list_display = ("unit", "customer", "purchased_on", "invoice_name", "created_at")
    list_select_related = ("unit", "customer")
    search_fields = ("unit__serial_number", "customer__name")
    readonly_fields = [f.name for f in UnitRegistration._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
