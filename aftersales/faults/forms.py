"""The filters of every fault table (period, category, model, batch), shared by the page,
its downloads and the API; and the number a drill-down list opens (`DrilldownForm`)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Category, FaultCode, Product, SparePart
from aftersales.core.forms import DateInput, Form
from aftersales.faults import selectors
from aftersales.faults.selectors import Scope, default_period
from aftersales.service.models import ServiceRequest


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


class DrilldownForm(FaultFilterForm):
    """The scope of /faults/ plus which number's requests to list: a fault code's, a
    component's (`component=` with nothing after it is the row "component not given"),
    a part's, or else the scope's failures, i.e. a model's or batch's failures when
    `product` (and `batch`) narrow the scope; `early` keeps the early failures only,
    `purchase_unknown` the failures of units without a purchase date (their batch row)."""

    code = forms.ModelChoiceField(FaultCode.objects.all(), label=_("Fault code"), required=False)
    component = forms.CharField(
        label=_("Component"),
        required=False,
        max_length=100,
        strip=False,  # as stored
    )
    part = forms.ModelChoiceField(SparePart.objects.all(), label=_("Part"), required=False)
    early = forms.BooleanField(label=_("Early failures only"), required=False)
    purchase_unknown = forms.BooleanField(label=_("Purchase date unknown"), required=False)

    def clean(self):
        values = super().clean()
        if "component" not in self.data:  # absent, not "the blank component"
            values["component"] = None
        chosen = [n for n in ("code", "component", "part") if values.get(n) is not None]
        if len(chosen) > 1:
            raise forms.ValidationError(_("Open one number: a fault code, a component or a part."))
        if chosen and (values.get("early") or values.get("purchase_unknown")):
            raise forms.ValidationError(
                _("Early failures and unknown purchase dates go with a model's failures only.")
            )
        if values.get("purchase_unknown") and values.get("batch"):
            self.add_error("batch", _("A batch is a purchase month: leave it out here."))
        return values

    def requests(self):
        """The requests behind the number asked for (none when the form is invalid: showing
        more would pass for the number's requests); call after `is_valid()`."""
        if not self.is_valid():
            return ServiceRequest.objects.none()
        values = self.cleaned_data
        return selectors.requests_behind(
            self.scope(),
            code=values["code"].pk if values["code"] else None,
            component=values["component"],
            part=values["part"].pk if values["part"] else None,
            early=values["early"],
            unknown_batch=values["purchase_unknown"],
        )
