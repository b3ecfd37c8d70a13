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


# --- Senders from the channels (email, web form, chat, WeChat, SMS) ----------------------


def find_sender(*, email: str = "", phone: str = "") -> tuple[Customer | None, Contact | None]:
    """The customer (and contact, when it is a contact's address) a message came from.

    An email address matches exactly (any case) on the customer's or a contact's email; a
    phone number matches on its normalised form. The oldest customer wins when an address
    is shared, so the answer does not change as customers are added.
    """
    email = (email or "").strip()
    phone = normalize_phone(phone or "")
    for field, value in (("email__iexact", email), ("phone_normalized", phone)):
        if not value or (field == "phone_normalized" and not value.startswith("+")):
            continue
        customer = Customer.objects.filter(**{field: value}).order_by("id").first()
        if customer is not None:
            return customer, None
        contact = (
            Contact.objects.filter(**{field: value})
            .select_related("customer")
            .order_by("id")
            .first()
        )
        if contact is not None:
            return contact.customer, contact
    return None, None


@transaction.atomic
def customer_for_sender(
    *, email: str = "", phone: str = "", name: str = "", source: str = "", language: str = ""
) -> tuple[Customer, Contact | None, bool]:
    """The customer behind a message from a channel: (customer, contact, created).

    Found by email or phone (`find_sender`); a sender known only by name is always new.

    A sender we do not know becomes a new person customer flagged `needs_review`, named
    as they signed (or by their address), so nothing they send is lost and someone checks
    later whether they are an existing customer under another address.
    """
    customer, contact = find_sender(email=email, phone=phone)
    if customer is not None:
        return customer, contact, False
    email = (email or "").strip()
    phone = (phone or "").strip()
    if not email and not phone and not (name or "").strip():
        # A WeChat or chat sender may give only a name (their channel's own id is kept
        # by the channel); someone with nothing at all cannot be a customer.
        raise ValueError("a sender needs an email address, a phone number or a name")
    fields = {
        "name": (name or "").strip()[:200] or email or phone,
        "email": email,
        "phone": phone,
    }
    if language:
        fields["language"] = language
    customer = Customer(**fields, needs_review=True, source=source[:20])
    customer.full_clean()
    customer.save()
    CustomerEvent.objects.create(
        customer=customer,
        kind=CustomerEvent.Kind.CREATED,
        data={"source": source, "needs_review": True},
    )
    return customer, None, True


@transaction.atomic
def mark_reviewed(customer: Customer, *, actor) -> Customer:
    """A person has checked a customer that arrived by a channel (not a duplicate)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.needs_review:
        customer.needs_review = False
        customer.save(update_fields=["needs_review", "updated_at"])
        CustomerEvent.objects.create(
            customer=customer, kind=CustomerEvent.Kind.REVIEWED, actor=actor
        )
    return customer
