"""Read-side queries of the network pages and API, each a fixed number of SQL queries."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from aftersales.field import services
from aftersales.field.models import Absence, CenterCoverage, ServiceCenter, Technician


def center_rows(user, queryset: QuerySet | None = None) -> QuerySet[ServiceCenter]:
    """Centers the user may see, with coverage and counts of (active) technicians."""
    return (
        services.visible_centers(user, queryset)
        .select_related("manager")
        .prefetch_related(
            Prefetch("coverage", queryset=CenterCoverage.objects.order_by("city", "district"))
        )
        .annotate(
            technician_count=Count("technicians", distinct=True),
            active_technician_count=Count(
                "technicians", filter=Q(technicians__active=True), distinct=True
            ),
        )
        .order_by("code")
    )


def technician_rows(
    user, queryset: QuerySet | None = None, day: datetime.date | None = None
) -> QuerySet[Technician]:
    """Technicians the user may see, with skills and absences from `day` (default today)
    on, as `upcoming_absences`."""
    day = day or timezone.localdate()
    return (
        services.visible_technicians(user, queryset)
        .select_related("user", "home_center", "calendar")
        .prefetch_related(
            "skills__category",
            Prefetch(
                "absences",
                queryset=Absence.objects.filter(ends_on__gte=day).order_by("starts_on"),
                to_attr="upcoming_absences",
            ),
        )
        .order_by("home_center__code", "user__username")
    )


def absence_on(technician: Technician, day: datetime.date) -> Absence | None:
    """The absence covering `day`, from the prefetched `upcoming_absences`."""
    for absence in getattr(technician, "upcoming_absences", []):
        if absence.starts_on <= day <= absence.ends_on:
            return absence
    return None
