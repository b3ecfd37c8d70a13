"""Read-side queries of the complaints pages, exports, panel and API (bounded queries)."""

from django.db.models import Prefetch

from aftersales.complaints import services
from aftersales.complaints.models import Complaint, ComplaintEvent

ROW_RELATIONS = (
    "request",
    "request__assignee",
    "customer",
    "about_request",
    "about_visit",
    "about_visit__center",
    "about_technician__user",
    "about_product",
    "apology_by",
    "cause_by",
    "signed_off_by",
    "created_by",
    "previous__request",
)


def complaint_rows(user, queryset=None):
    """Complaints the user may see, with what a list row and the export show (one query)."""
    return services.visible_complaints(user, queryset).select_related(*ROW_RELATIONS)


def complaint_detail(user):
    """Complaints with their history, for the panel and the API's answers."""
    return complaint_rows(user).prefetch_related(
        Prefetch("events", queryset=ComplaintEvent.objects.select_related("actor"))
    )


def complaint_of(user, service_request) -> Complaint | None:
    """The complaint that `service_request` is, if any (for its panel)."""
    # Most requests are not complaints: a cheap look first spares them the wide query
    # (with its many joins) that the panel needs when one is.
    if not Complaint.objects.filter(request=service_request).exists():
        return None
    return complaint_rows(user).filter(request=service_request).first()


def complaints_about(user, service_request):
    """Complaints about one request (or its visits) that the user may see."""
    return complaint_rows(user, Complaint.objects.filter(about_request=service_request))
