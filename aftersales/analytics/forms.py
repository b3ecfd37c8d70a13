"""The filter bar of the quality pages and the API: GET parameters → `KpiFilter`."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Team
from aftersales.analytics import kpis
from aftersales.catalog.models import Category, Product
from aftersales.field.models import ServiceCenter, Technician
from aftersales.service.choices import Channel
from aftersales.sla.models import TIER_LABELS

DEFAULT_DAYS = 90


class KpiFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(Team.objects.order_by("name"), label=_("Team"), required=False)
    center = forms.ModelChoiceField(
        ServiceCenter.objects.order_by("code"), label=_("Service center"), required=False
    )
    center_kind = forms.ChoiceField(
        label=_("Own or partner"),
        required=False,
        choices=[("", _("All centers")), *ServiceCenter.Kind.choices],
    )
    technician = forms.ModelChoiceField(
        Technician.objects.select_related("user").order_by("user__username"),
        label=_("Technician"),
        required=False,
    )
    category = forms.ModelChoiceField(
        Category.objects.order_by("code"), label=_("Product category"), required=False
    )
    product = forms.ModelChoiceField(
        Product.objects.order_by("sku"), label=_("Model"), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )
    city_tier = forms.ChoiceField(
        label=_("City tier"),
        required=False,
        choices=[("", _("All cities")), *((k, v) for k, v in TIER_LABELS.items())],
    )
    period = forms.ChoiceField(
        label=_("Trend by"),
        required=False,
        choices=[("week", _("Week")), ("month", _("Month"))],
    )

    def __init__(self, data=None, *, scoped: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        if scoped:  # a technician's or partner's own scorecard: only the period is theirs
            for name in ("team", "center", "center_kind", "technician"):
                del self.fields[name]
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else ("form-control form-control-sm")
            )

    def shown(self, flt: kpis.KpiFilter) -> "KpiFilterForm":
        """The form to show: as asked, with the period actually used filled in."""
        if self.is_bound and not self.is_valid():
            return self
        data = self.data.copy() if self.is_bound else {}
        data["start"], data["end"] = flt.start.isoformat(), flt.end.isoformat()
        shown = KpiFilterForm(data, scoped="team" not in self.fields)
        shown.is_valid()
        return shown

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The first day comes after the last one."))
        return data

    def to_filter(self) -> kpis.KpiFilter:
        """The filter the form asks for; the last 90 days when no period is given."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=DEFAULT_DAYS - 1)

        def pk(name):
            value = data.get(name)
            return value.pk if value is not None else None

        return kpis.KpiFilter(
            start=start,
            end=end,
            team=pk("team"),
            center=pk("center"),
            technician=pk("technician"),
            category=pk("category"),
            product=pk("product"),
            channel=data.get("channel") or "",
            city_tier=data.get("city_tier") or "",
            center_kind=data.get("center_kind") or "",
        )

    @property
    def trend_period(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("period") or "week"
