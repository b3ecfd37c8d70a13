"""Contacts with customers, from every place they are recorded, so that the last contact
and how often we are in touch are known per customer (a touchpoint is any of them):

- a request the customer opened (inbound), and calls and emails on its timeline;
- messages sent to the customer (outbound, delivered);
- visits completed at their place;
- campaign contacts (talked to, message sent).
One query per source, whatever the number of customers.
"""

import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from aftersales.care.models import Campaign, CampaignTarget, TargetStatus
from aftersales.service.choices import EventKind

CONTACTED = (TargetStatus.CONTACTED, TargetStatus.MESSAGED, TargetStatus.DECLINED,
             TargetStatus.CONVERTED)  # fmt: skip


def _sources(customer_ids):
    """(model manager filter, customer path, time field) for each kind of contact."""
    from aftersales.dispatch.models import Visit, VisitStatus
    from aftersales.notifications.models import OutboundMessage
    from aftersales.notifications.models import Status as MessageStatus
    from aftersales.service.models import ServiceRequest, TimelineEvent

    sources = [
        (ServiceRequest.objects.all(), "customer_id", "received_at"),
        (
            TimelineEvent.objects.filter(kind__in=(EventKind.CALL, EventKind.EMAIL)),
            "request__customer_id",
            "created_at",
        ),
        (OutboundMessage.objects.filter(status=MessageStatus.SENT), "customer_id", "sent_at"),
        (Visit.objects.filter(status=VisitStatus.COMPLETED), "request__customer_id",
         "checked_out_at"),
        (CampaignTarget.objects.filter(status__in=CONTACTED), "customer_id", "contacted_at"),
    ]  # fmt: skip
    for queryset, path, field in sources:
        rows = queryset.filter(**{f"{path}__in": customer_ids, f"{field}__isnull": False})
        yield rows, path, field


def last_contacts(customer_ids) -> dict[int, datetime.date]:
    """The local date of each customer's last contact of any kind (absent: never)."""
    last: dict[int, datetime.datetime] = {}
    for rows, path, field in _sources(list(customer_ids)):
        for customer_id, moment in (
            rows.values(path).annotate(at=Max(field)).values_list(path, "at")
        ):
            if customer_id not in last or moment > last[customer_id]:
                last[customer_id] = moment
    return {pk: timezone.localdate(moment) for pk, moment in last.items()}


def contact_summary(customer, days: int = 365) -> dict:
    """For the customer's page: contacts in the last `days` days and the last one."""
    since = timezone.now() - datetime.timedelta(days=days)
    total, last = 0, None
    # One query per source: the count in the period and the latest of all time together.
    for rows, _path, field in _sources([customer.pk]):
        found = rows.aggregate(recent=Count("pk", filter=Q(**{f"{field}__gte": since})),
                               latest=Max(field))  # fmt: skip
        total += found["recent"]
        if found["latest"] is not None and (last is None or found["latest"] > last):
            last = found["latest"]
    return {"count": total, "days": days, "last": timezone.localdate(last) if last else None}


def campaign_rows(queryset=None):
    queryset = Campaign.objects.all() if queryset is None else queryset
    return queryset.select_related("created_by").annotate(
        done=Count("targets", filter=~Q(targets__status=TargetStatus.PENDING))
    )


def target_rows(campaign, status: str = ""):
    rows = campaign.targets.select_related(
        "customer", "unit__product", "contract__plan", "contacted_by"
    )
    return rows.filter(status=status) if status else rows
