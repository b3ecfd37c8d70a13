"""Stock rules: receipts, transfers, scrap and stocktake; reservations for requests (also of
parts still coming from another location), parts used on a request, faulty parts sent back;
and the check that every cached level agrees with the ledger.

Every change locks the `StockLevel` rows it touches (`select_for_update`, in a fixed order
so two changes never wait on each other), checks what is available, writes its ledger
lines and the new levels in one transaction. A refusal raises DomainError / NotAllowed /
Conflict before anything is written.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.parts import access
from aftersales.parts.models import (
    STOCK_KINDS,
    DefectivePart,
    DefectiveStatus,
    LocationKind,
    MoveKind,
    PartUsage,
    ReorderRule,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockLocation,
    StockMove,
)
from aftersales.service import access as service_access
from aftersales.service.choices import DONE_STATUSES, EventKind, Status, Visibility
from aftersales.service.models import TimelineEvent
from aftersales.warranty.decision import FREE

# --- Levels and the ledger ----------------------------------------------------------------


def _level(part_id: int, location_id: int) -> StockLevel:
    """The level row of a part at a location, locked; created (empty) on first use."""
    # No ordering: the model's default joins the part and location tables, whose rows
    # FOR UPDATE would lock too (and deadlock with the next move of the same part).
    locked = StockLevel.objects.select_for_update(of=("self",)).order_by("pk")
    level = locked.filter(part_id=part_id, location_id=location_id).first()
    if level is None:
        try:
            with transaction.atomic():
                StockLevel.objects.create(part_id=part_id, location_id=location_id)
        except IntegrityError:  # someone else created it meanwhile
            pass
        level = locked.get(part_id=part_id, location_id=location_id)
    return level


def _quantity(value) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        quantity = 0
    if quantity <= 0:
        raise DomainError(_("Give a quantity of at least 1."), field="quantity")
    return quantity


def _short(part, location, level: StockLevel, wanted: int) -> Conflict:
    return Conflict(
        _(
            "Only %(available)s of %(part)s available at %(location)s (%(reserved)s reserved); "
            "%(wanted)s asked. Reserve it from another location or receive more first."
        )
        % {
            "available": level.available,
            "reserved": level.reserved,
            "part": part,
            "location": location,
            "wanted": wanted,
        },
        code="not_enough_stock",
        field="quantity",
    )


def _record(
    kind: str,
    part,
    quantity: int,
    *,
    source: StockLocation | None = None,
    target: StockLocation | None = None,
    actor=None,
    request=None,
    visit=None,
    reservation=None,
    reference: str = "",
    note: str = "",
) -> StockMove:
    """Write one ledger line and apply it to the (locked) levels it touches."""
    quantity = _quantity(quantity)
    places = sorted({loc.pk for loc in (source, target) if loc is not None})
    levels = {pk: _level(part.pk, pk) for pk in places}
    if kind in STOCK_KINDS:
        if source is not None:
            level = levels[source.pk]
            if level.available < quantity:
                raise _short(part, source, level, quantity)
            level.on_hand -= quantity
        if target is not None:
            levels[target.pk].on_hand += quantity
    elif kind == MoveKind.RESERVE:
        level = levels[source.pk]
        if level.available < quantity:
            raise _short(part, source, level, quantity)
        level.reserved += quantity
    elif kind == MoveKind.RELEASE:
        level = levels[source.pk]
        if level.reserved < quantity:  # the cache and the reservations disagree: stop
            raise Conflict(_("The stock level does not match its reservations; run the check."))
        level.reserved -= quantity
    for level in levels.values():
        level.save(update_fields=["on_hand", "reserved", "updated_at"])
    return StockMove.objects.create(
        part=part,
        kind=kind,
        quantity=quantity,
        from_location=source,
        to_location=target,
        actor=actor,
        request=request,
        visit=visit,
        reservation=reservation,
        reference=(reference or "").strip()[:64],
        note=(note or "").strip()[:500],
    )


@dataclass(frozen=True)
class Mismatch:
    part_id: int
    location_id: int
    cached_on_hand: int
    cached_reserved: int
    ledger_on_hand: int
    ledger_reserved: int


def ledger_levels() -> dict[tuple[int, int], list[int]]:
    """(part id, location id) → [on hand, reserved] summed from the ledger alone."""
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    moves = StockMove.objects.order_by()
    for row in (
        moves.filter(kind__in=STOCK_KINDS, to_location__isnull=False)
        .values("part_id", "to_location_id")
        .annotate(total=Sum("quantity"))
    ):
        totals[(row["part_id"], row["to_location_id"])][0] += row["total"]
    for row in (
        moves.filter(from_location__isnull=False)
        .values("part_id", "from_location_id", "kind")
        .annotate(total=Sum("quantity"))
    ):
        key = (row["part_id"], row["from_location_id"])
        if row["kind"] == MoveKind.RESERVE:
            totals[key][1] += row["total"]
        elif row["kind"] == MoveKind.RELEASE:
            totals[key][1] -= row["total"]
        else:
            totals[key][0] -= row["total"]
    return totals


def check_levels() -> list[Mismatch]:
    """Every cached level that disagrees with the ledger (none, when all is well); also
    a level that is negative or reserves more than is on hand, by the ledger's count."""
    derived = ledger_levels()
    cached = {
        (row["part_id"], row["location_id"]): (row["on_hand"], row["reserved"])
        for row in StockLevel.objects.values("part_id", "location_id", "on_hand", "reserved")
    }
    found = []
    for key in sorted(set(derived) | set(cached)):
        on_hand, reserved = derived.get(key, [0, 0])
        have = cached.get(key, (0, 0))
        if have != (on_hand, reserved) or on_hand < 0 or not 0 <= reserved <= on_hand:
            found.append(Mismatch(key[0], key[1], have[0], have[1], on_hand, reserved))
    return found


