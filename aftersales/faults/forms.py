"""The filters of every fault table (period, category, model, batch), shared by the page,
its downloads and the API."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Category, Product
from aftersales.core.forms import DateInput, Form
from aftersales.faults.selectors import Scope, default_period


class MonthInput(forms.TextInput):
    input_type = "month"


class FaultFilterForm(Form):
    date_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Received until"), required=False, widget=DateInput())
    category = forms.ModelChoiceField(
        Category.objects.all(), label=_("Product category"), required=False,
        empty_label=_("Any"),
    )  # fmt: skip
    product = forms.ModelChoiceField(
        Product.objects.select_related("category"), label=_("Product model"), required=False,
        empty_label=_("Any"),
    )  # fmt: skip
    batch = forms.CharField(
        label=_("Batch (purchase month)"), required=False, widget=MonthInput(),
        help_text=_("Units bought in this month, e.g. 2026-03."),
    )  # fmt: skip

    def clean_batch(self):
        raw = (self.cleaned_data.get("batch") or "").strip()
        if not raw:
            return None
        try:
            return datetime.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter the month as YYYY-MM, e.g. 2026-03.")) from None

    def clean(self):
        values = super().clean()
        start, end = values.get("date_from"), values.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The period ends before it starts."))
        return values

    def scope(self) -> Scope:
        """The scope asked for (the last 12 months when no dates are given); call after
        `is_valid()`; an invalid form gives the default scope."""
        values = self.cleaned_data if self.is_bound and self.is_valid() else {}
        date_from, date_to = default_period()
        end = values.get("date_to") or date_to
        start = values.get("date_from") or min(date_from, end)
        if values.get("date_to") and not values.get("date_from"):
            start = end - (date_to - date_from)
        return Scope(
            date_from=start,
            date_to=end,
            category=values.get("category"),
            product=values.get("product"),
            batch=values.get("batch"),
        )
