"""Forms of the maintenance pages: a plan with its checklist edited inline."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import BootstrapMixin, CollectingModelForm
from aftersales.maintenance.models import ChecklistItem, ItemKind, MaintenancePlan


class PlanForm(CollectingModelForm):
    """The plan's fields; `services.check_plan` says what is wrong with them."""

    class Meta:
        model = MaintenancePlan
        fields = [
            "name", "product", "contract", "service_plan", "every_months", "every_hours",
            "duration_minutes", "skill", "skill_level", "active",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = self.fields["contract"].queryset.select_related("plan")
        self.fields["product"].help_text = _(
            "Choose one: a product model, a contract or a service plan."
        )


class ItemForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("what to check"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=ItemKind.choices, initial=ItemKind.CHECK)
    low = forms.DecimalField(label=_("lowest"), required=False, max_digits=12, decimal_places=3)
    high = forms.DecimalField(label=_("highest"), required=False, max_digits=12, decimal_places=3)
    unit = forms.CharField(
        label=ChecklistItem._meta.get_field("unit").verbose_name, max_length=20, required=False
    )


ItemFormSet = forms.formset_factory(ItemForm, extra=3, can_delete=True)


def item_initial(plan: MaintenancePlan | None) -> list[dict]:
    if plan is None:
        return []
    return [
        {"text": i.text, "kind": i.kind, "low": i.low, "high": i.high, "unit": i.unit}
        for i in plan.items.all()
    ]


def items_of(formset) -> list[dict]:
    """The checklist in the order shown: blank and deleted rows left out."""
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not (data.get("text") or "").strip():
            continue
        items.append({k: data.get(k) for k in ("text", "kind", "low", "high", "unit")})
    return items
