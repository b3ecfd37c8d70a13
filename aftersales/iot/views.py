"""Remote monitoring pages: the back office reads, managers and administrators change rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.iot import selectors, services
from aftersales.iot.forms import RuleForm
from aftersales.iot.models import MonitorRule

back_office_required = allowed_if(services.can_read)
manager_required = allowed_if(services.can_manage)


@back_office_required
def home(request):
    return render(
        request,
        "iot/home.html",
        {
            "nav": "monitoring",
            "rules": selectors.rules(),
            "alarms": selectors.open_alarms(),
            **selectors.units_overview(),
            "can_manage": services.can_manage(request.user),
        },
    )


def _rule_form(request, rule: MonitorRule):
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_rule(form.instance, actor=request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Monitoring rule %(name)s saved.") % {"name": saved.name})
            return redirect("iot:home")
    return render(
        request,
        "iot/rule_form.html",
        {"nav": "monitoring", "form": form, "rule": rule if rule.pk else None},
    )


@manager_required
def rule_create(request):
    return _rule_form(request, MonitorRule())


@manager_required
def rule_edit(request, pk):
    return _rule_form(request, get_object_or_404(MonitorRule, pk=pk))


@manager_required
@require_POST
def rule_deactivate(request, pk):
    rule = services.deactivate_rule(get_object_or_404(MonitorRule, pk=pk), actor=request.user)
    messages.success(request, _("Rule %(name)s switched off.") % {"name": rule.name})
    return redirect("iot:home")
