from django.contrib import admin

from aftersales.catalog.models import Category, FaultCode, Product, SparePart


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "category", "brand", "requires_installation", "active"]
    list_filter = ["category", "requires_installation", "active"]
    search_fields = ["sku", "name"]


@admin.register(SparePart)
class SparePartAdmin(admin.ModelAdmin):
    list_display = ["part_number", "name", "category", "is_consumable", "unit_price"]
    list_filter = ["category", "is_consumable"]
    search_fields = ["part_number", "name"]
    filter_horizontal = ["products"]


@admin.register(FaultCode)
class FaultCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "kind", "component", "symptom", "active"]
    list_filter = ["category", "kind", "active"]
    search_fields = ["code", "component", "symptom"]
