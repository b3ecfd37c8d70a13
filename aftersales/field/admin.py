from django.contrib import admin

from aftersales.field.models import ServiceCenter


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "city", "active"]
    list_filter = ["kind", "active", "province"]
    search_fields = ["code", "name", "city"]
