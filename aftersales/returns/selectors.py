"""Read-side queries of the returns pages, exports and API, with a bounded number of queries."""

from django.db.models import Prefetch

from aftersales.returns import services
from aftersales.returns.models import (
    AccessoryDeduction,
    ReturnAuthorisation,
    ReturnEvent,
    TradeInRate,
)


def return_rows(user, queryset=None):
    """Returns the user may see, with what a list row shows (one query)."""
    return services.visible_returns(user, queryset).select_related(
        "request",
        "unit",
        "unit__product",
        "customer",
        "replacement_unit",
        "created_by",
        "override_by",
    )


def return_detail(user):
    """Returns with everything the detail page and the API's detail show."""
    return return_rows(user).prefetch_related(
        "missing_accessories",
        Prefetch("events", queryset=ReturnEvent.objects.select_related("actor")),
    )


def request_returns(user, request):
    """The returns of one service request that the user may see, newest first."""
    return return_rows(user, ReturnAuthorisation.objects.filter(request=request))


def deduction_rows():
    return AccessoryDeduction.objects.select_related("category")


def rate_rows():
    return TradeInRate.objects.select_related("product", "category")


def credit_rows(user):
    return services.visible_credits(user).select_related(
        "customer", "old_unit", "old_unit__product", "used_on_unit", "issued_by"
    )
