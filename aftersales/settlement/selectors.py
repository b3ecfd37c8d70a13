"""Read-side queries of the settlement pages and exports, with a bounded number of queries."""

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