# --- Locations ----------------------------------------------------------------------------


def defective_location(center) -> StockLocation:
    """The center's defective-parts location, created on first use."""
    location = StockLocation.objects.filter(kind=LocationKind.DEFECTIVE, center=center).first()
    if location:
        return location
    try:
        with transaction.atomic():
            return StockLocation.objects.create(
                kind=LocationKind.DEFECTIVE,
                center=center,
                code=f"DEF-{center.code}"[:40],
                name=_("%(center)s · defective parts") % {"center": center.name},
            )
    except IntegrityError:
        return StockLocation.objects.get(kind=LocationKind.DEFECTIVE, center=center)


def warehouse() -> StockLocation | None:
    """The central warehouse replenishment comes from (the first active one)."""
    return (
        StockLocation.objects.filter(kind=LocationKind.WAREHOUSE, active=True)
        .order_by("code")
        .first()
    )


def _check_usable(location: StockLocation, field: str = "location") -> None:
    if not location.active:
        raise DomainError(
            _("%(location)s is no longer in use.") % {"location": location}, field=field
        )
    if location.kind == LocationKind.DEFECTIVE:
        raise DomainError(
            _(
                "%(location)s holds faulty parts; they can only go back to the supplier or be "
                "scrapped."
            )
            % {"location": location},
            field=field,
        )


# --- Receipts, transfers, scrap, stocktake ------------------------------------------------


def check_receipt(actor, location: StockLocation) -> None:
    if not access.can_manage_stock(actor):
        raise NotAllowed(_("Only a service manager may record goods received."))
    _check_usable(location)


@transaction.atomic
def receive(part, location, quantity, *, actor, reference="", note="") -> StockMove:
    """Goods received from a supplier or the factory at `location`."""
    check_receipt(actor, location)
    return _record(
        MoveKind.RECEIPT,
        part,
        quantity,
        target=location,
        actor=actor,
        reference=reference,
        note=note,
    )


def check_transfer(actor, source: StockLocation, target: StockLocation) -> None:
    if source.pk == target.pk:
        raise DomainError(_("Choose two different locations."), field="to_location")
    if not access.can_transfer(actor, source, target):
        raise NotAllowed(_("You may not move parts between these locations."))
    _check_usable(source, "from_location")
    _check_usable(target, "to_location")


@transaction.atomic
def transfer(part, source, target, quantity, *, actor, reference="", note="") -> StockMove:
    """Move available (unreserved) stock from one location to another."""
    check_transfer(actor, source, target)
    return _record(
        MoveKind.TRANSFER,
        part,
        quantity,
        source=source,
        target=target,
        actor=actor,
        reference=reference,
        note=note,
    )


@transaction.atomic
def scrap(part, location, quantity, *, actor, note="") -> StockMove:
    """Write off damaged or obsolete stock (faulty parts returned by customers: see
    `close_defective`)."""
    if not access.can_manage_stock(actor):
        raise NotAllowed(_("Only a service manager may scrap stock."))
    if location.kind == LocationKind.DEFECTIVE:
        raise DomainError(
            _("Scrap faulty parts from the defective parts list, one by one."), field="location"
        )
    if not (note or "").strip():
        raise DomainError(_("Say why the parts are scrapped."), field="note")
    return _record(MoveKind.SCRAP, part, quantity, source=location, actor=actor, note=note)


