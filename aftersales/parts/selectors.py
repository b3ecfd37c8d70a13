"""Read-side queries of the parts pages, exports and API, each a bounded number of queries."""

from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from aftersales.parts import access, services
from aftersales.parts.models import (
    OPEN_RESERVATIONS,
    DefectivePart,
    PartUsage,
    ReorderRule,
    Reservation,
    StockLevel,
    StockMove,
)


def _rule(field: str):
    return Subquery(
        ReorderRule.objects.filter(part_id=OuterRef("part_id"), location_id=OuterRef("location_id"))
        .order_by()
        .values(field)[:1],
        output_field=IntegerField(),
    )


def level_rows(user, queryset=None):
    """Stock levels the user may see, with `available`, and the reorder point and target
    where one is set (`minimum`, `target`; None otherwise)."""
    queryset = StockLevel.objects.all() if queryset is None else queryset
    return (
        access.filter_by_location(user, queryset)
        .select_related("part", "location", "location__center", "location__technician__user")
        .annotate(
            available_now=F("on_hand") - F("reserved"),
            minimum=_rule("minimum"),
            target=_rule("target"),
        )
    )


def below_reorder_point(queryset):
    return queryset.filter(minimum__isnull=False, available_now__lt=F("minimum"))


def location_rows(user, queryset=None):
    return access.visible_locations(user, queryset).select_related("center", "technician__user")


def move_rows(user, queryset=None):
    """Ledger lines touching a location the user may see."""
    queryset = StockMove.objects.all() if queryset is None else queryset
    if access.location_filter(user) is not None:
        seen = access.visible_locations(user).values("pk")
        queryset = queryset.filter(Q(from_location__in=seen) | Q(to_location__in=seen))
    return queryset.select_related(
        "part", "from_location", "to_location", "actor", "request", "reservation"
    )


def reservation_rows(user, queryset=None):
    queryset = Reservation.objects.all() if queryset is None else queryset
    return access.filter_by_location(user, queryset).select_related(
        "part", "location", "source", "request", "visit", "created_by"
    )


def defective_rows(user, queryset=None):
    """Faulty parts kept where the user may see, and those they took back themselves."""
    queryset = DefectivePart.objects.all() if queryset is None else queryset
    if access.location_filter(user) is not None:
        seen = access.visible_locations(user).values("pk")
        queryset = queryset.filter(Q(location__in=seen) | Q(received_by_id=user.pk))
    return queryset.select_related(
        "part",
        "center",
        "location",
        "request",
        "vendor_claim__supplier_warranty",
        "received_by",
        "closed_by",
    )


def usage_rows(user, queryset=None):
    queryset = PartUsage.objects.all() if queryset is None else queryset
    return access.filter_by_location(user, queryset).select_related(
        "part", "location", "request", "visit", "actor"
    )


def replenishment(user):
    """Reorder points whose available stock fell below the minimum, with the quantity to
    send (refill up to the target) and what the central warehouse has of the part.

    Rows are ReorderRule objects with `on_hand`, `reserved`, `available_now`, `suggested`,
    `source_available` (and the warehouse itself as `source` on the list)."""
    level = StockLevel.objects.filter(
        part_id=OuterRef("part_id"), location_id=OuterRef("location_id")
    ).order_by()
    source = services.warehouse()
    rows = (
        access.filter_by_location(user, ReorderRule.objects.all())
        .filter(location__active=True)
        .select_related("part", "location", "location__center")
        .annotate(
            on_hand=Coalesce(Subquery(level.values("on_hand")[:1]), Value(0)),
            reserved=Coalesce(Subquery(level.values("reserved")[:1]), Value(0)),
        )
        .annotate(available_now=F("on_hand") - F("reserved"))
        .filter(available_now__lt=F("minimum"))
        .annotate(suggested=F("target") - F("available_now"))
    )
    if source is not None:
        at_source = StockLevel.objects.filter(
            part_id=OuterRef("part_id"), location=source
        ).order_by()
        rows = rows.annotate(
            source_available=Coalesce(
                Subquery(at_source.annotate(free=F("on_hand") - F("reserved")).values("free")[:1]),
                Value(0),
            )
        ).exclude(location=source)
    else:
        rows = rows.annotate(source_available=Value(0))
    return rows.order_by("location__code", "part__part_number"), source


def request_parts(user, request) -> dict:
    """What the request's parts panel shows: reservations (open first), parts used and
    faulty parts taken back. Three queries."""
    reservations = list(
        Reservation.objects.filter(request=request)
        .select_related("part", "location", "source", "visit")
        .order_by("-created_at", "-pk")
    )
    reservations.sort(key=lambda r: r.status not in OPEN_RESERVATIONS)
    usages = list(
        PartUsage.objects.filter(request=request).select_related("part", "location", "visit")
    )
    defective = list(
        DefectivePart.objects.filter(request=request).select_related(
            "part", "location", "vendor_claim"
        )
    )
    return {"reservations": reservations, "usages": usages, "defective": defective}


def has_awaited_parts(request) -> bool:
    return Reservation.objects.filter(request=request, status="awaiting").exists()


def locations_with_stock_of(part, user):
    """Where the part is available, most first (for choosing where to reserve from)."""
    return (
        level_rows(user, StockLevel.objects.filter(part=part))
        .filter(available_now__gt=0, location__active=True)
        .order_by("-available_now")
    )
