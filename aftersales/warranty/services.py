"""What a unit's warranty covers, and until when.

These are the statutory 三包 defaults (return within 7 days, exchange within 15 days,
repair within 12 months of the purchase). Policies per category and model, extended
warranties and contracts come with the warranty issue and refine `warranty_dates`.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from aftersales.warranty.dates import add_months

RETURN_DAYS = 7
EXCHANGE_DAYS = 15
REPAIR_MONTHS = 12


@dataclass(frozen=True)
class WarrantyDates:
    purchased_on: datetime.date | None
    return_until: datetime.date | None
    exchange_until: datetime.date | None
    repair_until: datetime.date | None

    def status_on(self, day: datetime.date) -> str:
        """'return', 'exchange', 'repair' (the best remedy still open), 'expired' or 'unknown'."""
        if self.purchased_on is None:
            return "unknown"
        if day <= self.return_until:
            return "return"
        if day <= self.exchange_until:
            return "exchange"
        if day <= self.repair_until:
            return "repair"
        return "expired"


STATUS_LABELS = {
    "return": _("Return, exchange or repair (三包)"),
    "exchange": _("Exchange or repair"),
    "repair": _("Repair under warranty"),
    "expired": _("Out of warranty"),
    "unknown": _("Purchase date unknown"),
}


def warranty_dates(unit) -> WarrantyDates:
    """The 三包 windows of `unit`, counted from its purchase (invoice) date."""
    bought = unit.purchased_on
    if bought is None:
        return WarrantyDates(None, None, None, None)
    return WarrantyDates(
        purchased_on=bought,
        return_until=bought + datetime.timedelta(days=RETURN_DAYS),
        exchange_until=bought + datetime.timedelta(days=EXCHANGE_DAYS),
        repair_until=add_months(bought, REPAIR_MONTHS),
    )
