"""Quotes and charges for chargeable work on a service request, and the customer's link.

A quote prices work the warranty does not pay for (labour, parts, travel…). It is a
draft while staff add lines, is sent to the customer, and is then accepted or declined
(by the customer through their link or their own login, or by staff on the customer's
behalf, saying how the customer answered), or withdrawn. A request has at most one
open (draft or sent) quote at a time. Once work under an accepted quote is done, a
charge records what the customer owes; it is then paid or (by a manager) waived.

Each public function checks who may do it and whether the quote's state allows it,
then makes the change and appends its timeline event, in one transaction. Rows are
locked in a fixed order, the request first and then the quote or charge, so that two
people acting at once queue instead of deadlocking. The total of a quote is always
computed here from its lines; a total sent by a client is never trusted.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import Role
from aftersales.catalog.models import SparePart
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.service import access
from aftersales.service.choices import EventKind, Status, Visibility
from aftersales.service.models import ServiceRequest
from aftersales.service.services import CLOCK_SKEW, _event, _locked, _touch
from aftersales.warranty.decision import FREE
from aftersales.warranty.models import (
    Charge,
    ChargeStatus,
    LineKind,
    PaymentMethod,
    Quote,
    QuoteLine,
    QuoteStatus,
)

CENT = Decimal("0.01")
# The largest total the `total` column holds (12 digits, 2 after the point).
MAX_TOTAL = Decimal("9999999999.99")
OPEN = frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT})
DECIDED = frozenset({QuoteStatus.ACCEPTED, QuoteStatus.DECLINED})
# No quote work on the archive: a closed or cancelled request is finished.
ARCHIVED = frozenset({Status.CLOSED, Status.CANCELLED})

# The customer's link: signed (not stored), so it needs no table and cannot be guessed.
# The salt keeps these signatures from being valid anywhere else the secret key signs.
LINK_SALT = "aftersales.service.quotes.customer-link"
LINK_DAYS = 14


class AnswerVia(models.TextChoices):
    """How the customer's answer to a quote reached us."""

    LINK = "link", gettext_lazy("The customer's link")
    ONLINE = "online", gettext_lazy("The customer's own login")
    PHONE = "phone", gettext_lazy("By phone")
    IN_PERSON = "in_person", gettext_lazy("In person")
    SMS = "sms", gettext_lazy("SMS")
    WECHAT = "wechat", gettext_lazy("WeChat")
    EMAIL = "email", gettext_lazy("Email")


# What staff may record when answering on the customer's behalf.
STAFF_VIAS = (
    AnswerVia.PHONE,
    AnswerVia.IN_PERSON,
    AnswerVia.SMS,
    AnswerVia.WECHAT,
    AnswerVia.EMAIL,
)


@dataclass(frozen=True)
class LineInput:
    """One line as a person or client gives it; `_build_line` checks and completes it.

    A part line may name only the spare part: its description and unit price then come
    from the catalog.
    """

    kind: str
    description: str = ""
    quantity: Decimal | str | int = 1
    unit_price: Decimal | str | None = None
    spare_part: SparePart | None = None


# --- Who may ---------------------------------------------------------------------------


def _is_customer(user) -> bool:
    return user is not None and user.role == Role.CUSTOMER and not user.is_superuser


def may_manage(user) -> bool:
    """Whether this kind of user prepares quotes and records charges (staff, not customers),
    on a request they can see."""
    return user is not None and access.sees_internal(user)


def can_manage(user, request: ServiceRequest) -> bool:
    return may_manage(user) and access.can_view(user, request)


def check_manage(user, request: ServiceRequest) -> None:
    if not can_manage(user, request):
        raise NotAllowed(_("You may not prepare quotes or charges for this request."))


def can_waive(user) -> bool:
    return user is not None and user.is_active and user.is_manager


def _check_request_open(request: ServiceRequest) -> None:
    if request.status in ARCHIVED:
        raise DomainError(
            _("Request %(number)s is %(status)s; its quotes can no longer change.")
            % {"number": request.number, "status": Status(request.status).label},
            code="request_archived",
        )


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


