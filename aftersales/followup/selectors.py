"""Read-side queries of the follow-up queue and API, with a bounded number of queries."""

from django.utils import timezone

from aftersales.followup import services
from aftersales.followup.models import FollowUp, Status

VIEWS = ("due", "open", "done", "all")


def queue(user, view: str = "due"):
    """The follow-ups `user` may work: due now (default), all open, finished, or all."""
    rows = services.visible_followups(user).select_related(
        "request", "request__customer", "request__assignee", "visit__technician__user",
        "assignee",
    )  # fmt: skip
    if view == "due":
        rows = rows.filter(status=Status.OPEN, due_at__lte=timezone.now())
    elif view == "open":
        rows = rows.filter(status=Status.OPEN)
    elif view == "done":
        rows = rows.exclude(status=Status.OPEN).order_by("-completed_at", "-id")
    return rows


def with_calls(queryset=None):
    queryset = FollowUp.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "request", "request__customer", "request__unit__product", "visit__technician__user",
        "completed_by",
    ).prefetch_related("calls__by")  # fmt: skip
