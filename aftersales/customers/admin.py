from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin
from aftersales.customers.models import Contact, Customer


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "title", "phone", "email", "is_primary"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    """Customers are created and edited on their own pages, where history is kept."""

    list_display = ["name", "kind", "phone", "province", "city", "created_at"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "phone", "phone_normalized", "email"]
    inlines = [ContactInline]