# What each action needs the quote's status to be.
ALLOWED_FROM = {
    "edit": {QuoteStatus.DRAFT},
    "send": {QuoteStatus.DRAFT},
    "accept": {QuoteStatus.SENT},
    "decline": {QuoteStatus.SENT},
    "withdraw": {QuoteStatus.DRAFT, QuoteStatus.SENT},
}


def _check_state(quote: Quote, action: str) -> None:
    """Refuse an action the quote's status does not allow, saying what happened to it."""
    if quote.status in ALLOWED_FROM[action]:
        return
    status = quote.status
    if status == QuoteStatus.DRAFT:
        raise DomainError(
            _("This quote has not been sent to the customer yet."), code="quote_not_sent"
        )
    if status == QuoteStatus.SENT:
        message = (
            _("This quote was already sent on %(date)s; nothing was changed.")
            if action == "send"
            else _(
                "This quote was sent to the customer on %(date)s and can no longer be changed. "
                "Withdraw it and make a new one."
            )
        )
        raise Conflict(message % {"date": _when(quote.sent_at)}, code="quote_sent")
    messages = {
        QuoteStatus.ACCEPTED: _(
            "This quote was already accepted on %(date)s; nothing was changed."
        ),
        QuoteStatus.DECLINED: _(
            "This quote was already declined on %(date)s; nothing was changed."
        ),
        QuoteStatus.WITHDRAWN: _("This quote was withdrawn on %(date)s; nothing was changed."),
    }
    raise Conflict(messages[status] % {"date": _when(quote.decided_at)}, code="quote_closed")


def quote_actions(user, quote: Quote, *, manage: bool | None = None) -> frozenset[str]:
    """The actions this user may take on the quote now, for buttons and the API.

    `manage` may be given when the caller already knows whether the user manages the
    request (the request page), to save a query.
    """
    if user is None:
        return frozenset()
    actions = _status_actions(quote)
    if quote.request.status in ARCHIVED:
        actions &= {"withdraw"}
    if _is_customer(user):
        if user.customer_id != quote.request.customer_id:
            return frozenset()
        return actions & {"accept", "decline"}
    if manage is None:
        manage = can_manage(user, quote.request)
    return actions if manage else frozenset()


def _status_actions(quote: Quote) -> frozenset[str]:
    return frozenset(action for action, states in ALLOWED_FROM.items() if quote.status in states)


def visible_quotes(user, queryset=None):
    """The quotes this user may read: those of requests they can see; customers only
    what was sent to them (never drafts)."""
    queryset = Quote.objects.all() if queryset is None else queryset
    queryset = queryset.filter(request__in=access.visible_requests(user).values("pk"))
    if _is_customer(user):
        queryset = queryset.filter(sent_at__isnull=False)
    return queryset


def quotes_of(request: ServiceRequest, user=None) -> list[Quote]:
    """The request's quotes, newest first, with their lines, parts and people, in a fixed
    number of queries; only those `user` may read when given."""
    queryset = Quote.objects.filter(request=request)
    if user is not None and _is_customer(user):
        queryset = queryset.filter(sent_at__isnull=False)
    found = list(
        queryset.select_related("decided_by", "created_by").prefetch_related(
            Prefetch("lines", queryset=QuoteLine.objects.select_related("spare_part"))
        )
    )
    for quote in found:
        quote.request = request
    return found


# --- Locks and versions --------------------------------------------------------------------


def _lock_quote(quote: Quote) -> Quote:
    """The quote re-read under row locks: its request first, then the quote (fixed order)."""
    request = _locked(quote.request, None)
    current = Quote.objects.select_for_update().get(pk=quote.pk)
    current.request = request
    return current


def _check_version(quote: Quote, expected_version: int | None) -> None:
    if expected_version is not None and quote.version != int(expected_version):
        raise Conflict(
            _(
                "Someone else changed this quote while you were looking at it. "
                "Reload the page to see it as it is now, then try again."
            ),
            code="stale_version",
        )


def _bump(quote: Quote, fields: Iterable[str]) -> None:
    quote.version += 1
    quote.save(update_fields=[*dict.fromkeys(fields), "version"])


