"""Admin for warranty data.

Policies, plans and supplier cover may be edited here, checked by the same rules as the
pages (`services.check_*`). Contracts, their history, extended warranties and vendor
claims change only through the pages and the API, which keep their history and check
each move: here they are read-only.
"""

from django import forms
from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin
from aftersales.core.forms import show_error
from aftersales.warranty import services
from aftersales.warranty.forms import CollectingModelForm
from aftersales.warranty.models import (
    ComponentWarranty,
    ContractEvent,
    ExtendedWarranty,
    ServiceContract,
    ServicePlan,
    SupplierWarranty,
    VendorClaim,
    WarrantyPolicy,
)


class CheckedForm(CollectingModelForm):
    """An admin form whose instance is checked by a service's `check_*` before saving."""

    def check(self, instance) -> None:
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.check(self.instance)
        except forms.ValidationError as error:
            show_error(self, error)


class PolicyAdminForm(CheckedForm):
    def check(self, instance):
        # Component terms are checked with the inline rows, which may change with it.
        services.check_policy(instance, terms=[])


class TermFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        terms = [
            services.ComponentTerm(form.cleaned_data["component"], form.cleaned_data["months"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("component")
        ]
        try:
            services.check_policy(self.instance, terms)
        except forms.ValidationError as error:
            messages = error.message_dict.get("component_terms")
            if messages:
                raise forms.ValidationError(messages) from error


class ComponentTermInline(admin.TabularInline):
    model = ComponentWarranty
    formset = TermFormSet
    extra = 1


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = [
        "name", "category", "product", "return_days", "exchange_days", "repair_months",
        "lifetime_repair",
    ]  # fmt: skip
    list_select_related = ["category", "product"]
    search_fields = ["name", "category__name", "product__name", "product__sku"]
    autocomplete_fields = ["product"]
    inlines = [ComponentTermInline]


class PlanAdminForm(CheckedForm):
    def check(self, instance):
        services.check_plan(instance)


@admin.register(ServicePlan)
class ServicePlanAdmin(admin.ModelAdmin):
    form = PlanAdminForm
    list_display = [
        "code", "name", "rank", "response_hours", "onsite_hours", "resolution_hours",
        "price", "currency", "active",
    ]  # fmt: skip
    list_filter = ["active"]
    search_fields = ["code", "name"]


class SupplierAdminForm(CheckedForm):
    def check(self, instance):
        services.check_supplier_warranty(instance)


@admin.register(SupplierWarranty)
class SupplierWarrantyAdmin(admin.ModelAdmin):
    form = SupplierAdminForm
    list_display = ["supplier", "product", "spare_part", "component", "months", "active"]
    list_filter = ["active", "counts_from"]
    list_select_related = ["product", "spare_part"]
    search_fields = ["supplier", "component", "product__name", "spare_part__name"]


class ContractEventInline(admin.TabularInline):
    model = ContractEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "body", "data"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceContract)
class ServiceContractAdmin(ReadOnlyAdmin):
    """Contracts move only through their page or the API, where each move is checked."""

    list_display = ["number", "customer", "plan", "status", "starts_on", "ends_on", "price"]
    list_filter = ["status", "plan"]
    list_select_related = ["customer", "plan"]
    search_fields = ["number", "customer__name"]
    date_hierarchy = "ends_on"
    inlines = [ContractEventInline]


@admin.register(ExtendedWarranty)
class ExtendedWarrantyAdmin(ReadOnlyAdmin):
    """Added on the unit's page or through the API, which write the unit's history."""

    list_display = ["name", "reference", "unit", "starts_on", "ends_on", "price"]
    list_select_related = ["unit"]
    search_fields = ["name", "reference", "unit__serial_number"]


@admin.register(VendorClaim)
class VendorClaimAdmin(ReadOnlyAdmin):
    """Claims are opened by resolved requests and moved on their own page or the API."""

    list_display = ["request", "supplier_warranty", "status", "amount", "currency", "reference"]
    list_filter = ["status"]
    list_select_related = ["request", "supplier_warranty"]
    search_fields = ["request__number", "supplier_warranty__supplier", "reference"]
