"""The quotes and charges panel of a request's page, and how their timeline events read.

`{% quote_panel obj as qp %}` gathers what `service/_quotes.html` shows, in a fixed
number of queries whatever the number of quotes and lines. The request's page is only
shown to staff who can see the request, so who may act is decided from the role here
without asking the database again.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.service import quotes
from aftersales.service.choices import EventKind
from aftersales.service.quote_forms import (
    AnswerForm,
    PayForm,
    QuoteEditForm,
    QuoteLineForm,
    WaiveForm,
    WithdrawForm,
)
from aftersales.warranty.models import (
    Charge,
    ChargeStatus,
    LineKind,
    PaymentMethod,
    Quote,
    QuoteStatus,
)

register = template.Library()

QUOTE_COLOURS = {
    QuoteStatus.DRAFT: "secondary",
    QuoteStatus.SENT: "info",
    QuoteStatus.ACCEPTED: "success",
    QuoteStatus.DECLINED: "danger",
    QuoteStatus.WITHDRAWN: "light",
}
CHARGE_COLOURS = {
    ChargeStatus.DUE: "warning",
    ChargeStatus.PAID: "success",
    ChargeStatus.WAIVED: "secondary",
}


@dataclass
class QuoteRow:
    quote: Quote
    actions: frozenset[str]
    link: str = ""
    link_expires_at: object = None

    @property
    def colour(self) -> str:
        return QUOTE_COLOURS.get(self.quote.status, "secondary")

    @property
    def answered_via_link(self) -> bool:
        return self.quote.status in quotes.DECIDED and self.quote.decided_by_id is None


@dataclass
class ChargeRow:
    charge: Charge
    waive_reason: str = ""

    @cached_property
    def pay_form(self) -> PayForm:
        return PayForm(auto_id=f"charge-{self.charge.pk}-%s")

    @cached_property
    def waive_form(self) -> WaiveForm:
        return WaiveForm(auto_id=f"charge-{self.charge.pk}-%s")

    @property
    def colour(self) -> str:
        return CHARGE_COLOURS.get(self.charge.status, "secondary")


@dataclass
class Panel:
    rows: list[QuoteRow]
    charges: list[ChargeRow]
    manage: bool
    waive: bool
    covered: bool
    can_start: bool
    chargeable: bool
    forms: dict = field(default_factory=dict)
    error: str = ""

    @property
    def open_row(self) -> QuoteRow | None:
        return next((row for row in self.rows if row.quote.status in quotes.OPEN), None)


@register.simple_tag(takes_context=True)
def quote_panel(context, obj) -> Panel:
    http_request = context["request"]
    user = http_request.user
    manage = quotes.may_manage(user)
    archived = obj.status in quotes.ARCHIVED
    rows = []
    for quote in quotes.quotes_of(obj):
        row = QuoteRow(quote, quotes.quote_actions(user, quote, manage=manage))
        if quote.status == QuoteStatus.SENT and manage:
            path = reverse("quotes:customer", args=[quotes.link_token(quote)])
            row.link = http_request.build_absolute_uri(path)
            row.link_expires_at = quotes.link_expires_at(quote)
        rows.append(row)
    waived = {
        event.data.get("charge"): event.body
        for event in obj.events.filter(kind=EventKind.CHARGE, data__action="waived")
    }
    charges = [
        ChargeRow(charge, waived.get(charge.pk, ""))
        for charge in Charge.objects.filter(request=obj)
    ]
    charged = {row.charge.quote_id for row in charges}
    given = context.get("quote_forms") or {}
    open_quote = next((row.quote for row in rows if row.quote.status in quotes.OPEN), None)
    version = {"version": open_quote.version} if open_quote else {}
    forms = {
        "line": given.get("line") or QuoteLineForm(request=obj, initial=version),
        "edit": given.get("edit")
        or QuoteEditForm(
            initial={
                **version,
                "note": open_quote.note if open_quote else "",
                "valid_until": open_quote.valid_until if open_quote else None,
            }
        ),
        "answer": given.get("answer") or AnswerForm(initial=version),
        "withdraw": given.get("withdraw") or WithdrawForm(initial=version),
    }
    return Panel(
        rows=rows,
        charges=charges,
        manage=manage,
        waive=quotes.can_waive(user),
        covered=quotes.warranty_covers_repair(obj),
        can_start=manage and not archived and open_quote is None,
        chargeable=manage
        and any(
            row.quote.status == QuoteStatus.ACCEPTED and row.quote.pk not in charged for row in rows
        ),
        forms=forms,
        error=context.get("quote_error") or "",
    )


# --- Timeline ------------------------------------------------------------------------------


def _money(data: dict) -> str:
    return f"{data.get('amount', '')} {data.get('currency', '')}".strip()


@register.simple_tag
def quote_event_text(event) -> str:
    """One line saying what happened to a quote or charge, in the reader's language."""
    data = event.data or {}
    action = data.get("action")
    values = {"quote": data.get("quote", ""), "money": _money(data)}
    if event.kind == EventKind.QUOTE:
        via = data.get("via")
        if via in quotes.AnswerVia.values:
            values["via"] = quotes.AnswerVia(via).label
        texts = {
            "created": _("Quote #%(quote)s started (draft)"),
            "sent": _("Quote #%(quote)s sent to the customer: %(money)s"),
            "accepted": _("Quote #%(quote)s accepted: %(money)s"),
            "declined": _("Quote #%(quote)s declined: %(money)s"),
            "withdrawn": _("Quote #%(quote)s withdrawn"),
        }
        text = texts.get(action, _("Quote #%(quote)s")) % values
        return f"{text} ({values['via']})" if "via" in values else text
    if data.get("method") in PaymentMethod.values:
        values["method"] = PaymentMethod(data["method"]).label
    texts = {
        "recorded": _("Charge recorded: %(money)s due"),
        "paid": _("Charge paid: %(money)s (%(method)s)"),
        "waived": _("Charge waived: %(money)s"),
    }
    try:
        return texts.get(action, _("Charge: %(money)s")) % values
    except KeyError:
        return _("Charge: %(money)s") % values


@register.filter
def line_kind_label(value: str) -> str:
    return str(LineKind(value).label) if value in LineKind.values else value


@register.filter
def quote_colour(status: str) -> str:
    return QUOTE_COLOURS.get(status, "secondary")
