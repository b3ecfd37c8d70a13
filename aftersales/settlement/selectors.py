"""Read-side queries of the settlement pages and exports, with a bounded number of queries."""

from django.db.models import Count, Sum

from aftersales.settlement import services
from aftersales.settlement.models import FeeAccrual, Statement


def statement_rows(user, queryset=None):
    queryset = Statement.objects.all() if queryset is None else queryset
    return services.visible_statements(user, queryset).select_related(
        "center", "built_by", "approved_by", "exported_by"
    )


def rate_rows(user, queryset=None):
    return services.visible_rates(user, queryset).select_related("center", "category")


def statement_lines(statement: Statement):
    """The statement's visit lines, oldest check-out first, with everything a line shows."""
    return (
        FeeAccrual.objects.filter(statement_line__statement=statement)
        .select_related(
            "visit",
            "visit__request",
            "visit__request__customer",
            "visit__request__unit__product",
            "technician__user",
            "rate",
        )
        .order_by("visit__checked_out_at", "pk")
    )


def piece_work(user, month) -> list[dict]:
    """Per technician, the visits paid at a piece rate in `month` and their total, for the
    technicians `user` may see (managers: all; partner staff: their center's). Two queries."""
    from aftersales.field.models import Technician

    totals = list(
        services.visible_piece_accruals(user)
        .filter(month=month)
        .values("technician_id")
        .annotate(visits=Count("pk"), total=Sum("amount"))
    )
    technicians = Technician.objects.select_related("user", "home_center").in_bulk(
        [row["technician_id"] for row in totals]
    )
    for row in totals:
        row["technician"] = technicians[row["technician_id"]]
    return sorted(
        totals, key=lambda r: (r["technician"].home_center.name, str(r["technician"].user))
    )


def piece_lines(user, month):
    """Every piece-rate accrual of the month, with what a line shows (for the export)."""
    return (
        services.visible_piece_accruals(user)
        .filter(month=month)
        .select_related(
            "visit__request__customer",
            "visit__request__unit__product",
            "technician__user",
            "technician__home_center",
        )
        .order_by("technician__user__username", "visit__checked_out_at", "pk")
    )
