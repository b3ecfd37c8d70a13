"""Badges for status, priority and time left, so every page shows them the same way."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

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


@register.simple_tag
def due_badge(request):
    """Time left until the resolution deadline of an open request, coloured by urgency."""
    due = request.resolution_due_at
    if not due or not request.is_open:
        return ""
    now = timezone.now()
    if due < now:
        return format_html(
            '<span class="overdue" title="{}"><i class="bi bi-alarm"></i> {}</span>',
            timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            _("%(time)s overdue") % {"time": timesince(due, now, depth=1)},
        )
    css = "text-warning-emphasis fw-semibold" if due - now < SOON else "text-body-secondary"
    return format_html(
        '<span class="{}" title="{}">{}</span>',
        css,
        timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
        _("%(time)s left") % {"time": timeuntil(due, now, depth=1)},
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
