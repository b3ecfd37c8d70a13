"""What the portal's pages read, each from `service.access.visible_*` so that a customer
only ever sees their own customer's requests and units, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.followup.models import Survey
from aftersales.kb import selectors as kb_selectors
from aftersales.kb import services as kb
from aftersales.portal.wording import Coverage, StatusWords, coverage, status_words
from aftersales.service import access, entitlement, quotes, services
from aftersales.service.choices import OPEN_STATUSES, Status
from aftersales.service.models import ServiceRequest
from aftersales.warranty.models import Quote, QuoteStatus

HOME_OPEN = 50
HOME_DONE = 20
LIST_LIMIT = 200
BOOKED = (VisitStatus.SCHEDULED, VisitStatus.TRAVELLING, VisitStatus.ON_SITE)


@dataclass
class RequestRow:
    request: ServiceRequest
    words: StatusWords
    next_visit: Visit | None = None
    quote_waiting: bool = False
    survey_open: bool = False


def _open_survey(now):
    return Survey.objects.filter(
        request=OuterRef("pk"), answered_at__isnull=True, expires_at__gt=now
    )


def visible_requests(user):
    """The user's requests, newest first, with what the lists show: the next booked visit,
    whether a quote or a survey waits for them (filter and slice it, then `request_rows`)."""
    now = timezone.now()
    return (
        access.visible_requests(user)
        .select_related("unit__product")
        .annotate(
            quote_waiting=Exists(
                Quote.objects.filter(request=OuterRef("pk"), status=QuoteStatus.SENT)
            ),
            survey_open=Exists(_open_survey(now)),
        )
        .prefetch_related(
            Prefetch(
                "visits",
                queryset=Visit.objects.filter(status__in=BOOKED).order_by(
                    "planned_start", "window_start", "day", "id"
                ),
                to_attr="booked_visits",
            )
        )
        .order_by("-received_at", "-id")
    )


def request_rows(queryset) -> list[RequestRow]:
    """Rows for lists, with the customer's words for the status; two queries in all."""
    return [
        RequestRow(
            request=r,
            words=status_words(r.status),
            next_visit=r.booked_visits[0] if r.booked_visits else None,
            quote_waiting=r.quote_waiting,
            survey_open=r.survey_open,
        )
        for r in queryset
    ]


def home(user) -> dict:
    """The portal's front page: open requests first, then finished ones, and their units."""
    requests = visible_requests(user)
    return {
        "open_rows": request_rows(requests.filter(status__in=OPEN_STATUSES)[:HOME_OPEN]),
        "done_rows": request_rows(requests.exclude(status__in=OPEN_STATUSES)[:HOME_DONE]),
        "units": list(units(user)[:LIST_LIMIT]),
    }


def units(user):
    return access.visible_units(user).select_related("product").order_by("-created_at", "-id")


def unit_coverage(unit) -> Coverage:
    """What the unit's warranty, extended warranty or contract covers today."""
    return coverage(entitlement.evaluate_unit(unit))


def unit_requests(user, unit) -> list[RequestRow]:
    return request_rows(visible_requests(user).filter(unit=unit)[:50])


@dataclass
class RequestPage:
    request: ServiceRequest
    words: StatusWords
    events: list
    visits: list
    quotes: list = field(default_factory=list)
    survey: Survey | None = None
    can_cancel: bool = False


def request_page(user, request: ServiceRequest) -> RequestPage:
    from aftersales.portal.services import can_cancel

    now = timezone.now()
    visits = list(
        Visit.objects.filter(request=request)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("center", "technician__user")
        .order_by("planned_start", "window_start", "day", "id")
    )
    found = quotes.quotes_of(request, user)
    for quote in found:
        quote.actions = quotes.quote_actions(user, quote)
    survey = (
        Survey.objects.filter(request=request, answered_at__isnull=True, expires_at__gt=now)
        .only("pk", "request_id", "expires_at")
        .first()
    )
    return RequestPage(
        request=request,
        words=status_words(request.status),
        events=list(services.timeline(user, request)),
        visits=visits,
        quotes=found,
        survey=survey,
        can_cancel=request.status == Status.NEW and can_cancel(user, request),
    )


def suggestions(text: str) -> list:
    """Public articles that may answer what the customer is typing."""
    return kb_selectors.suggestions(kb.public_articles(), text)