@transaction.atomic
def adjust(part, location, counted, *, actor, note="") -> StockMove | None:
    """A stocktake: the count found becomes the level on hand (a move in or out of the
    difference; None when the count matches). Reserved units cannot be counted away."""
    if not access.can_manage_stock(actor):
        raise NotAllowed(_("Only a service manager may correct stock after a count."))
    if counted is None or int(counted) < 0:
        raise DomainError(_("The count cannot be negative."), field="quantity")
    if not (note or "").strip():
        raise DomainError(_("Say why the count differs (stocktake, damage…)."), field="note")
    counted = int(counted)
    level = _level(part.pk, location.pk)
    if counted < level.reserved:
        raise Conflict(
            _("%(reserved)s are reserved for requests here; release them before counting fewer.")
            % {"reserved": level.reserved},
            field="quantity",
        )
    difference = counted - level.on_hand
    if difference == 0:
        return None
    if difference > 0:
        return _record(MoveKind.ADJUST, part, difference, target=location, actor=actor, note=note)
    return _record(MoveKind.ADJUST, part, -difference, source=location, actor=actor, note=note)


# Moves the moves form and the API offer directly; the others come from reservations,
# parts used and faulty part returns.
DIRECT_MOVES = (MoveKind.RECEIPT, MoveKind.TRANSFER, MoveKind.SCRAP, MoveKind.ADJUST)


def record_move(
    kind, part, quantity, *, actor, from_location=None, to_location=None, reference="", note=""
) -> StockMove | None:
    """One entry point for the moves form and the API."""
    if kind == MoveKind.RECEIPT:
        if to_location is None:
            raise DomainError(_("Choose where the parts were received."), field="to_location")
        return receive(part, to_location, quantity, actor=actor, reference=reference, note=note)
    if kind == MoveKind.TRANSFER:
        if from_location is None or to_location is None:
            raise DomainError(_("Choose where the parts come from and go to."), "to_location")
        return transfer(
            part,
            from_location,
            to_location,
            quantity,
            actor=actor,
            reference=reference,
            note=note,
        )
    if kind in (MoveKind.SCRAP, MoveKind.ADJUST):
        location = from_location or to_location
        if location is None:
            raise DomainError(_("Choose the location."), field="from_location")
        if kind == MoveKind.SCRAP:
            return scrap(part, location, quantity, actor=actor, note=note)
        return adjust(part, location, quantity, actor=actor, note=note)
    raise DomainError(
        _(
            "Record receipts, transfers, scrap and stocktakes here; reservations and parts "
            "used are recorded on the request."
        ),
        field="kind",
    )


# --- Reorder points -----------------------------------------------------------------------


@transaction.atomic
def save_rule(rule: ReorderRule, actor) -> ReorderRule:
    if not access.can_manage_stock(actor):
        raise NotAllowed(_("Only a service manager may set reorder points."))
    if rule.target is None or rule.minimum is None or rule.target < rule.minimum:
        raise DomainError(_("Refill up to at least the reorder point."), field="target")
    clash = ReorderRule.objects.filter(part=rule.part, location=rule.location).exclude(pk=rule.pk)
    if clash.exists():
        raise Conflict(_("This part already has a reorder point at this location."), "part")
    _check_usable(rule.location)
    rule.save()
    return rule


# --- The request's timeline ---------------------------------------------------------------


def _note_on_request(request, actor, body: str, **data) -> None:
    TimelineEvent.objects.create(
        request=request,
        kind=EventKind.COMMENT,
        actor=actor,
        body=body,
        visibility=Visibility.INTERNAL,
        data={"parts": data.pop("action"), **data},
        created_at=timezone.now(),
    )


def _line(part, quantity) -> str:
    return f"{part.name} ({part.part_number}) ×{quantity}"


# --- Reservations -------------------------------------------------------------------------


def check_for_request(actor, request, visit=None) -> None:
    if not service_access.can_view(actor, request):
        raise NotAllowed(_("You may not change this request."))
    if request.status in DONE_STATUSES:
        raise DomainError(
            _("The request is %(status)s; reopen it before reserving or using parts.")
            % {"status": Status(request.status).label.lower()}
        )
    if visit is not None and visit.request_id != request.pk:
        raise DomainError(_("That visit belongs to another request."), field="visit")


