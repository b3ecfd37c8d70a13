"""Badges for contracts and claims, and the cover card of a unit's page.

{% contract_badge contract.status %}, {% claim_badge claim.status %},
{% unit_cover unit as cover %}: the unit's extended warranties and contracts, and the form
to add an extended warranty for those who may.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from aftersales.warranty import services
from aftersales.warranty.dates import add_months
from aftersales.warranty.decision import policy_for
from aftersales.warranty.forms import ExtendedWarrantyForm
from aftersales.warranty.models import ClaimStatus, ContractStatus

register = template.Library()

CONTRACT_COLOURS = {
    ContractStatus.QUOTE: "info",
    ContractStatus.ACCEPTED: "primary",
    ContractStatus.ACTIVE: "success",
    ContractStatus.EXPIRED: "secondary",
    ContractStatus.RENEWED: "light",
    ContractStatus.DECLINED: "light",
    ContractStatus.CANCELLED: "dark",
}
CLAIM_COLOURS = {
    ClaimStatus.OPEN: "warning",
    ClaimStatus.SUBMITTED: "info",
    ClaimStatus.ACCEPTED: "primary",
    ClaimStatus.PAID: "success",
    ClaimStatus.REJECTED: "dark",
}


def _badge(colour: str, value: str, label) -> str:
    text = "text-dark border" if colour == "light" else ""
    return format_html(
        '<span class="badge text-bg-{} {}" data-status="{}">{}</span>', colour, text, value, label
    )


@register.simple_tag
def contract_badge(status: str):
    label = ContractStatus(status).label if status in ContractStatus.values else status
    return _badge(CONTRACT_COLOURS.get(status, "secondary"), status, label)


@register.simple_tag
def claim_badge(status: str):
    label = ClaimStatus(status).label if status in ClaimStatus.values else status
    return _badge(CLAIM_COLOURS.get(status, "secondary"), status, label)


@register.filter
def event_label(kind: str) -> str:
    return str(services.EventKind(kind).label) if kind in services.EventKind.values else kind


def _suggested_start(unit) -> datetime.date:
    """Extended cover usually starts the day after the repair warranty ends."""
    start = unit.warranty_starts_on or unit.purchased_on
    if start is None:
        return timezone.localdate()
    return add_months(start, policy_for(unit.product).repair_months) + datetime.timedelta(days=1)


@register.simple_tag(takes_context=True)
def unit_cover(context, unit):
    """What the cover card of `unit` shows; a bound form with errors is taken from the
    context (`extended_form`) when the card is drawn again after a refused add."""
    user = context.get("user")
    today = timezone.localdate()
    can_add = services.can_add_extended(user)
    form = context.get("extended_form")
    if form is None and can_add:
        form = ExtendedWarrantyForm(
            initial={"starts_on": _suggested_start(unit)}, auto_id="id_ew_%s"
        )
    return {
        "extended": list(unit.extended_warranties.all()),
        "contracts": list(services.contracts_for_unit(unit)),
        "today": today,
        "can_add": can_add,
        "can_read": services.can_read(user),
        "form": form,
    }
