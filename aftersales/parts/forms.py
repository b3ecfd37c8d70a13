"""Forms of the parts pages and the request's parts panel."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import SparePart
from aftersales.core.forms import Form
from aftersales.field.models import ServiceCenter
from aftersales.parts import access, services
from aftersales.parts.models import DefectiveStatus, LocationKind, MoveKind, StockLocation


def _locations(user, *, stock_only=True):
    rows = access.visible_locations(user, StockLocation.objects.filter(active=True))
    if stock_only:
        rows = rows.exclude(kind=LocationKind.DEFECTIVE)
    return rows.select_related("center").order_by("kind", "code")


class MoveForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind of move"),
        choices=[(k, MoveKind(k).label) for k in services.DIRECT_MOVES],
    )
    part = forms.ModelChoiceField(queryset=SparePart.objects.all(), label=_("Part"))
    from_location = forms.ModelChoiceField(
        queryset=StockLocation.objects.none(),
        required=False,
        label=_("From"),
        help_text=_("Transfers, scrap and stocktakes."),
    )
    to_location = forms.ModelChoiceField(
        queryset=StockLocation.objects.none(),
        required=False,
        label=_("To"),
        help_text=_("Receipts and transfers."),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=0, help_text=_("For a stocktake: the count found.")
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=64,
        required=False,
        help_text=_("Delivery note, order number…"),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_location", "to_location"):
            self.fields[name].queryset = _locations(user)
        if not access.can_manage_stock(user):
            self.fields["kind"].choices = [(MoveKind.TRANSFER, MoveKind.TRANSFER.label)]


class ReserveForm(Form):
    part = forms.ModelChoiceField(queryset=SparePart.objects.all(), label=_("Part"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    location = forms.ModelChoiceField(
        queryset=StockLocation.objects.none(),
        label=_("Reserve at (van or center)"),
    )
    source = forms.ModelChoiceField(
        queryset=StockLocation.objects.none(),
        required=False,
        label=_("Coming from (if not there yet)"),
    )
    wait = forms.BooleanField(
        required=False, initial=True, label=_("The request waits for the part")
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(user)
        sources = StockLocation.objects.filter(active=True).exclude(kind=LocationKind.DEFECTIVE)
        if not user.is_back_office:
            sources = _locations(user)
        self.fields["source"].queryset = sources.order_by("kind", "code")
        self.fields["source"].empty_label = _("Already there")


class UseForm(Form):
    part = forms.ModelChoiceField(queryset=SparePart.objects.all(), label=_("Part"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    location = forms.ModelChoiceField(queryset=StockLocation.objects.none(), label=_("Taken from"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(user)


class FaultyForm(Form):
    part = forms.ModelChoiceField(queryset=SparePart.objects.all(), label=_("Faulty part"))
    serial_number = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    center = forms.ModelChoiceField(
        queryset=ServiceCenter.objects.none(), label=_("Kept at service center")
    )
    fault = forms.CharField(label=_("Fault found"), max_length=500, required=False)

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        centers = ServiceCenter.objects.filter(active=True)
        if not user.is_back_office:
            centers = centers.filter(pk=user.service_center_id)
        self.fields["center"].queryset = centers
        if request is not None and request.service_center_id:
            self.fields["center"].initial = request.service_center_id


class CloseDefectiveForm(Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (s, DefectiveStatus(s).label)
            for s in (DefectiveStatus.RETURNED, DefectiveStatus.SCRAPPED)
        ],
    )
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False)


class RuleForm(Form):
    part = forms.ModelChoiceField(queryset=SparePart.objects.all(), label=_("Part"))
    minimum = forms.IntegerField(label=_("Reorder point"), min_value=0)
    target = forms.IntegerField(label=_("Refill up to"), min_value=0)
