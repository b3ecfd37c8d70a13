"""Use cases for customers: find a caller, create and edit customers and contacts."""

import re

from django.db import transaction
from django.db.models import Q, QuerySet

from aftersales.core.changes import apply_changes
from aftersales.customers.models import Contact, Customer, CustomerEvent
from aftersales.customers.phones import digits, looks_like_phone, normalize_phone

EDITABLE_FIELDS = (
    "kind",
    "name",
    "phone",
    "email",
    "province",
    "city",
    "district",
    "address",
    "language",
    "notes",
)


def search_customers(query: str, queryset: QuerySet[Customer] | None = None) -> QuerySet[Customer]:
    """Customers matching a phone number (any spelling), a name, or an email.

    A complete phone number matches exactly on the normalised form of the customer's or
    any contact's phone; a partial number (4+ digits) matches the digits it contains.
    """
    queryset = Customer.objects.all() if queryset is None else queryset
    query = (query or "").strip()
    if not query:
        return queryset.none()
    if looks_like_phone(query):
        normalized = normalize_phone(query)
        if normalized.startswith("+"):
            match = Q(phone_normalized=normalized) | Q(contacts__phone_normalized=normalized)
        else:
            part = digits(query)
            parts = {part}
            if re.match(r"0[1-9]", part):
                # Stored numbers carry no trunk "0" (010 6552 9988 is +86 10 6552 9988),
                # so a partial "010 6552" is also looked for as "106552".
                parts.add(part[1:])
            match = Q()
            for part in parts:
                match |= Q(phone_normalized__contains=part)
                match |= Q(contacts__phone_normalized__contains=part)
        return queryset.filter(match).distinct()
    match = Q(name__icontains=query) | Q(contacts__name__icontains=query)
    if "@" in query:
        match |= Q(email__iexact=query) | Q(contacts__email__iexact=query)
    return queryset.filter(match).distinct()


@transaction.atomic
def create_customer(*, actor=None, contacts: list[dict] | None = None, **fields) -> Customer:
    customer = Customer(**{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    customer.full_clean()
    customer.save()
    CustomerEvent.objects.create(customer=customer, kind=CustomerEvent.Kind.CREATED, actor=actor)
    for contact in contacts or []:
        add_contact(customer, actor=actor, **contact)
    return customer


@transaction.atomic
def update_customer(customer: Customer, *, actor=None, **changes) -> Customer:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    diff = apply_changes(customer, changes)
    if diff:
        customer.full_clean()
        customer.save()
        CustomerEvent.objects.create(
            customer=customer, kind=CustomerEvent.Kind.UPDATED, actor=actor, data={"changes": diff}
        )
    return customer


@transaction.atomic
def add_contact(customer: Customer, *, actor=None, **fields) -> Contact:
    contact = Contact(customer=customer, **fields)
    contact.full_clean()
    if contact.is_primary:
        customer.contacts.filter(is_primary=True).update(is_primary=False)
    contact.save()
    CustomerEvent.objects.create(
        customer=customer,
        kind=CustomerEvent.Kind.CONTACT_ADDED,
        actor=actor,
        body=contact.name,
        data={"contact_id": contact.pk, "role": contact.role},
    )
    return contact


def add_note(customer: Customer, *, actor, body: str) -> CustomerEvent:
    return CustomerEvent.objects.create(
        customer=customer, kind=CustomerEvent.Kind.NOTE, actor=actor, body=body
    )