def check_reserve(actor, request, location, source=None, visit=None) -> None:
    check_for_request(actor, request, visit)
    if not access.can_work_at(actor, location):
        raise NotAllowed(_("You may not reserve parts at %(location)s.") % {"location": location})
    _check_usable(location)
    if source is not None:
        if source.pk == location.pk:
            raise DomainError(_("Choose two different locations."), field="source")
        if not (actor.is_back_office or access.can_see_location(actor, source)):
            raise NotAllowed(_("You may not take parts from %(location)s.") % {"location": source})
        _check_usable(source, "source")


@transaction.atomic
def reserve(
    part, location, quantity, *, request, actor, visit=None, source=None, wait=False, note=""
) -> Reservation:
    """Hold `quantity` of `part` at `location` for a request.

    With `source`: the part is not at `location` yet; it is held at `source` (the warehouse,
    say) and the reservation awaits it until someone at `location` receives it. `wait`
    also moves a request in progress to "waiting on parts".
    """
    check_reserve(actor, request, location, source, visit)
    quantity = _quantity(quantity)
    reservation = Reservation.objects.create(
        part=part,
        location=location,
        source=source,
        quantity=quantity,
        request=request,
        visit=visit,
        status=ReservationStatus.AWAITING if source else ReservationStatus.RESERVED,
        created_by=actor,
        note=(note or "").strip()[:500],
    )
    _record(
        MoveKind.RESERVE,
        part,
        quantity,
        source=source or location,
        actor=actor,
        request=request,
        visit=visit,
        reservation=reservation,
        note=note,
    )
    if source:
        body = _("Reserved %(line)s for %(location)s, coming from %(source)s.") % {
            "line": _line(part, reservation.quantity),
            "location": location,
            "source": source,
        }
    else:
        body = _("Reserved %(line)s at %(location)s.") % {
            "line": _line(part, reservation.quantity),
            "location": location,
        }
    _note_on_request(request, actor, body, action="reserved", reservation=reservation.pk)
    if wait and source:
        _wait_for_parts(request, actor, part, reservation)
    return reservation


def _wait_for_parts(request, actor, part, reservation) -> None:
    from aftersales.service import services as service_services
    from aftersales.service.models import ServiceRequest

    request = ServiceRequest.objects.get(pk=request.pk)
    if request.status == Status.IN_PROGRESS:
        service_services.transition(
            request,
            actor=actor,
            to=Status.WAITING_PARTS,
            note=_("Waiting for %(line)s from %(source)s.")
            % {"line": _line(part, reservation.quantity), "source": reservation.source},
        )


def _locked_reservation(reservation: Reservation) -> Reservation:
    return (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("part", "location", "source", "request")
        .get(pk=reservation.pk)
    )


def check_receive_reservation(actor, reservation: Reservation) -> None:
    if not access.can_work_at(actor, reservation.location):
        raise NotAllowed(
            _("Only someone at %(location)s may receive these parts.")
            % {"location": reservation.location}
        )
    if reservation.status != ReservationStatus.AWAITING:
        raise Conflict(
            _("These parts are %(status)s, not on their way.")
            % {"status": reservation.get_status_display().lower()}
        )


@transaction.atomic
def receive_reservation(reservation: Reservation, *, actor) -> Reservation:
    """The awaited parts arrived at the reservation's location: they move there from the
    source and stay reserved for the request. A request waiting on parts whose parts have
    all arrived goes back to work, with a note on its timeline."""
    reservation = _locked_reservation(reservation)
    check_receive_reservation(actor, reservation)
    part, quantity, request = reservation.part, reservation.quantity, reservation.request
    refs = {
        "actor": actor,
        "request": request,
        "visit": reservation.visit,
        "reservation": reservation,
    }
    _record(MoveKind.RELEASE, part, quantity, source=reservation.source, **refs)
    _record(
        MoveKind.TRANSFER,
        part,
        quantity,
        source=reservation.source,
        target=reservation.location,
        **refs,
    )
    _record(MoveKind.RESERVE, part, quantity, source=reservation.location, **refs)
    reservation.status = ReservationStatus.RESERVED
    reservation.arrived_at = timezone.now()
    reservation.save(update_fields=["status", "arrived_at"])
    arrived = _("%(line)s arrived at %(location)s from %(source)s.") % {
        "line": _line(part, quantity),
        "location": reservation.location,
        "source": reservation.source,
    }
    _note_on_request(request, actor, arrived, action="arrived", reservation=reservation.pk)
    _resume_if_all_arrived(request, actor, arrived)
    return reservation