# --- Lines and totals ----------------------------------------------------------------------


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise DomainError(
            _("%(label)s must be a number, e.g. 1 or 99.50.") % {"label": label}, field=field
        )
    return number


def _build_line(quote: Quote, line: LineInput) -> QuoteLine:
    """A checked, complete line for `quote` (not saved); refuses what makes no sense."""
    if line.kind not in LineKind.values:
        raise DomainError(
            _("Choose the kind of line: %(kinds)s.")
            % {"kinds": ", ".join(str(label) for label in LineKind.labels)},
            field="kind",
        )
    part = line.spare_part
    if part is not None:
        if line.kind != LineKind.PART:
            raise DomainError(_("A spare part goes on a line of kind Part."), field="kind")
        if part.currency != quote.currency:
            raise DomainError(
                _("%(part)s is priced in %(part_currency)s; this quote is in %(currency)s.")
                % {"part": part, "part_currency": part.currency, "currency": quote.currency},
                field="spare_part",
            )
    description = (line.description or "").strip() or (part.name if part else "")
    if not description:
        raise DomainError(
            _("Describe the line, e.g. Labour: replace the fan."), field="description"
        )
    quantity = _decimal(line.quantity, "quantity", _("Quantity"))
    if quantity <= 0:
        raise DomainError(_("The quantity must be more than zero."), field="quantity")
    price = line.unit_price
    if (price is None or str(price).strip() == "") and part is not None:
        price = part.unit_price
    if price is None or str(price).strip() == "":
        raise DomainError(_("Give the unit price."), field="unit_price")
    price = _decimal(price, "unit_price", _("Unit price"))
    if price < 0:
        raise DomainError(_("The unit price cannot be negative."), field="unit_price")
    built = QuoteLine(
        quote=quote,
        kind=line.kind,
        description=description,
        spare_part=part,
        quantity=quantity,
        unit_price=price,
    )
    # Digits and lengths as the columns hold them (too many decimals, too long a text).
    built.full_clean(exclude=["quote"])
    built.quantity, built.unit_price = quantity.quantize(CENT), price.quantize(CENT)
    return built


def _recompute(quote: Quote) -> None:
    total = sum((line.amount for line in quote.lines.all()), Decimal("0.00"))
    if total > MAX_TOTAL:
        raise DomainError(_("The quote's total is too large."), code="total_too_large")
    quote.total = total.quantize(CENT)


def _check_valid_until(day: datetime.date | None) -> None:
    if day is not None and day < timezone.localdate():
        raise DomainError(_("A quote cannot be valid only until a past day."), field="valid_until")


def _check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise DomainError(_("Give the currency as a 3-letter code, e.g. CNY."), field="currency")
    return code


def _money(amount: Decimal, currency: str) -> dict:
    return {"amount": f"{amount:.2f}", "currency": currency}


# --- Quotes ----------------------------------------------------------------------------------


@transaction.atomic
def create_quote(
    request: ServiceRequest,
    *,
    actor,
    lines: Iterable[LineInput] = (),
    note: str = "",
    valid_until: datetime.date | None = None,
    currency: str = "",
) -> Quote:
    """Start a draft quote for the request, with its first lines if given."""
    check_manage(actor, request)
    currency = _check_currency(currency or settings.DEFAULT_CURRENCY)
    _check_valid_until(valid_until)
    request = _locked(request, None)
    _check_request_open(request)
    # Under the request's lock: two people starting a quote at once get one quote.
    current = Quote.objects.filter(request=request, status__in=OPEN).first()
    if current is not None:
        raise Conflict(
            _(
                "Request %(number)s already has an open quote (%(status)s). "
                "Finish or withdraw it before starting another."
            )
            % {"number": request.number, "status": QuoteStatus(current.status).label},
            code="open_quote",
        )
    quote = Quote(
        request=request,
        currency=currency,
        note=(note or "").strip(),
        valid_until=valid_until,
        created_by=actor,
    )
    built = [_build_line(quote, line) for line in lines]
    quote.save()
    for line in built:
        line.quote = quote
    QuoteLine.objects.bulk_create(built)
    _recompute(quote)
    quote.save(update_fields=["total"])
    _touch(request)
    _event(
        request,
        EventKind.QUOTE,
        actor,
        data={"action": "created", "quote": quote.pk, **_money(quote.total, quote.currency)},
    )
    return quote


