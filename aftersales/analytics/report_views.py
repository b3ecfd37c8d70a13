"""The quality reports page (`/quality/reports/`): the monthly reports kept, to download,
and "generate now" for a center and month, made in the background while the list shows
how far it got. The back office reads every center's, partner staff their own; who may
is `reports_services`, as are the rules of ordering.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.analytics import reports, reports_services
from aftersales.analytics.models import QualityReportDelivery
from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import Form, show_error

NAV = "quality"
PAGE_SIZE = 50
reports_required = allowed_if(reports_services.can_view_reports)


class OrderForm(Form):
    center = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Service center"))
    month = forms.CharField(
        label=gettext_lazy("Month"),
        max_length=10,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=gettext_lazy("YYYY-MM"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        centers = reports_services.orderable_centers(user)
        self.fields["center"].queryset = centers
        if not user.is_back_office:  # partner staff: their own center, nothing to choose
            self.fields["center"].empty_label = None
        last = reports.previous_month(timezone.localdate())
        self.fields["month"].initial = f"{last:%Y-%m}"

    def clean_month(self) -> datetime.date:
        try:
            return datetime.date.fromisoformat(f"{self.cleaned_data['month'].strip()[:7]}-01")
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None


def report_rows(user):
    """The reports `user` may see, newest month first, with who each was mailed to (three
    queries whatever the page size)."""
    mails = QualityReportDelivery.objects.select_related("user").order_by("user__username")
    return (
        reports_services.visible_reports(user)
        .select_related("center", "requested_by")
        .prefetch_related(Prefetch("deliveries", queryset=mails))
        .order_by("-month", "center__code", "language")
    )


@reports_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    user = request.user
    form = OrderForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            report = reports_services.order_report(
                form.cleaned_data["center"],
                form.cleaned_data["month"],
                reports_services.known_language(translation.get_language()),
                actor=user,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("The report of %(center)s for %(month)s is being generated.")
                % {"center": report.center.name, "month": f"{report.month:%Y-%m}"},
            )
            return redirect("analytics:reports")
    page = Paginator(report_rows(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": NAV,
        "form": form,
        "page_obj": page,
        "reports": page.object_list,
        "show_mails": user.is_back_office,
        "polling": any(r.in_progress for r in page.object_list),
    }
    if request.htmx and request.method == "GET":
        return render(request, "analytics/report_table.html", context)
    return render(request, "analytics/reports.html", context)


@reports_required
@require_GET
def report_pdf(request, pk):
    report = get_object_or_404(
        reports_services.visible_reports(request.user).select_related("center"), pk=pk
    )
    if not report.has_pdf:
        raise Http404(_("This report has not been generated yet."))
    response = HttpResponse(reports_services.pdf_of(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reports_services.file_name(report)}"'
    return response
