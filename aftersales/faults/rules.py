"""Who reads fault statistics, what counts as a failure, and the early-failure settings.

The product team's question is "where do our products fail?", so a *failure* is a request
about a unit (not cancelled) whose cause is a product defect, or, while the cause is not
yet known, whose diagnosis is a hardware or software fault. Operation errors, customer
damage, wear and consumables are not failures of the product.

Early failures are failures reported within `days` of the unit's start in the field (its
installation date, else its purchase date); a model or batch is flagged when such
failures reach `share` of its units in the field and number at least `min_failures`
(so that one failure among ten units does not raise an alarm). Settings:
`FAULTS_EARLY_FAILURE_DAYS` (90), `FAULTS_EARLY_FAILURE_SHARE` (0.02, i.e. 2 in 100 units)
and `FAULTS_EARLY_FAILURE_MIN` (3).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from aftersales.accounts.roles import Role, role_of
from aftersales.service.choices import Diagnosis, Status
from aftersales.warranty.models import FaultCause

READERS = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT})


def can_view(user) -> bool:
    """Managers, administrators and agents read fault statistics; nobody else."""
    return role_of(user) in READERS


FAILURE = Q(fault_cause=FaultCause.QUALITY) | Q(
    fault_cause=FaultCause.UNKNOWN, diagnosis__in=(Diagnosis.HARDWARE, Diagnosis.SOFTWARE)
)


def counted_requests(queryset):
    """Requests that say something about a unit's faults: about a unit, not cancelled."""
    return queryset.filter(unit__isnull=False).exclude(status=Status.CANCELLED)


@dataclass(frozen=True)
class EarlyFailure:
    days: int
    share: Decimal
    min_failures: int

    @property
    def share_percent(self) -> str:
        text = f"{self.share * 100:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def flagged(self, early: int, units: int) -> bool:
        return early >= self.min_failures and units > 0 and Decimal(early) >= self.share * units


def early_failure() -> EarlyFailure:
    return EarlyFailure(
        days=int(getattr(settings, "FAULTS_EARLY_FAILURE_DAYS", 90)),
        share=Decimal(str(getattr(settings, "FAULTS_EARLY_FAILURE_SHARE", "0.02"))),
        min_failures=int(getattr(settings, "FAULTS_EARLY_FAILURE_MIN", 3)),
    )
