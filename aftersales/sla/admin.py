"""Admin for SLA data, checked by the same rules as the pages (`services.check_*`).

Calendars (with their hours and entered days), city tiers and policies (with their targets)
may be edited here; the configuration version is internal and read-only.
"""

from django import forms
from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin
from aftersales.core.forms import show_error
from aftersales.sla import services
from aftersales.sla.forms import CollectingModelForm
from aftersales.sla.models import (
    BusinessCalendar,
    CalendarDay,
    CityTier,
    ConfigVersion,
    SlaPolicy,
    SlaTarget,
    WorkingPeriod,
)


class CheckedForm(CollectingModelForm):
    """An admin form whose instance is checked by a service's `check_*` before saving."""

    # Keys of the service's errors that the inline rows check instead.
    inline_keys: tuple[str, ...] = ()

    def check(self, instance) -> None:
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.check(self.instance)
        except forms.ValidationError as error:
            if hasattr(error, "error_dict"):
                rest = {k: v for k, v in error.error_dict.items() if k not in self.inline_keys}
                if not rest:
                    return
                error = forms.ValidationError(rest)
            show_error(self, error)


class CalendarAdminForm(CheckedForm):
    inline_keys = ("periods",)  # checked with the inline rows, which may change with it

    def check(self, instance):
        services.check_calendar(instance, periods=[])


class PeriodFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        periods = [
            services.Period(
                form.cleaned_data["weekday"], form.cleaned_data["starts"], form.cleaned_data["ends"]
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = services.check_periods(self.instance, periods)
        if problems:
            raise forms.ValidationError(problems)


class PeriodInline(admin.TabularInline):
    model = WorkingPeriod
    formset = PeriodFormSet
    extra = 0


class DayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(BusinessCalendar)
class CalendarAdmin(admin.ModelAdmin):
    form = CalendarAdminForm
    list_display = ["name", "code", "time_zone", "always_open", "use_china_holidays"]
    search_fields = ["name", "code"]
    inlines = [PeriodInline, DayInline]


class CityTierAdminForm(CheckedForm):
    def check(self, instance):
        services.check_city_tier(instance)


@admin.register(CityTier)
class CityTierAdmin(admin.ModelAdmin):
    form = CityTierAdminForm
    list_display = ["city", "tier"]
    list_filter = ["tier"]
    search_fields = ["city"]


class PolicyAdminForm(CheckedForm):
    inline_keys = ("targets",)  # checked with the inline rows, which may change with it

    def check(self, instance):
        services.check_policy(instance, targets=[])


class TargetFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        targets = [
            services.Target(
                form.cleaned_data["priority"],
                form.cleaned_data["response_minutes"],
                form.cleaned_data["resolution_minutes"],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = services.check_targets(self.instance, targets)
        if problems:
            raise forms.ValidationError(problems)


class TargetInline(admin.TabularInline):
    model = SlaTarget
    formset = TargetFormSet
    extra = 0


@admin.register(SlaPolicy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = ["name", "plan", "calendar", "active"]
    list_select_related = ["plan", "calendar"]
    inlines = [TargetInline]


@admin.register(ConfigVersion)
class ConfigVersionAdmin(ReadOnlyAdmin):
    list_display = ["token"]