_UNSET = object()


@transaction.atomic
def update_quote(
    quote: Quote,
    *,
    actor,
    expected_version: int | None = None,
    note: str | None = None,
    valid_until=_UNSET,
    lines: Iterable[LineInput] | None = None,
) -> Quote:
    """Change a draft: its note, validity, or all its lines at once (`lines` replaces them).

    Drafts are work in progress and change without timeline events; what the customer
    was sent is recorded when the quote is sent.
    """
    check_manage(actor, quote.request)
    quote = _lock_quote(quote)
    _check_state(quote, "edit")
    _check_version(quote, expected_version)
    _check_request_open(quote.request)
    changed = ["total"]
    if note is not None:
        quote.note = note.strip()
        changed.append("note")
    if valid_until is not _UNSET:
        _check_valid_until(valid_until)
        quote.valid_until = valid_until
        changed.append("valid_until")
    if lines is not None:
        built = [_build_line(quote, line) for line in lines]
        quote.lines.all().delete()
        QuoteLine.objects.bulk_create(built)
    _recompute(quote)
    _bump(quote, changed)
    return quote


@transaction.atomic
def add_line(
    quote: Quote, *, actor, line: LineInput, expected_version: int | None = None
) -> QuoteLine:
    check_manage(actor, quote.request)
    quote = _lock_quote(quote)
    _check_state(quote, "edit")
    _check_version(quote, expected_version)
    _check_request_open(quote.request)
    built = _build_line(quote, line)
    built.save()
    _recompute(quote)
    _bump(quote, ["total"])
    return built


@transaction.atomic
def remove_line(quote: Quote, *, actor, line_id: int, expected_version: int | None = None) -> Quote:
    check_manage(actor, quote.request)
    quote = _lock_quote(quote)
    _check_state(quote, "edit")
    _check_version(quote, expected_version)
    _check_request_open(quote.request)
    deleted, _rows = QuoteLine.objects.filter(quote=quote, pk=line_id).delete()
    if not deleted:
        raise DomainError(_("This line is not on the quote (any more)."), code="no_such_line")
    _recompute(quote)
    _bump(quote, ["total"])
    return quote


def _line_facts(quote: Quote) -> list[dict]:
    return [
        {
            "kind": line.kind,
            "description": line.description,
            "quantity": f"{line.quantity:.2f}",
            "unit_price": f"{line.unit_price:.2f}",
            "amount": f"{line.amount:.2f}",
        }
        for line in quote.lines.all()
    ]


@transaction.atomic
def send_quote(quote: Quote, *, actor, expected_version: int | None = None) -> Quote:
    """Send the draft to the customer: from now on it can only be answered or withdrawn.

    The customer's link (`link_token`) is shown to staff to pass on; the timeline
    event, which the customer sees, keeps the lines as they were sent.
    """
    check_manage(actor, quote.request)
    quote = _lock_quote(quote)
    _check_state(quote, "send")
    _check_version(quote, expected_version)
    _check_request_open(quote.request)
    lines = _line_facts(quote)
    if not lines:
        raise DomainError(_("Add at least one line before sending the quote."), code="no_lines")
    _recompute(quote)
    if quote.total <= 0:
        raise DomainError(
            _("The quote's total is zero: there is nothing to ask the customer to pay."),
            code="zero_total",
        )
    if quote.valid_until is not None and quote.valid_until < timezone.localdate():
        raise DomainError(
            _("The quote was valid only until %(date)s. Change the date before sending it.")
            % {"date": quote.valid_until.isoformat()},
            field="valid_until",
        )
    quote.status = QuoteStatus.SENT
    quote.sent_at = timezone.now()
    _bump(quote, ["status", "sent_at", "total"])
    _touch(quote.request)
    _event(
        quote.request,
        EventKind.QUOTE,
        actor,
        body=quote.note,
        visibility=Visibility.PUBLIC,
        data={
            "action": "sent",
            "quote": quote.pk,
            **_money(quote.total, quote.currency),
            "lines": lines,
        },
        at=quote.sent_at,
    )
    return quote


