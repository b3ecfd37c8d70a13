"""Does training reduce operation errors? For each customer one of whose contacts attended
a session, the operation-error requests in the N days before the first attended session
and in the N days from it; and the same summed over all of them.

Two queries whatever the number of customers: the first attended session per customer
(grouped in the database), then the operation-error requests of those customers within
the widest window, counted here.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone

from aftersales.service.choices import Diagnosis
from aftersales.service.models import ServiceRequest
from aftersales.training.models import Attendance, Enrolment

DEFAULT_DAYS = 180
MAX_DAYS = 3 * 365


@dataclass
class Row:
    customer_id: int
    customer_name: str
    first_session: datetime.datetime
    before: int = 0
    after: int = 0
    # False while the N days after the first session have not all passed yet.
    complete: bool = True

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass
class Impact:
    days: int
    rows: list[Row]

    @property
    def before(self) -> int:
        return sum(r.before for r in self.rows)

    @property
    def after(self) -> int:
        return sum(r.after for r in self.rows)

    @property
    def change(self) -> int:
        return self.after - self.before


def _trained():
    return Enrolment.objects.filter(attendance=Attendance.ATTENDED, customer__isnull=False)


def impact(days: int = DEFAULT_DAYS, *, now=None) -> Impact:
    days = max(1, min(int(days), MAX_DAYS))
    now = now or timezone.now()
    window = datetime.timedelta(days=days)
    firsts = (
        _trained()
        .values("customer_id", "customer__name")
        .annotate(first=Min("session__starts_at"))
        .order_by("customer__name", "customer_id")
    )
    rows = {
        f["customer_id"]: Row(
            f["customer_id"], f["customer__name"], f["first"], complete=f["first"] + window <= now
        )
        for f in firsts
    }
    if not rows:
        return Impact(days, [])
    span = _trained().aggregate(low=Min("session__starts_at"), high=Max("session__starts_at"))
    requests = ServiceRequest.objects.filter(
        diagnosis=Diagnosis.OPERATION,
        customer_id__in=_trained().values("customer_id"),
        received_at__gte=span["low"] - window,
        received_at__lt=span["high"] + window,
    ).values_list("customer_id", "received_at")
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for customer_id, received_at in requests:
        row = rows.get(customer_id)
        if row is None:
            continue
        if row.first_session - window <= received_at < row.first_session:
            counts[customer_id][0] += 1
        elif row.first_session <= received_at < row.first_session + window:
            counts[customer_id][1] += 1
    for customer_id, (before, after) in counts.items():
        rows[customer_id].before, rows[customer_id].after = before, after
    return Impact(days, list(rows.values()))
