"""Status and warranty in the words a customer uses: what is happening, what comes next,
what is covered until when. Staff labels ("Triaged", "Waiting on parts") stay staff-side."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from aftersales.service.choices import Status
from aftersales.warranty.decision import Status as Cover

# Status → (what is happening, what happens next), in the customer's words.
STATUS_WORDS = {
    Status.NEW: (
        _("We have received your request"),
        _("Our service team will look at it and contact you soon."),
    ),
    Status.TRIAGED: (
        _("We are looking at your request"),
        _("We are choosing the right engineer for it and will contact you."),
    ),
    Status.ASSIGNED: (
        _("An engineer is taking care of it"),
        _("They will contact you to arrange the work."),
    ),
    Status.IN_PROGRESS: (
        _("We are working on it"),
        _("We will tell you here as soon as there is news."),
    ),
    Status.WAITING_CUSTOMER: (
        _("We need an answer from you"),
        _("Please read our last message below and reply."),
    ),
    Status.WAITING_PARTS: (
        _("We are waiting for parts"),
        _("We will continue as soon as the parts arrive."),
    ),
    Status.RESOLVED: (
        _("The work is done"),
        _("We will ask you shortly whether everything works. If not, just reply here."),
    ),
    Status.CLOSED: (
        _("Finished"),
        _("If the problem comes back, ask for service again."),
    ),
    Status.CANCELLED: (
        _("Cancelled"),
        _("If you still need help, ask for service again."),
    ),
}
STATUS_COLOURS = {
    Status.NEW: "primary",
    Status.TRIAGED: "primary",
    Status.ASSIGNED: "info",
    Status.IN_PROGRESS: "warning",
    Status.WAITING_CUSTOMER: "danger",
    Status.WAITING_PARTS: "secondary",
    Status.RESOLVED: "success",
    Status.CLOSED: "success",
    Status.CANCELLED: "light",
}


@dataclass(frozen=True)
class StatusWords:
    status: str
    headline: str
    next_step: str
    colour: str


def status_words(status: str) -> StatusWords:
    headline, next_step = STATUS_WORDS.get(status, (Status(status).label, ""))
    return StatusWords(status, str(headline), str(next_step), STATUS_COLOURS.get(status, "info"))


@dataclass(frozen=True)
class Coverage:
    """What a unit's warranty covers today, for the customer: one headline, the dates."""

    status: str
    headline: str
    ends_on: object  # datetime.date | None
    return_until: object = None
    exchange_until: object = None
    repair_until: object = None
    covered: bool = False


def _day(value):
    return datetime.date.fromisoformat(value) if value else None


def coverage(decision) -> Coverage:
    """The customer's reading of `warranty.decision.evaluate`'s answer for a unit today."""
    windows = decision.windows or {}
    ends_on = decision.warranty_ends_on
    status = decision.warranty_status
    headlines = {
        Cover.IN_WARRANTY: _("Repairs are free under warranty"),
        Cover.EXTENDED: _("Covered by your extended warranty"),
        Cover.CONTRACT: _("Covered by your service contract"),
        Cover.EXPIRED: _("The warranty has ended; we can still repair it at a charge"),
        Cover.UNKNOWN: _("We do not know when it was bought yet"),
    }
    return Coverage(
        status=status,
        headline=str(headlines.get(status, decision.status_label)),
        ends_on=ends_on,
        return_until=_day(windows.get("return_until")),
        exchange_until=_day(windows.get("exchange_until")),
        repair_until=_day(windows.get("repair_until")),
        covered=status in (Cover.IN_WARRANTY, Cover.EXTENDED, Cover.CONTRACT),
    )
