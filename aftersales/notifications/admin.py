"""Admin for notifications. Templates may be edited here, checked like on their page
(`services.check_template`); the outbox and its delivery log are read-only (retry and
cancel are on the request page and the outbox page, which keep the log)."""

from django import forms
from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin
from aftersales.core.forms import show_error
from aftersales.notifications import services
from aftersales.notifications.models import DeliveryEvent, MessageTemplate, OutboundMessage


class TemplateAdminForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["event", "channel", "language", "subject", "body", "active"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            services.check_template(self.instance)
        except forms.ValidationError as error:
            show_error(self, error)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = TemplateAdminForm
    list_display = ["event", "channel", "language", "subject", "active", "updated_at"]
    list_filter = ["event", "channel", "language", "active"]
    search_fields = ["subject", "body"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch a template off instead

    def save_model(self, request, obj, form, change):
        services.save_template(obj, actor=request.user)


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    fields = ["at", "kind", "attempt", "error", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "channel", "to_address", "status", "attempts"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["to_address", "request__number", "subject", "provider_id"]
    list_select_related = ["request"]
    inlines = [DeliveryEventInline]
