"""The state machine of a service request: which status may follow which, and what each needs.

new → triaged → assigned → in progress ⇄ waiting (customer / parts) → resolved → closed;
resolved and closed may be reopened; anything still open may be cancelled with a reason.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from aftersales.service.choices import DONE_STATUSES, Status

S = Status

TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NEW: (S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED),
    S.TRIAGED: (S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED),
    S.ASSIGNED: (S.IN_PROGRESS, S.TRIAGED, S.RESOLVED, S.CANCELLED),
    S.IN_PROGRESS: (S.WAITING_CUSTOMER, S.WAITING_PARTS, S.RESOLVED, S.CANCELLED),
    S.WAITING_CUSTOMER: (S.IN_PROGRESS, S.RESOLVED, S.CANCELLED),
    S.WAITING_PARTS: (S.IN_PROGRESS, S.CANCELLED),
    S.RESOLVED: (S.CLOSED, S.IN_PROGRESS, S.TRIAGED),
    S.CLOSED: (S.IN_PROGRESS, S.TRIAGED),
    S.CANCELLED: (),
}


@dataclass(frozen=True)
class Move:
    source: str
    target: str

    @property
    def is_reopen(self) -> bool:
        return self.source in (S.RESOLVED, S.CLOSED) and self.target in (S.IN_PROGRESS, S.TRIAGED)

    @property
    def needs_assignee(self) -> bool:
        return self.target in (S.ASSIGNED, S.IN_PROGRESS)

    @property
    def needs_resolution(self) -> bool:
        return self.target == S.RESOLVED

    @property
    def needs_reason(self) -> bool:
        """Cancelling and reopening must say why; the reason goes on the timeline."""
        return self.target == S.CANCELLED or self.is_reopen

    @property
    def clears_assignee(self) -> bool:
        return self.target == S.TRIAGED and self.source == S.ASSIGNED

    @property
    def label(self) -> str:
        if self.is_reopen:
            return str(_("Reopen")) if self.target == S.IN_PROGRESS else str(_("Reopen for triage"))
        if self.target == S.IN_PROGRESS and self.source in (S.WAITING_CUSTOMER, S.WAITING_PARTS):
            return str(_("Resume work"))
        if self.clears_assignee:
            return str(_("Unassign"))
        return str(ACTION_LABELS[self.target])


ACTION_LABELS = {
    S.TRIAGED: _("Triage"),
    S.ASSIGNED: _("Assign"),
    S.IN_PROGRESS: _("Start work"),
    S.WAITING_CUSTOMER: _("Wait for customer"),
    S.WAITING_PARTS: _("Wait for parts"),
    S.RESOLVED: _("Resolve"),
    S.CLOSED: _("Close"),
    S.CANCELLED: _("Cancel request"),
}


def next_statuses(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def is_allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, ())


def is_done(status: str) -> bool:
    return status in DONE_STATUSES