def _resume_if_all_arrived(request, actor, arrived: str) -> None:
    from aftersales.service import services as service_services
    from aftersales.service.models import ServiceRequest

    request = ServiceRequest.objects.get(pk=request.pk)
    if request.status != Status.WAITING_PARTS:
        return
    if request.part_reservations.filter(status=ReservationStatus.AWAITING).exists():
        return
    try:
        with transaction.atomic():
            service_services.transition(
                request,
                actor=actor,
                to=Status.IN_PROGRESS,
                note=_("All parts have arrived: %(arrived)s") % {"arrived": arrived},
            )
    except DomainError as error:
        # The receiver may not move the request (e.g. no one is assigned): say so and
        # leave it for the back office.
        _note_on_request(
            request,
            actor,
            _("All parts have arrived, but the request could not resume: %(why)s") % {"why": error},
            action="resume_failed",
        )


def check_release(actor, reservation: Reservation) -> None:
    if not service_access.can_view(actor, reservation.request) or not access.can_work_at(
        actor, reservation.location
    ):
        raise NotAllowed(_("You may not release this reservation."))
    if not reservation.is_open:
        raise Conflict(
            _("This reservation is already %(status)s.")
            % {"status": reservation.get_status_display().lower()}
        )


@transaction.atomic
def release(reservation: Reservation, *, actor, note="") -> Reservation:
    """Give the held parts back to stock (where they are held: the source while awaited)."""
    reservation = _locked_reservation(reservation)
    check_release(actor, reservation)
    held_at = (
        reservation.source
        if reservation.status == ReservationStatus.AWAITING
        else reservation.location
    )
    _record(
        MoveKind.RELEASE,
        reservation.part,
        reservation.quantity,
        source=held_at,
        actor=actor,
        request=reservation.request,
        visit=reservation.visit,
        reservation=reservation,
        note=note,
    )
    reservation.status = ReservationStatus.RELEASED
    reservation.closed_at = timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    _note_on_request(
        reservation.request,
        actor,
        _("Released %(line)s at %(location)s.")
        % {"line": _line(reservation.part, reservation.quantity), "location": held_at},
        action="released",
        reservation=reservation.pk,
    )
    return reservation


# --- Parts used ---------------------------------------------------------------------------


def is_chargeable(part, request) -> bool:
    """Consumables are charged even under warranty; other parts when the repair is not free."""
    return part.is_consumable or (request.entitlement or {}).get("repair_charge") != FREE


@transaction.atomic
def consume(
    part=None,
    location=None,
    quantity=None,
    *,
    request,
    actor,
    visit=None,
    reservation: Reservation | None = None,
    note="",
) -> PartUsage:
    """Record parts used on a request: from its reservation (all of it), or straight from
    available stock at `location` (a van, a center)."""
    if reservation is not None:
        reservation = _locked_reservation(reservation)
        if reservation.request_id != request.pk:
            raise DomainError(_("That reservation belongs to another request."), "reservation")
        if reservation.status != ReservationStatus.RESERVED:
            raise Conflict(
                _("Only parts reserved and on hand can be used; these are %(status)s.")
                % {"status": reservation.get_status_display().lower()}
            )
        part, location, quantity = reservation.part, reservation.location, reservation.quantity
        visit = visit or reservation.visit
    if part is None or location is None:
        raise DomainError(_("Choose the part and where it was taken from."), field="part")
    check_for_request(actor, request, visit)
    if not access.can_work_at(actor, location):
        raise NotAllowed(_("You may not use parts from %(location)s.") % {"location": location})
    _check_usable(location)
    refs = {"actor": actor, "request": request, "visit": visit, "reservation": reservation}
    if reservation is not None:
        _record(MoveKind.RELEASE, part, quantity, source=location, **refs)
        reservation.status = ReservationStatus.CONSUMED
        reservation.closed_at = timezone.now()
        reservation.save(update_fields=["status", "closed_at"])
    move = _record(MoveKind.CONSUME, part, quantity, source=location, note=note, **refs)
    usage = PartUsage.objects.create(
        request=request,
        visit=visit,
        part=part,
        location=location,
        quantity=move.quantity,
        move=move,
        is_consumable=part.is_consumable,
        chargeable=is_chargeable(part, request),
        unit_price=part.unit_price,
        currency=part.currency,
        actor=actor,
    )
    _note_on_request(
        request,
        actor,
        _("Used %(line)s from %(location)s%(charged)s.")
        % {
            "line": _line(part, move.quantity),
            "location": location,
            "charged": _(" (charged)") if usage.chargeable else "",
        },
        action="used",
        usage=usage.pk,
    )
    return usage


