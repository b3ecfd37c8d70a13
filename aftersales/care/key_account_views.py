"""Key-account pages (/care/key-accounts/): the list (kind, name, sorted by health, cost,
revenue, units or name; CSV / Excel) and one customer's page (health with its reasons,
purchases and cycle, requests, cost against revenue, satisfaction by quarter, contacts).
Managers, administrators and agents read; others are refused (403). Thin: the facts come
from `key_account_selectors`, the score from `key_accounts.health`."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from aftersales.care import key_account_selectors as selectors
from aftersales.care import key_accounts
from aftersales.core.decorators import allowed_if
from aftersales.core.exports import FORMATS, table_response
from aftersales.core.forms import Form
from aftersales.service import access

NAV = "care"
PAGE_SIZE = 50
view_required = allowed_if(key_accounts.can_view)


class KeyAccountFilter(Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Customers"), required=False,
        choices=[("company", gettext_lazy("Companies")), ("person", gettext_lazy("People")),
                 ("all", gettext_lazy("Everyone"))],
    )  # fmt: skip
    q = forms.CharField(label=gettext_lazy("Name"), required=False)


def _rows(request):
    form = KeyAccountFilter(request.GET or None)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kind = values.get("kind") or "company"
    sort = request.GET.get("sort") or selectors.DEFAULT_SORT
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    customers = selectors.candidates(kind, values.get("q", ""))
    return form, selectors.sort_accounts(selectors.accounts(customers), sort), sort


@view_required
@require_GET
def key_account_list(request):
    form, rows, sort = _rows(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "sort"):
        query.pop(name, None)
    return render(
        request,
        "care/key_account_list.html",
        {
            "nav": NAV,
            "form": form,
            "page_obj": page,
            "current_sort": sort,
            "query": query.urlencode(),
            "export_query": request.GET.urlencode(),
            "limit": key_accounts.MAX_ACCOUNTS,
        },
    )


def _headers():
    return [
        _("Customer"), _("Kind"), _("Health score"), _("Health"), _("Reasons"), _("Units"),
        _("First purchase"), _("Last purchase"), _("Months between purchases"),
        _("Open requests"), _("Requests"), _("Requests in the last 12 months"),
        _("Complaints in the last 12 months"), _("Cost to serve (12 months)"),
        _("Revenue (12 months)"), _("Margin (12 months)"), _("CSAT (12 months)"),
        _("NPS (12 months)"), _("Last contact"), _("Contacts in the last 12 months"),
    ]  # fmt: skip


def _export_row(a):
    return [
        a.customer.name, a.customer.get_kind_display(), a.health.score, a.health.band_label,
        " ".join(r.text for r in a.health.reasons), a.units, a.first_purchase,
        a.last_purchase, a.cycle_months, a.requests_open, a.requests_total, a.requests_year,
        a.complaints_year, a.money.cost, a.money.revenue, a.money.margin, a.csat, a.nps,
        a.last_contact, a.contacts_year,
    ]  # fmt: skip


@view_required
@require_GET
def key_account_export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    _form, rows, _sort = _rows(request)
    return table_response("key-accounts", fmt, _headers(), [_export_row(a) for a in rows])


@view_required
@require_GET
def key_account_detail(request, pk):
    customer = get_object_or_404(access.visible_customers(request.user), pk=pk)
    (account,) = selectors.accounts([customer])
    quarters = selectors.satisfaction_by_quarter(customer)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        headers = [_("Quarter"), _("Answers"), _("CSAT"), _("NPS")]
        rows = [[q.label, q.answers, q.csat, q.nps] for q in quarters]
        return table_response(f"key-account-{customer.pk}-satisfaction", fmt, headers, rows)
    return render(
        request,
        "care/key_account_detail.html",
        {
            "nav": NAV,
            "customer": customer,
            "account": account,
            "quarters": quarters,
            "purchases": selectors.purchases(customer),
        },
    )
