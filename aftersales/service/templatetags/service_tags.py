"""Badges for status, priority and time left, so every page shows them the same way."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.service import clocks
from aftersales.service.choices import PRIORITY_COLOURS, STATUS_COLOURS, Priority, Status

register = template.Library()

SOON = datetime.timedelta(hours=4)


@register.simple_tag
def status_badge(status: str):
    colour = STATUS_COLOURS.get(status, "secondary")
    text = "text-dark border" if colour == "light" else ""
    return format_html(
        '<span class="badge text-bg-{} {}" data-status="{}">{}</span>',
        colour,
        text,
        status,
        Status(status).label,
    )


@register.simple_tag
def priority_badge(priority: str):
    return format_html(
        '<span class="badge rounded-pill text-bg-{}">{}</span>',
        PRIORITY_COLOURS.get(priority, "secondary"),
        Priority(priority).label,
    )


CLOCK_LABELS = {
    "response": gettext_lazy("Response"),
    "onsite": gettext_lazy("On site"),
    "resolution": gettext_lazy("Resolution"),
    "update": gettext_lazy("Periodic update"),
}
CLOCK_STATES = {
    "met": ("success", gettext_lazy("Met")),
    "breached": ("danger", gettext_lazy("Breached")),
    "late": ("danger", gettext_lazy("Late")),
    "at_risk": ("warning", gettext_lazy("At risk")),
    "running": ("info", gettext_lazy("Running")),
    "paused": ("secondary", gettext_lazy("Paused")),
    "stopped": ("light", gettext_lazy("Stopped")),
}
TIER_LABELS = {
    "tier1": gettext_lazy("Tier-1 city"),
    "tier2": gettext_lazy("Tier-2 city"),
    "tier3": gettext_lazy("Tier-3 city"),
    "county": gettext_lazy("County"),
    "other": gettext_lazy("Other city"),
}


DUE_FIELDS = {
    "response_due_at": gettext_lazy("Response due"),
    "resolution_due_at": gettext_lazy("Resolution due"),
    "onsite_due_at": gettext_lazy("On-site arrival due"),
}


@register.filter
def iso_time(value) -> str:
    """An ISO timestamp from an event's data, in the viewer's time zone."""
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@register.simple_tag
def sla_changes(data: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) of each deadline in a recomputation event."""
    before, after = data.get("before") or {}, data.get("after") or {}
    return [
        (str(label), iso_time(before.get(key)), iso_time(after.get(key)))
        for key, label in DUE_FIELDS.items()
        if before.get(key) or after.get(key)
    ]


@register.filter
def clock_label(clock: str) -> str:
    return str(CLOCK_LABELS.get(clock, clock))


@register.filter
def tier_label(tier: str) -> str:
    return str(TIER_LABELS.get(tier, tier))


@register.simple_tag
def clock_state_badge(state: str):
    colour, label = CLOCK_STATES.get(state, ("secondary", state))
    extra = " text-dark border" if colour in ("light", "warning") else ""
    return format_html('<span class="badge text-bg-{}{}">{}</span>', colour, extra, label)


WARN_FIELDS = {
    "response": "response_warn_at",
    "onsite": "onsite_warn_at",
    "resolution": "resolution_warn_at",
}


@register.simple_tag
def due_badge(request):
    """Time left to the nearest running deadline of an open request: red when late,
    amber once the warning share of the time is used (at risk), grey otherwise."""
    if request.is_open and request.paused_at and not clocks.time_left(request):
        return format_html(
            '<span class="text-body-secondary" data-sla="paused">'
            '<i class="bi bi-pause-circle"></i> {}</span>',
            _("Clock paused"),
        )
    nearest = clocks.time_left(request)
    if nearest is None:
        return ""
    clock, due = nearest
    now = timezone.now()
    title = f"{CLOCK_LABELS[clock]} {timezone.localtime(due):%Y-%m-%d %H:%M}"
    if due < now:
        return format_html(
            '<span class="overdue" title="{}" data-sla="late">'
            '<i class="bi bi-alarm"></i> {}</span>',
            title,
            _("%(clock)s %(time)s overdue")
            % {"clock": CLOCK_LABELS[clock], "time": timesince(due, now, depth=1)},
        )
    warn = getattr(request, WARN_FIELDS[clock])
    at_risk = (warn is not None and warn <= now) or due - now < SOON
    css = "text-warning-emphasis fw-semibold" if at_risk else "text-body-secondary"
    return format_html(
        '<span class="{}" title="{}" data-sla="{}">{}</span>',
        css,
        title,
        "at_risk" if at_risk else "ok",
        _("%(clock)s: %(time)s left")
        % {"clock": CLOCK_LABELS[clock], "time": timeuntil(due, now, depth=1)},
    )


@register.filter
def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


@register.filter
def field_label(name: str, model: str = "service.ServiceRequest") -> str:
    """The translated label of a field of `model` ("app.Model", a ServiceRequest unless
    given), for 'what changed' lines."""
    from django.apps import apps

    try:
        return str(apps.get_model(model)._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - an unknown name is shown as it is
        return name


@register.simple_tag
def field_value(name: str, value, model: str = "service.ServiceRequest"):
    """A value from a 'what changed' line in the reader's words: a choice's label."""
    from django.apps import apps

    if value is None or value == "":
        return "—"
    try:
        field = apps.get_model(model)._meta.get_field(name)
    except Exception:  # noqa: BLE001 - an unknown name is shown as it is
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


@register.simple_tag
def entitlement_summary(data: dict) -> str:
    """'In warranty · free of charge · repair' from a decision event's facts."""
    from aftersales.warranty.decision import status_label
    from aftersales.warranty.models import FaultCause, Remedy

    parts = [status_label(data.get("warranty_status", ""))]
    parts.append(_("free of charge") if data.get("repair_charge") == "free" else _("chargeable"))
    remedies = [
        str(Remedy(r).label) for r in data.get("eligible_remedies") or [] if r in Remedy.values
    ]
    parts.append(" / ".join(remedies) or _("no remedy offered"))
    if data.get("fault") in FaultCause.values:
        parts.append(str(FaultCause(data["fault"]).label))
    return " · ".join(parts)


@register.filter
def channel_label(value: str) -> str:
    from aftersales.service.choices import Channel

    return str(Channel(value).label) if value in Channel.values else value
