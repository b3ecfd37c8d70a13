"""Forms of the warranty administration. They collect input; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.assets.models import Unit
from aftersales.catalog.models import Category, Product, SparePart
from aftersales.core.forms import BootstrapMixin, CollectingModelForm, DateInput, Form
from aftersales.warranty import services
from aftersales.warranty.models import (
    ClaimStatus,
    ComponentWarranty,
    ExtendedWarranty,
    ServicePlan,
    SupplierWarranty,
    WarrantyPolicy,
)


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan: ServicePlan) -> str:
        return _("%(plan)s · %(price)s %(currency)s a year") % {
            "plan": plan.name,
            "price": plan.price,
            "currency": plan.currency,
        }


# --- Policies -----------------------------------------------------------------------------


class PolicyForm(CollectingModelForm):
    class Meta:
        model = WarrantyPolicy
        fields = [
            "name", "category", "product", "return_days", "exchange_days", "repair_months",
            "failed_repairs_for_exchange", "after_failed_repairs", "excludes_consumables",
            "excludes_customer_damage", "excludes_wear", "out_of_warranty_repair",
            "lifetime_repair", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "category": _("Leave category and product empty for the default policy."),
            "product": _("A product's own policy overrides its category's."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("name")
        self.fields["product"].queryset = Product.objects.select_related("category").order_by(
            "name"
        )


class ComponentTermForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ComponentWarranty
        fields = ["component", "months"]


class BaseTermFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        # Repeated components are refused by the service, in the same words as the API.
        return


ComponentTermFormSet = forms.inlineformset_factory(
    WarrantyPolicy,
    ComponentWarranty,
    form=ComponentTermForm,
    formset=BaseTermFormSet,
    extra=2,
    can_delete=True,
)


def terms_from(formset) -> list[services.ComponentTerm]:
    """The component terms a valid formset describes (deleted and empty rows left out)."""
    terms = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("component"):
            continue
        terms.append(services.ComponentTerm(data["component"], data["months"]))
    return terms


# --- Plans --------------------------------------------------------------------------------


class PlanForm(CollectingModelForm):
    class Meta:
        model = ServicePlan
        fields = [
            "code", "name", "rank", "response_hours", "resolution_hours", "onsite_hours",
            "pm_visits_per_year", "parts_promise", "covers_repairs", "covers_wear", "price",
            "currency", "active",
        ]  # fmt: skip


# --- Contracts ----------------------------------------------------------------------------


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return f"{unit.serial_number} · {unit.product.name}"


class ContractForm(Form):
    """A quote for one customer: the plan, the period, the price and the units."""

    plan = PlanChoiceField(label=_("Plan"), queryset=ServicePlan.objects.filter(active=True))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for one year."),
    )
    price = forms.DecimalField(
        label=_("Price"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty for the plan's yearly price, counted for the period."),
    )
    all_units = forms.BooleanField(
        label=_("All of the customer's units, also ones registered later"),
        required=False,
        initial=True,
    )
    units = UnitsField(
        label=_("Or these units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, customer=None, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        owner = customer if customer is not None else contract.customer
        self.fields["units"].queryset = owner.units.select_related("product").order_by(
            "serial_number"
        )
        if contract is not None:
            # A quote keeps the plan it was made with, also when that plan is no longer sold.
            self.fields["plan"].queryset = ServicePlan.objects.filter(
                active=True
            ) | ServicePlan.objects.filter(pk=contract.plan_id)
            self.initial.update(
                {
                    "plan": contract.plan_id,
                    "starts_on": contract.starts_on,
                    "ends_on": contract.ends_on,
                    "price": contract.price,
                    "all_units": contract.all_units,
                    "units": list(contract.units.values_list("pk", flat=True)),
                    "notes": contract.notes,
                }
            )

    def clean(self):
        data = super().clean()
        if data.get("all_units"):
            data["units"] = []
        return data


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


# --- Extended warranties --------------------------------------------------------------------


class ExtendedWarrantyForm(CollectingModelForm):
    class Meta:
        model = ExtendedWarranty
        fields = [
            "name", "reference", "starts_on", "ends_on", "covers_accidental_damage", "price",
            "currency",
        ]  # fmt: skip
        widgets = {"starts_on": DateInput, "ends_on": DateInput}


# --- Supplier cover and claims --------------------------------------------------------------


class SupplierWarrantyForm(CollectingModelForm):
    class Meta:
        model = SupplierWarranty
        fields = [
            "supplier", "product", "spare_part", "component", "months", "counts_from",
            "labour_rate", "active", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.order_by("name")
        self.fields["spare_part"].queryset = SparePart.objects.order_by("name")


class ClaimMoveForm(Form):
    to = forms.ChoiceField(label=_("New status"), choices=ClaimStatus.choices)
    reference = forms.CharField(label=_("Supplier's reference"), max_length=64, required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the claim is rejected: say why."),
    )

    def __init__(self, *args, claim=None, **kwargs):
        super().__init__(*args, **kwargs)
        if claim is not None:
            moves = services.claim_moves(claim)
            self.fields["to"].choices = [(s, ClaimStatus(s).label) for s in moves]
            self.initial.setdefault("reference", claim.reference)
            self.initial.setdefault("amount", claim.amount)
