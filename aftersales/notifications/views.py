"""Notification pages. The back office reads message templates; administrators and service
managers edit them (with a live preview), see the outbox, and retry or cancel a message.
Field staff and customers are refused (403). Thin: each view reads input, calls a service,
and renders or redirects.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.core.http import next_url
from aftersales.notifications import selectors, services
from aftersales.notifications.filters import OutboxFilter
from aftersales.notifications.forms import TemplateForm
from aftersales.notifications.models import (
    Channel,
    Event,
    Language,
    MessageTemplate,
    OutboundMessage,
    Status,
)

PAGE_SIZE = 50


# Read: administrators, service managers, agents and dispatchers. Change: managers.
back_office_required = allowed_if(services.can_read)
manager_required = allowed_if(services.can_manage)


# --- Message templates --------------------------------------------------------------------


@back_office_required
@require_GET
def template_list(request):
    return render(
        request,
        "notifications/template_list.html",
        {
            "rows": selectors.template_grid(),
            "channels": Channel.choices,
            "languages": Language.choices,
            "can_manage": services.can_manage(request.user),
        },
    )


def _variables(event: str | None) -> list[tuple[str, str]]:
    standard = [(name, str(text)) for name, text in services.STANDARD_VARIABLES.items()]
    extra = [
        (name, _("e.g. %(value)s") % {"value": sample})
        for name, sample in services.EVENT_VARIABLES.get(event, {}).items()
    ]
    return standard + extra


def _template_page(request, template: MessageTemplate, form, status=200):
    event = form["event"].value() or template.event
    return render(
        request,
        "notifications/template_form.html",
        {
            "form": form,
            "template": template if template.pk else None,
            "variables": _variables(event),
            "syntax_help": _(
                "Write {{ name }} to insert one of these values; Django template tags such "
                "as if and endif work too. Nothing else is available to a template."
            ),
            "preview": _preview(form, template),
            "can_manage": services.can_manage(request.user),
        },
        status=status,
    )


def _preview(form, template: MessageTemplate) -> dict:
    def value(name):
        return form[name].value() if form[name].value() is not None else getattr(template, name)

    return services.preview(
        value("event"), value("channel"), value("language"), value("subject"), value("body")
    )


def _save(request, template: MessageTemplate):
    form = TemplateForm(request.POST, instance=template)
    if form.is_valid():
        try:
            saved = services.save_template(form.instance, actor=request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Template saved: %(name)s.") % {"name": saved})
            return redirect("notifications:template_list")
    return _template_page(request, template, form, status=400)


@manager_required
def template_create(request):
    template = MessageTemplate()
    if request.method == "POST":
        return _save(request, template)
    initial = {
        name: request.GET[name]
        for name, values in (
            ("event", Event.values),
            ("channel", Channel.values),
            ("language", Language.values),
        )
        if request.GET.get(name) in values
    }
    for name, value in initial.items():
        setattr(template, name, value)
    return _template_page(request, template, TemplateForm(initial=initial, instance=template))


@back_office_required
def template_edit(request, pk):
    template = get_object_or_404(MessageTemplate.objects.select_related("updated_by"), pk=pk)
    may_change = services.can_manage(request.user)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        return _save(request, template)
    return _template_page(
        request, template, TemplateForm(instance=template, read_only=not may_change)
    )


@manager_required
@require_POST
def template_preview(request):
    """The live preview of the template form (htmx): the text rendered with sample data."""
    data = request.POST
    result = services.preview(
        data.get("event", ""),
        data.get("channel", ""),
        data.get("language", ""),
        data.get("subject", ""),
        data.get("body", ""),
    )
    return render(request, "notifications/_preview.html", {"preview": result})


# --- Outbox -------------------------------------------------------------------------------


@manager_required
@require_GET
def outbox(request):
    rows = selectors.outbox()
    filterset = OutboxFilter(request.GET, queryset=rows)
    rows = filterset.qs if filterset.is_valid() else rows.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {
            "page_obj": page,
            "filterset": filterset,
            "params": request.GET,
            "statuses": Status.choices,
            "channels": Channel.choices,
            "events": Event.choices,
        },
    )


def _back(request, message: OutboundMessage):
    target = next_url(request)
    if target:
        return redirect(target)
    if message.request_id:
        return redirect("service:detail", number=message.request.number)
    return redirect("notifications:outbox")


def _act(request, pk, action, done: str):
    message = get_object_or_404(OutboundMessage.objects.select_related("request"), pk=pk)
    try:
        action(message, request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"to": message.to_address})
    return _back(request, message)


@manager_required
@require_POST
def message_retry(request, pk):
    return _act(request, pk, services.retry_now, _("The message to %(to)s will be sent again now."))


@manager_required
@require_POST
def message_cancel(request, pk):
    return _act(request, pk, services.cancel, _("The message to %(to)s was cancelled."))
