"""Key accounts: which customers they are and how healthy the relationship is.

Key accounts are company customers (the same customers the key-account check-in campaign
reaches); the list may also show people, or everyone, biggest first (most units, then most
requests), at most `MAX_ACCOUNTS` of them.

`health` is the one rule of the score: 100 minus points for each thing that is wrong,
never below 0, each deduction with its reason:

| reason | points |
| --- | --- |
| units that failed more than once in the last 12 months | 10 per unit, at most 30 |
| low satisfaction (average CSAT of the last 12 months) | 30 at 2.5 or below, 20 below 3.5 |
| complaints in the last 12 months | 10 each, at most 30 |
| long silence: no contact for `SILENCE_DAYS` days, or never | 15 |
| cost to serve above the revenue of the last 12 months | 10 |
| many open requests (`MANY_OPEN` or more) | 10 |

80 and above is healthy, below 50 at risk, in between to watch.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_ACCOUNTS = 500
SILENCE_DAYS = 180
MANY_OPEN = 3
LOW_CSAT = Decimal("3.5")
VERY_LOW_CSAT = Decimal("2.5")
HEALTHY, AT_RISK = 80, 50


@dataclass(frozen=True)
class Facts:
    """What the score is made of, for one customer (last 12 months unless said)."""

    repeat_failure_units: int = 0
    csat: Decimal | None = None
    complaints: int = 0
    days_since_contact: int | None = None  # None: never in touch
    cost: Decimal = Decimal(0)
    revenue: Decimal = Decimal(0)
    open_requests: int = 0  # now


@dataclass(frozen=True)
class Reason:
    code: str
    points: int
    text: str


@dataclass
class Health:
    score: int
    reasons: list[Reason] = field(default_factory=list)

    @property
    def band(self) -> str:
        if self.score >= HEALTHY:
            return "healthy"
        return "at_risk" if self.score < AT_RISK else "watch"

    @property
    def band_label(self) -> str:
        return {"healthy": _("Healthy"), "watch": _("To watch"), "at_risk": _("At risk")}[self.band]

    @property
    def colour(self) -> str:
        return {"healthy": "success", "watch": "warning", "at_risk": "danger"}[self.band]


def health(facts: Facts) -> Health:
    """The health score 0–100 and the reasons for every point taken off."""
    reasons = []
    if facts.repeat_failure_units:
        reasons.append(Reason(
            "repeat_failures", min(10 * facts.repeat_failure_units, 30),
            ngettext("%(count)d unit failed more than once in the last 12 months.",
                     "%(count)d units failed more than once in the last 12 months.",
                     facts.repeat_failure_units) % {"count": facts.repeat_failure_units},
        ))  # fmt: skip
    if facts.csat is not None and facts.csat < LOW_CSAT:
        reasons.append(Reason(
            "low_csat", 30 if facts.csat <= VERY_LOW_CSAT else 20,
            _("Low satisfaction: average CSAT %(csat)s of 5.") % {"csat": f"{facts.csat:.1f}"},
        ))  # fmt: skip
    if facts.complaints:
        reasons.append(Reason(
            "complaints", min(10 * facts.complaints, 30),
            ngettext("%(count)d complaint in the last 12 months.",
                     "%(count)d complaints in the last 12 months.",
                     facts.complaints) % {"count": facts.complaints},
        ))  # fmt: skip
    if facts.days_since_contact is None:
        reasons.append(Reason("silence", 15, _("Never in touch.")))
    elif facts.days_since_contact >= SILENCE_DAYS:
        reasons.append(Reason(
            "silence", 15,
            _("No contact for %(days)d days.") % {"days": facts.days_since_contact},
        ))  # fmt: skip
    if facts.cost > facts.revenue:
        reasons.append(Reason(
            "cost_above_revenue", 10,
            _("Serving them cost %(cost)s, more than the %(revenue)s they paid.")
            % {"cost": f"{facts.cost:.2f}", "revenue": f"{facts.revenue:.2f}"},
        ))  # fmt: skip
    if facts.open_requests >= MANY_OPEN:
        reasons.append(Reason(
            "many_open", 10,
            _("%(count)d requests are open.") % {"count": facts.open_requests},
        ))  # fmt: skip
    return Health(max(0, 100 - sum(r.points for r in reasons)), reasons)


def can_view(user) -> bool:
    """Managers (who run key-account reviews), administrators and agents; cost and revenue
    are not for dispatchers, the field or customers."""
    from aftersales.accounts.roles import Role, role_of

    return role_of(user) in (Role.ADMIN, Role.MANAGER, Role.AGENT)