# --- Faulty parts back (旧件返还) -----------------------------------------------------------


def check_return_faulty(actor, request, center) -> None:
    """Also after the request is resolved: the old part often comes back later."""
    if not service_access.can_view(actor, request):
        raise NotAllowed(_("You may not change this request."))
    if not (actor.is_back_office or actor.service_center_id == center.pk):
        raise NotAllowed(_("Record faulty parts at your own service center."))


@transaction.atomic
def return_faulty(
    part, *, request, center, actor, serial_number="", visit=None, fault=""
) -> DefectivePart:
    """A faulty part taken out of the customer's unit arrives at the center's defective
    stock, where it waits to go back to the supplier or to be scrapped."""
    check_return_faulty(actor, request, center)
    if visit is not None and visit.request_id != request.pk:
        raise DomainError(_("That visit belongs to another request."), field="visit")
    location = defective_location(center)
    defective = DefectivePart.objects.create(
        part=part,
        serial_number=(serial_number or "").strip()[:64],
        request=request,
        visit=visit,
        center=center,
        location=location,
        fault=(fault or "").strip()[:500],
        received_by=actor,
    )
    _record(
        MoveKind.RETURN_FAULTY,
        part,
        1,
        target=location,
        actor=actor,
        request=request,
        visit=visit,
        reference=defective.serial_number,
        note=defective.fault,
    )
    _note_on_request(
        request,
        actor,
        _("Faulty %(part)s%(serial)s taken back to %(location)s.")
        % {
            "part": part,
            "location": location,
            "serial": f" {defective.serial_number}" if defective.serial_number else "",
        },
        action="faulty_returned",
        defective=defective.pk,
    )
    return defective


def _check_claim(defective: DefectivePart, claim) -> None:
    if claim is not None and claim.request_id != defective.request_id:
        raise DomainError(_("That recovery claim is for another request."), field="vendor_claim")


@transaction.atomic
def link_claim(defective: DefectivePart, claim, *, actor) -> DefectivePart:
    """The vendor recovery claim that cites this faulty part."""
    if not access.can_manage_stock(actor):
        raise NotAllowed(_("Only a service manager may link recovery claims."))
    defective = DefectivePart.objects.select_for_update(of=("self",)).get(pk=defective.pk)
    _check_claim(defective, claim)
    defective.vendor_claim = claim
    defective.save(update_fields=["vendor_claim"])
    return defective


@transaction.atomic
def close_defective(
    defective: DefectivePart, outcome: str, *, actor, reference="", vendor_claim=None
) -> DefectivePart:
    """The faulty part leaves the defective stock: back to the supplier, or scrapped."""
    if not access.can_manage_stock(actor):
        raise NotAllowed(_("Only a service manager may send faulty parts back or scrap them."))
    if outcome not in (DefectiveStatus.RETURNED, DefectiveStatus.SCRAPPED):
        raise DomainError(_("Choose returned to supplier or scrapped."), field="outcome")
    defective = (
        DefectivePart.objects.select_for_update(of=("self",))
        .select_related("part", "location", "request")
        .get(pk=defective.pk)
    )
    if defective.status != DefectiveStatus.AWAITING:
        raise Conflict(
            _("This part is already %(status)s.")
            % {"status": defective.get_status_display().lower()}
        )
    _check_claim(defective, vendor_claim)
    kind = MoveKind.RETURN_TO_SUPPLIER if outcome == DefectiveStatus.RETURNED else MoveKind.SCRAP
    _record(
        kind,
        defective.part,
        1,
        source=defective.location,
        actor=actor,
        request=defective.request,
        visit=defective.visit,
        reference=reference,
    )
    defective.status = outcome
    defective.closed_by = actor
    defective.closed_at = timezone.now()
    defective.reference = (reference or "").strip()[:64]
    fields = ["status", "closed_by", "closed_at", "reference"]
    if vendor_claim is not None:
        defective.vendor_claim = vendor_claim
        fields.append("vendor_claim")
    defective.save(update_fields=fields)
    return defective
