"""SLA administration pages: business calendars and their days, city tiers, policies.

Service managers and administrators change them; agents and dispatchers read them (they
tell customers when to expect an answer); field staff and customers are refused (403).
Thin: each view reads input, calls a service, and renders or redirects.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.sla import engine, selectors, services
from aftersales.sla.filters import CITY_DEFAULT_SORT, CityTierFilter, sort_cities
from aftersales.sla.forms import (
    CalendarForm,
    CityTierForm,
    DayForm,
    PeriodFormSet,
    PolicyForm,
    TargetFormSet,
    label_targets,
    periods_from,
    target_initial,
)
from aftersales.sla.models import BusinessCalendar, CityTier, SlaPolicy, Tier

NAV = "sla"


# Read: administrators, service managers, agents and dispatchers. Change: managers.
back_office_required = allowed_if(services.can_read)
manager_required = allowed_if(services.can_manage)


def _context(request, tab: str, **extra) -> dict:
    return {"nav": NAV, "tab": tab, "can_manage": services.can_manage(request.user), **extra}


# --- Calendars ----------------------------------------------------------------------------


@back_office_required
@require_GET
def calendar_list(request):
    return render(
        request,
        "sla/calendar_list.html",
        _context(request, "calendars", calendars=selectors.calendar_rows()),
    )


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 1900 <= year <= 2999 else default


def _calendar_page(request, calendar: BusinessCalendar, day_form=None, status=200):
    this_year = timezone.localdate().year
    year = _year(request.GET.get("year"), this_year)
    calendar = BusinessCalendar.objects.prefetch_related("periods").filter(pk=calendar.pk).first()
    return render(
        request,
        "sla/calendar_detail.html",
        _context(
            request,
            "calendars",
            calendar=calendar,
            year=year,
            years=[year - 1, year, year + 1],
            week=selectors.week_rows(calendar),
            days=selectors.year_days(calendar, year),
            year_known=engine.year_is_known(calendar, year),
            warnings=engine.calendar_warnings(calendar, [this_year, this_year + 1]),
            day_form=day_form or DayForm(),
            policies=calendar.policies.select_related("plan"),
        ),
        status=status,
    )


@back_office_required
@require_GET
def calendar_detail(request, code):
    return _calendar_page(request, get_object_or_404(BusinessCalendar, code=code))


def _calendar_form(request, calendar: BusinessCalendar):
    name, code = calendar.name, calendar.code
    form = CalendarForm(request.POST or None, instance=calendar)
    formset = PeriodFormSet(request.POST or None, instance=calendar, prefix="periods")
    valid = form.is_valid() & formset.is_valid() if request.method == "POST" else False
    if valid:
        try:
            saved = services.save_calendar(
                form.instance, actor=request.user, periods=periods_from(formset)
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Calendar %(name)s saved.") % {"name": saved.name})
            return redirect("sla:calendar_detail", code=saved.code)
    return render(
        request,
        "sla/calendar_form.html",
        _context(
            request,
            "calendars",
            form=form,
            formset=formset,
            calendar=calendar if calendar.pk else None,
            original_code=code,
            title=name,
        ),
        status=400 if request.method == "POST" else 200,
    )


@manager_required
def calendar_create(request):
    return _calendar_form(request, BusinessCalendar())


@manager_required
def calendar_edit(request, code):
    return _calendar_form(request, get_object_or_404(BusinessCalendar, code=code))


@manager_required
@require_POST
def day_add(request, code):
    calendar = get_object_or_404(BusinessCalendar, code=code)
    form = DayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_calendar_day(
                calendar,
                actor=request.user,
                date=data["date"],
                is_working=data["kind"] == "working",
                name=data["name"],
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(date)s entered.") % {"date": data["date"].isoformat()})
            url = reverse("sla:calendar_detail", args=[calendar.code])
            return redirect(f"{url}?year={data['date'].year}#days")
    return _calendar_page(request, calendar, day_form=form, status=400)


@manager_required
@require_POST
def day_remove(request, code, date):
    calendar = get_object_or_404(BusinessCalendar, code=code)
    try:
        day = datetime.date.fromisoformat(date)
        services.remove_calendar_day(calendar, actor=request.user, date=day)
    except ValueError:
        messages.error(request, _("%(date)s is not a date.") % {"date": date})
        return redirect("sla:calendar_detail", code=calendar.code)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("sla:calendar_detail", code=calendar.code)
    messages.success(request, _("%(date)s removed.") % {"date": day.isoformat()})
    url = reverse("sla:calendar_detail", args=[calendar.code])
    return redirect(f"{url}?year={day.year}#days")


# --- City tiers ---------------------------------------------------------------------------


@back_office_required
@require_GET
def city_list(request):
    sort = request.GET.get("sort") or CITY_DEFAULT_SORT
    filters = CityTierFilter(request.GET or None, queryset=CityTier.objects.all())
    return render(
        request,
        "sla/city_list.html",
        _context(
            request,
            "cities",
            filter=filters,
            cities=sort_cities(filters.qs, sort),
            current_sort=sort,
            tiers=Tier.choices,
        ),
    )


def _city_form(request, tier: CityTier):
    form = CityTierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_city_tier(form.instance, actor=request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("%(city)s is %(tier)s.") % {"city": saved.city, "tier": saved.get_tier_display()},
            )
            return redirect("sla:city_list")
    return render(
        request,
        "sla/city_form.html",
        _context(request, "cities", form=form, city=tier if tier.pk else None),
        status=400 if request.method == "POST" else 200,
    )


@manager_required
def city_create(request):
    return _city_form(request, CityTier())


@manager_required
def city_edit(request, pk):
    return _city_form(request, get_object_or_404(CityTier, pk=pk))


@manager_required
@require_POST
def city_delete(request, pk):
    tier = get_object_or_404(CityTier, pk=pk)
    services.delete_city_tier(tier, actor=request.user)
    messages.success(request, _("%(city)s removed: it counts as other.") % {"city": tier.city})
    return redirect("sla:city_list")


# --- Policies -----------------------------------------------------------------------------


@back_office_required
@require_GET
def policy_list(request):
    return render(
        request,
        "sla/policy_list.html",
        _context(request, "policies", policies=selectors.policy_rows()),
    )


def _policy_form(request, policy: SlaPolicy):
    name = policy.name
    form = PolicyForm(request.POST or None, instance=policy)
    formset = TargetFormSet(
        request.POST or None,
        prefix="targets",
        initial=None if request.method == "POST" else target_initial(policy),
    )
    valid = form.is_valid() & formset.is_valid() if request.method == "POST" else False
    if valid:
        try:
            saved = services.save_policy(
                form.instance, actor=request.user, targets=formset.targets()
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Policy %(name)s saved.") % {"name": saved.name})
            return redirect("sla:policy_list")
    label_targets(formset)
    return render(
        request,
        "sla/policy_form.html",
        _context(
            request,
            "policies",
            form=form,
            formset=formset,
            policy=policy if policy.pk else None,
            title=name,
        ),
        status=400 if request.method == "POST" else 200,
    )


@manager_required
def policy_create(request):
    return _policy_form(request, SlaPolicy())


@manager_required
def policy_edit(request, pk):
    return _policy_form(request, get_object_or_404(SlaPolicy, pk=pk))