def check_answer(actor, quote: Quote, via: str) -> str:
    """Who may answer for the customer, and how the answer came; returns the `via` to record.

    Customers answer their own quotes themselves (`online`); staff who manage the request
    record the customer's answer and must say how it reached them.
    """
    request = quote.request
    if _is_customer(actor):
        if not actor.is_active or actor.customer_id != request.customer_id:
            raise NotAllowed(_("You may not answer this quote."))
        return AnswerVia.ONLINE
    if not can_manage(actor, request):
        raise NotAllowed(_("You may not answer this quote."))
    if via not in STAFF_VIAS:
        raise DomainError(
            _("Say how the customer gave their answer: %(ways)s.")
            % {"ways": ", ".join(str(AnswerVia(v).label) for v in STAFF_VIAS)},
            field="via",
        )
    return via


def accept_quote(
    quote: Quote, *, actor, via: str = "", note: str = "", expected_version: int | None = None
) -> Quote:
    """The customer accepts the quote (themselves, or staff recording their answer)."""
    via = check_answer(actor, quote, via)
    return _answer(quote, actor, True, via, note, expected_version)


def decline_quote(
    quote: Quote, *, actor, via: str = "", reason: str = "", expected_version: int | None = None
) -> Quote:
    """The customer declines the quote, with their reason if they gave one."""
    via = check_answer(actor, quote, via)
    return _answer(quote, actor, False, via, reason, expected_version)


@transaction.atomic
def _answer(quote, actor, accepted: bool, via: str, note: str, expected_version) -> Quote:
    quote = _lock_quote(quote)
    # The state first: a second answer (a double click, a replayed link) is told what the
    # first one was, not merely that the quote changed.
    _check_state(quote, "accept" if accepted else "decline")
    _check_version(quote, expected_version)
    _check_request_open(quote.request)
    if accepted and quote.valid_until is not None and quote.valid_until < timezone.localdate():
        raise DomainError(
            _("This quote was valid until %(date)s. Ask us for a new quote.")
            % {"date": quote.valid_until.isoformat()},
            code="quote_expired",
        )
    quote.status = QuoteStatus.ACCEPTED if accepted else QuoteStatus.DECLINED
    quote.decided_at = timezone.now()
    quote.decided_by = actor
    quote.decision_note = (note or "").strip()
    _bump(quote, ["status", "decided_at", "decided_by", "decision_note"])
    _touch(quote.request)
    _event(
        quote.request,
        EventKind.QUOTE,
        actor,
        body=quote.decision_note,
        visibility=Visibility.PUBLIC,
        data={
            "action": quote.status,
            "quote": quote.pk,
            "via": via,
            **_money(quote.total, quote.currency),
        },
        at=quote.decided_at,
    )
    return quote


@transaction.atomic
def withdraw_quote(
    quote: Quote, *, actor, reason: str = "", expected_version: int | None = None
) -> Quote:
    """Take back a draft or a sent quote (a mistake, a new price…); its link stops working.

    `decided_at`/`decided_by`/`decision_note` then say when, by whom and why.
    """
    if actor is not None:  # None: the system, e.g. when the request is cancelled
        check_manage(actor, quote.request)
    quote = _lock_quote(quote)
    _check_state(quote, "withdraw")
    _check_version(quote, expected_version)
    was_sent = quote.status == QuoteStatus.SENT
    quote.status = QuoteStatus.WITHDRAWN
    quote.decided_at = timezone.now()
    quote.decided_by = actor
    quote.decision_note = (reason or "").strip()
    _bump(quote, ["status", "decided_at", "decided_by", "decision_note"])
    _touch(quote.request)
    _event(
        quote.request,
        EventKind.QUOTE,
        actor,
        body=quote.decision_note,
        # The customer was told about a sent quote, so they are told it is withdrawn.
        visibility=Visibility.PUBLIC if was_sent else Visibility.INTERNAL,
        data={"action": "withdrawn", "quote": quote.pk, **_money(quote.total, quote.currency)},
        at=quote.decided_at,
    )
    return quote


