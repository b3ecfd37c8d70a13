"""Forms of the SLA administration. They collect input; the rules are in services."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import (
    BootstrapMixin,
    CollectingModelForm,
    DateInput,
    Form,
    TimeInput,
)
from aftersales.sla import services
from aftersales.sla.models import (
    PRIORITY_ORDER,
    BusinessCalendar,
    CityTier,
    Priority,
    SlaPolicy,
    WorkingPeriod,
)
from aftersales.warranty.models import ServicePlan

# --- Calendars ----------------------------------------------------------------------------


class CalendarForm(CollectingModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "code", "time_zone", "always_open", "use_china_holidays"]


class PeriodForm(CollectingModelForm):
    class Meta:
        model = WorkingPeriod
        fields = ["weekday", "starts", "ends"]
        widgets = {"starts": TimeInput(), "ends": TimeInput()}


class BasePeriodFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        # Overlaps are refused by the service, in the same words as the API.
        return


PeriodFormSet = forms.inlineformset_factory(
    BusinessCalendar,
    WorkingPeriod,
    form=PeriodForm,
    formset=BasePeriodFormSet,
    extra=3,
    can_delete=True,
)


def periods_from(formset) -> list[services.Period]:
    """The working periods a valid formset describes (deleted and empty rows left out)."""
    periods = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get("weekday") is None:
            continue
        if data.get("starts") is None or data.get("ends") is None:
            continue
        periods.append(services.Period(int(data["weekday"]), data["starts"], data["ends"]))
    return periods


class DayForm(Form):
    KINDS = [("off", _("Day off")), ("working", _("Working day (调休)"))]

    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, initial="off")
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("E.g. 国庆节, 调休上班.")
    )


# --- City tiers ---------------------------------------------------------------------------


class CityTierForm(CollectingModelForm):
    class Meta:
        model = CityTier
        fields = ["city", "tier"]


# --- Policies -----------------------------------------------------------------------------


class PolicyForm(CollectingModelForm):
    class Meta:
        model = SlaPolicy
        fields = [
            "name", "plan", "calendar", "pause_on_waiting_customer", "pause_on_waiting_parts",
            "warn_at_percent", "update_every_hours", "onsite_hours_tier1", "onsite_hours_other",
            "active",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = ServicePlan.objects.order_by("-rank", "code")
        self.fields["plan"].empty_label = _("— none: the default policy —")
        self.fields["calendar"].queryset = BusinessCalendar.objects.order_by("name")


def _minutes(hours: Decimal | None) -> int | None:
    if hours is None:
        return None
    return int((hours * 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class TargetForm(BootstrapMixin, forms.Form):
    """One priority's targets, entered in business hours (decimals: 0.5 is 30 minutes)."""

    priority = forms.ChoiceField(choices=Priority.choices, widget=forms.HiddenInput)
    response_hours = forms.DecimalField(
        label=_("First response (business hours)"),
        required=False,
        min_value=Decimal("0.02"),
        max_value=Decimal("100000"),
        decimal_places=2,
    )
    resolution_hours = forms.DecimalField(
        label=_("Resolution (business hours)"),
        required=False,
        min_value=Decimal("0.02"),
        max_value=Decimal("100000"),
        decimal_places=2,
    )

    def clean(self):
        data = super().clean()
        response, resolution = data.get("response_hours"), data.get("resolution_hours")
        if (response is None) != (resolution is None) and not self.errors:
            raise ValidationError(_("Enter both targets, or neither to use the default policy's."))
        return data


class BaseTargetFormSet(forms.BaseFormSet):
    def targets(self) -> list[services.Target]:
        found = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("response_hours") is None:
                continue
            found.append(
                services.Target(
                    data["priority"],
                    _minutes(data["response_hours"]),
                    _minutes(data["resolution_hours"]),
                )
            )
        return found


TargetFormSet = forms.formset_factory(
    TargetForm, formset=BaseTargetFormSet, extra=0, min_num=4, max_num=4, validate_max=True
)


def target_initial(policy: SlaPolicy) -> list[dict]:
    """One row per priority, most urgent first, with the policy's targets in hours."""
    own = {t.priority: t for t in policy.targets.all()} if policy.pk else {}
    rows = []
    for priority in PRIORITY_ORDER:
        target = own.get(priority)
        rows.append(
            {
                "priority": priority,
                "response_hours": _hours(target.response_minutes) if target else None,
                "resolution_hours": _hours(target.resolution_minutes) if target else None,
            }
        )
    return rows


def _hours(minutes: int) -> Decimal:
    if minutes % 60 == 0:
        return Decimal(minutes // 60)
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def label_targets(formset) -> None:
    """Name each row's priority for the page (rows come back in the order posted)."""
    labels = dict(Priority.choices)
    for form in formset.forms:
        form.priority_label = labels.get(form["priority"].value(), "")
