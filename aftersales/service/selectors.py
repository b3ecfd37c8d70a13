"""Read-side queries for pages and the API: queues and histories, with bounded queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from aftersales.assets.models import Unit, UnitEvent, normalize_serial
from aftersales.customers.models import Customer, CustomerEvent
from aftersales.customers.services import search_customers
from aftersales.service import access
from aftersales.service.choices import OPEN_STATUSES, EventKind, Status, Visibility
from aftersales.service.models import ServiceRequest, TimelineEvent

LOOKUP_LIMIT = 8


def queue_rows(queryset: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """What a queue row shows, fetched with the rows (one query per page)."""
    return queryset.select_related("customer", "unit__product", "assignee", "team")


def recent_requests(user, **filters) -> QuerySet[ServiceRequest]:
    return queue_rows(access.visible_requests(user).filter(**filters)).order_by(
        "-received_at", "-id"
    )


def lookup_callers(user, query: str) -> tuple[list[Customer], list[Unit]]:
    """Customers matching a phone, name or email, and units matching a serial number."""
    query = (query or "").strip()
    if len(query) < 2:
        return [], []
    customers = list(
        search_customers(query, access.visible_customers(user)).annotate(
            open_requests=Count("requests", filter=Q(requests__status__in=OPEN_STATUSES))
        )[:LOOKUP_LIMIT]
    )
    serial = normalize_serial(query)
    units = []
    if len(serial) >= 3:
        units = list(
            access.visible_units(user)
            .filter(serial_number__startswith=serial)
            .select_related("product", "customer")
            .order_by("serial_number")[:LOOKUP_LIMIT]
        )
    return customers, units


def customer_units(customer: Customer) -> QuerySet[Unit]:
    return customer.units.select_related("product__category").order_by("-purchased_on", "-id")


@dataclass(frozen=True)
class HistoryItem:
    """One line of a customer's combined history (their own, their units', their requests')."""

    at: datetime.datetime
    icon: str
    title: str
    body: str = ""
    actor: object = None
    url: str = ""
    internal: bool = False


def _request_item(event) -> HistoryItem:
    request = event.request
    if event.kind == EventKind.STATUS:
        source, target = Status(event.data["from"]).label, Status(event.data["to"]).label
        title = f"{request.number}: {source} → {target}"
    else:
        title = f"{request.number}: {EventKind(event.kind).label}"
    return HistoryItem(
        at=event.created_at,
        icon=EVENT_ICONS.get(event.kind, "dot"),
        title=title,
        body=event.body if event.kind != EventKind.FIELDS else "",
        actor=event.actor,
        url=reverse("service:detail", args=[request.number]),
        internal=event.visibility == Visibility.INTERNAL,
    )


EVENT_ICONS = {
    EventKind.CREATED: "plus-circle",
    EventKind.STATUS: "arrow-right-circle",
    EventKind.FIELDS: "pencil",
    EventKind.COMMENT: "chat-left-text",
    EventKind.CALL: "telephone",
    EventKind.EMAIL: "envelope",
    EventKind.ATTACHMENT: "paperclip",
    EventKind.MESSAGE: "chat-right-quote",
}


def customer_history(user, customer: Customer, limit: int = 50) -> list[HistoryItem]:
    """The newest `limit` things that happened to the customer, their units and requests."""
    items = [
        HistoryItem(
            at=e.created_at,
            icon="person",
            title=str(CustomerEvent.Kind(e.kind).label),
            body=e.body,
            actor=e.actor,
        )
        for e in customer.events.select_related("actor")[:limit]
    ]
    unit_events = (
        UnitEvent.objects.filter(unit__customer=customer)
        .select_related("unit", "actor", "from_customer", "to_customer")
        .order_by("-created_at", "-id")[:limit]
    )
    items += [
        HistoryItem(
            at=e.created_at,
            icon="box-seam",
            title=f"{e.unit.serial_number}: {UnitEvent.Kind(e.kind).label}",
            body=e.body,
            actor=e.actor,
            url=reverse("assets:detail", args=[e.unit_id]),
        )
        for e in unit_events
    ]
    requests = access.visible_requests(user).filter(customer=customer)
    request_events = TimelineEvent.objects.filter(request__in=requests)
    if not access.sees_internal(user):
        request_events = request_events.filter(visibility=Visibility.PUBLIC)
    request_events = request_events.select_related("request", "actor").order_by(
        "-created_at", "-id"
    )
    items += [_request_item(e) for e in request_events[:limit]]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
