"""Response and resolution targets by priority, in clock time from `received_at`.

These are the defaults until the SLA engine (business calendars, plans, city tiers)
takes over the computation; the columns and the overdue filter stay the same.
"""

import datetime

from aftersales.service.choices import Priority

H = datetime.timedelta(hours=1)

RESPONSE_TARGETS = {
    Priority.URGENT: 1 * H,
    Priority.HIGH: 2 * H,
    Priority.NORMAL: 4 * H,
    Priority.LOW: 8 * H,
}
RESOLUTION_TARGETS = {
    Priority.URGENT: 8 * H,
    Priority.HIGH: 24 * H,
    Priority.NORMAL: 72 * H,
    Priority.LOW: 168 * H,
}


def compute_deadlines(
    received_at: datetime.datetime, priority: str
) -> tuple[datetime.datetime, datetime.datetime]:
    return (received_at + RESPONSE_TARGETS[priority], received_at + RESOLUTION_TARGETS[priority])
