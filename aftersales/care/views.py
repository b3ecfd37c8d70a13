"""Campaign pages (/care/): the list, drawing one (with a preview of who it reaches), and
working its list (record each contact, send the message, export).

Back office reads and works; managers draw. Thin: the rules are in services.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.care import selectors, services
from aftersales.care.forms import ContactForm, DrawForm
from aftersales.care.models import Campaign, CampaignTarget, TargetStatus
from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.exports import table_response
from aftersales.core.forms import show_error

NAV = "care"
view_required = allowed_if(services.can_view)
draw_required = allowed_if(services.can_draw)


@view_required
@require_GET
def campaign_list(request):
    return render(
        request,
        "care/campaign_list.html",
        {
            "nav": NAV,
            "campaigns": selectors.campaign_rows()[:200],
            "can_draw": services.can_draw(request.user),
        },
    )


@draw_required
@require_http_methods(["GET", "POST"])
def campaign_draw(request):
    form = DrawForm(request.POST or request.GET or None)
    preview = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if request.method == "POST":
            try:
                campaign = services.draw(
                    data["kind"], data["drawn_on"], actor=request.user, method=data["method"],
                    name=data["name"], subject=data["subject"], message=data["message"],
                )  # fmt: skip
            except DomainError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Campaign drawn."))
                return redirect("care:detail", pk=campaign.pk)
        else:
            preview = services.preview(data["kind"], data["drawn_on"])
    return render(
        request,
        "care/campaign_draw.html",
        {"nav": NAV, "form": form, "preview": preview},
        status=400 if request.method == "POST" else 200,
    )


@view_required
@require_GET
def campaign_detail(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    status = request.GET.get("status", "")
    if status not in TargetStatus.values:
        status = ""
    rows = selectors.target_rows(campaign, status)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return table_response(f"campaign-{campaign.pk}", fmt, _headers(), _rows(rows))
    return render(
        request,
        "care/campaign_detail.html",
        {
            "nav": NAV, "campaign": campaign, "targets": rows[:500], "status": status,
            "statuses": TargetStatus.choices, "contact_form": ContactForm(),
        },
    )  # fmt: skip


def _headers():
    return [_("Customer"), _("Phone"), _("Unit"), _("Why"), _("Date it is about"),
            _("Status"), _("Note"), _("Contacted at")]  # fmt: skip


def _rows(targets):
    for t in targets:
        yield [str(t.customer), t.customer.phone, t.unit.serial_number if t.unit else "",
               t.reason, t.due_on, t.get_status_display(), t.note, t.contacted_at]  # fmt: skip


@view_required
@require_POST
def target_contact(request, pk):
    target = get_object_or_404(CampaignTarget.objects.select_related("campaign"), pk=pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.record_contact(target, request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Contact recorded."))
    else:
        messages.error(request, _("Choose what came of the contact."))
    return redirect("care:detail", pk=target.campaign.pk)


@view_required
@require_POST
def campaign_send(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        sent = services.send_messages(campaign, request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(count)s messages queued.") % {"count": sent})
    return redirect("care:detail", pk=pk)
