"""The agent's follow-up queue (/follow-ups/) and one follow-up with its call form.

Agents, dispatchers and managers only (403 for others); a follow-up of a request the user
may not see is 404. Thin: the rules are in services.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.followup import selectors, services, surveys
from aftersales.followup.forms import CallForm, RuleForm
from aftersales.followup.models import FollowUpRule

NAV = "followup"
work_required = allowed_if(services.can_work)


@work_required
@require_GET
def queue(request):
    view = request.GET.get("view", "due")
    if view not in selectors.VIEWS:
        view = "due"
    rows = selectors.queue(request.user, view)
    return render(
        request,
        "followup/queue.html",
        {"nav": NAV, "view": view, "rows": rows[:200], "count": rows.count()},
    )


@work_required
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    followup = get_object_or_404(
        selectors.with_calls(services.visible_followups(request.user)), pk=pk
    )
    form = CallForm(request.POST or None, initial={"version": followup.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.record(followup, request.user, **form.outcome())
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Call recorded."))
            return redirect("followup:queue")
    rule = services.rule_for(followup.request)
    return render(
        request,
        "followup/detail.html",
        {"nav": NAV, "followup": followup, "form": form, "script": rule.script if rule else ""},
        status=400 if request.method == "POST" else 200,
    )


@work_required
@require_POST
def send_survey(request, pk):
    followup = get_object_or_404(services.visible_followups(request.user), pk=pk)
    try:
        surveys.send_instead_of_calling(followup, request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("followup:detail", pk=pk)
    messages.success(request, _("Survey link sent to the customer."))
    return redirect("followup:queue")


rules_required = allowed_if(services.can_manage_rules)


@rules_required
@require_GET
def rule_list(request):
    rules = FollowUpRule.objects.select_related("plan").order_by("kind", "plan__code")
    return render(request, "followup/rule_list.html", {"nav": NAV, "rules": rules})


@rules_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk=None):
    rule = get_object_or_404(FollowUpRule, pk=pk) if pk else FollowUpRule()
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(form.instance, request.user)
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Follow-up rule saved."))
            return redirect("followup:rule_list")
    return render(
        request,
        "followup/rule_form.html",
        {"nav": NAV, "form": form, "rule": rule if rule.pk else None},
        status=400 if request.method == "POST" else 200,
    )