def warranty_covers_repair(request: ServiceRequest) -> bool:
    """Whether the request's warranty decision says the repair itself is free."""
    return (request.entitlement or {}).get("repair_charge") == FREE


# --- The customer's link -------------------------------------------------------------------


def link_token(quote: Quote) -> str:
    """The signed token of the customer's link to a sent quote.

    It holds the quote's id and version: any later change of the quote (an answer, a
    withdrawal) makes it stale, so a link is good for one answer only. It is the same
    every time it is made (no time inside), so the page can show it again; it expires
    `LINK_DAYS` after the quote was sent, or at the end of `valid_until` if sooner.
    """
    return signing.Signer(salt=LINK_SALT).sign_object({"q": quote.pk, "v": quote.version})


def link_expires_at(quote: Quote) -> datetime.datetime | None:
    if quote.sent_at is None:
        return None
    expires = quote.sent_at + datetime.timedelta(days=LINK_DAYS)
    if quote.valid_until is not None:
        end_of_day = datetime.datetime.combine(
            quote.valid_until + datetime.timedelta(days=1),
            datetime.time.min,
            tzinfo=timezone.get_current_timezone(),
        )
        expires = min(expires, end_of_day)
    return expires


class LinkProblem(models.TextChoices):
    INVALID = "invalid", gettext_lazy("This link is not valid")
    EXPIRED = "expired", gettext_lazy("This link has expired")
    ANSWERED = "answered", gettext_lazy("This quote has already been answered")
    WITHDRAWN = "withdrawn", gettext_lazy("This quote was withdrawn")


@dataclass(frozen=True)
class Link:
    """What a link points at: the quote (if any), and why it cannot be answered (if so)."""

    quote: Quote | None
    version: int = 0
    problem: str = ""

    @property
    def answerable(self) -> bool:
        return self.quote is not None and not self.problem


def read_link(token: str) -> Link:
    """The quote behind a customer's link, and whether it can still be answered."""
    try:
        data = signing.Signer(salt=LINK_SALT).unsign_object(token)
        pk, version = int(data["q"]), int(data["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Link(None, problem=LinkProblem.INVALID)
    quote = (
        Quote.objects.select_related("request__customer", "request__unit__product")
        .prefetch_related("lines")
        .filter(pk=pk)
        .first()
    )
    if quote is None:
        return Link(None, problem=LinkProblem.INVALID)
    if quote.status in DECIDED:
        return Link(quote, version, LinkProblem.ANSWERED)
    if quote.status == QuoteStatus.WITHDRAWN:
        return Link(quote, version, LinkProblem.WITHDRAWN)
    if quote.status != QuoteStatus.SENT or quote.version != version:
        return Link(quote, version, LinkProblem.INVALID)
    expires = link_expires_at(quote)
    if expires is not None and expires <= timezone.now():
        return Link(quote, version, LinkProblem.EXPIRED)
    return Link(quote, version)


def answer_by_link(token: str, *, accept: bool, reason: str = "") -> Quote:
    """The customer's answer through their link; no login. A second answer is refused."""
    link = read_link(token)
    if not link.answerable:
        raise Conflict(
            LinkProblem(link.problem).label if link.problem else _("This link is not valid"),
            code=f"link_{link.problem or 'invalid'}",
        )
    # The link's version, checked under the lock: two answers racing get one winner.
    return _answer(link.quote, None, accept, AnswerVia.LINK, reason, link.version)


# --- Charges ---------------------------------------------------------------------------------


def charge_for_request(request: ServiceRequest, *, actor) -> list[Charge]:
    """Record a charge for each accepted quote of the request that has none yet.

    Safe to call any number of times (e.g. on every resolve): it returns the charges it
    created, and an empty list when there was nothing new to charge. `actor` None is
    the system.
    """
    if actor is not None:
        check_manage(actor, request)
    created = []
    with transaction.atomic():
        request = _locked(request, None)
        quotes = Quote.objects.filter(
            request=request, status=QuoteStatus.ACCEPTED, charge__isnull=True
        ).order_by("id")
        for quote in quotes:
            try:
                with transaction.atomic():
                    charge = Charge.objects.create(
                        request=request,
                        quote=quote,
                        amount=quote.total,
                        currency=quote.currency,
                        created_by=actor,
                    )
            except IntegrityError:  # one quote, one charge: another call recorded it
                continue
            created.append(charge)
            _event(
                request,
                EventKind.CHARGE,
                actor,
                visibility=Visibility.PUBLIC,
                data={
                    "action": "recorded",
                    "charge": charge.pk,
                    "quote": quote.pk,
                    **_money(charge.amount, charge.currency),
                },
            )
        if created:
            _touch(request)
    return created


def record_charge(request: ServiceRequest, *, actor) -> list[Charge]:
    """The "Record charge" button: like `charge_for_request`, but says why nothing happened."""
    check_manage(actor, request)
    created = charge_for_request(request, actor=actor)
    if created:
        return created
    if Charge.objects.filter(request=request, quote__status=QuoteStatus.ACCEPTED).exists():
        raise Conflict(
            _("The charge for the accepted quote is already recorded; nothing was changed."),
            code="already_charged",
        )
    raise DomainError(
        _("There is no accepted quote to charge for. The customer must accept a quote first."),
        code="nothing_to_charge",
    )


def _lock_charge(charge: Charge) -> Charge:
    request = _locked(charge.request, None)
    current = Charge.objects.select_for_update().get(pk=charge.pk)
    current.request = request
    return current


def _check_due(charge: Charge) -> None:
    if charge.status == ChargeStatus.PAID:
        raise Conflict(
            _("This charge was already paid on %(date)s (%(method)s); nothing was changed.")
            % {"date": _when(charge.paid_at), "method": charge.get_method_display()},
            code="charge_closed",
        )
    if charge.status == ChargeStatus.WAIVED:
        raise Conflict(
            _("This charge was already waived; nothing was changed."), code="charge_closed"
        )


@transaction.atomic
def mark_paid(
    charge: Charge, *, actor, method: str, paid_at: datetime.datetime | None = None
) -> Charge:
    """The customer paid the charge (cash to the technician, WeChat Pay, transfer…)."""
    check_manage(actor, charge.request)
    if method not in PaymentMethod.values:
        raise DomainError(
            _("Choose how the customer paid: %(methods)s.")
            % {"methods": ", ".join(str(label) for label in PaymentMethod.labels)},
            field="method",
        )
    now = timezone.now()
    if paid_at is not None and paid_at > now + CLOCK_SKEW:
        raise DomainError(_("A payment cannot be recorded in the future."), field="paid_at")
    charge = _lock_charge(charge)
    _check_due(charge)
    charge.status = ChargeStatus.PAID
    charge.method = method
    charge.paid_at = paid_at or now
    charge.save(update_fields=["status", "method", "paid_at"])
    _touch(charge.request)
    _event(
        charge.request,
        EventKind.CHARGE,
        actor,
        visibility=Visibility.PUBLIC,
        data={
            "action": "paid",
            "charge": charge.pk,
            "method": method,
            **_money(charge.amount, charge.currency),
        },
    )
    return charge


@transaction.atomic
def waive_charge(charge: Charge, *, actor, reason: str) -> Charge:
    """A manager lets the customer off the charge; the reason goes on the timeline."""
    check_manage(actor, charge.request)
    if not can_waive(actor):
        raise NotAllowed(_("Only a service manager may waive a charge."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the charge is waived."), field="reason")
    charge = _lock_charge(charge)
    _check_due(charge)
    charge.status = ChargeStatus.WAIVED
    charge.save(update_fields=["status"])
    _touch(charge.request)
    _event(
        charge.request,
        EventKind.CHARGE,
        actor,
        body=reason,
        visibility=Visibility.PUBLIC,
        data={"action": "waived", "charge": charge.pk, **_money(charge.amount, charge.currency)},
    )
    return charge
