"""Use cases of a visit (work order): create, schedule, unschedule, cancel, and the
technician's steps on site (start travel, check in, check out).

Every change runs in one transaction, re-reads the visit under a row lock (refusing a
change based on an older `version`) and appends a timeline event of kind `visit` on the
request with `data={"visit": id, "action": ...}`. `check_*` functions say why something
is refused before anything is written. Who may: see `access.py`.

Check-out stores the customer's signature, prints the signed service form (pdf.py) and,
files the PDF on the request as a public attachment and sends it to the customer
(attached to emails, linked in SMS and WeChat): as `request_resolved` when the visit fixed
the problem, else as `visit_report` saying why not. It also
schedules the phone follow-up call (followup app: three days later by default).
"""

import base64
import binascii
import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.core.uploads import check_upload
from aftersales.dispatch import access
from aftersales.dispatch.models import NotFixedReason, Visit, VisitStatus
from aftersales.field import services as field_services
from aftersales.field.models import Absence, Technician, TechnicianSkill
from aftersales.notifications.services import notify, site_link
from aftersales.service import clocks
from aftersales.service import services as service_services
from aftersales.service.choices import EventKind, Visibility
from aftersales.service.models import ServiceRequest, TimelineEvent

SIGNATURE_MAX_BYTES = 1024 * 1024
# Steps the technician may take from each status.
CAN_START_TRAVEL = (VisitStatus.SCHEDULED,)
CAN_CHECK_IN = (VisitStatus.SCHEDULED, VisitStatus.TRAVELLING)
CAN_CHECK_OUT = (VisitStatus.ON_SITE,)
CAN_SCHEDULE = (VisitStatus.UNSCHEDULED, VisitStatus.SCHEDULED)
CAN_CANCEL = (VisitStatus.UNSCHEDULED, VisitStatus.SCHEDULED, VisitStatus.TRAVELLING)


# --- Helpers ------------------------------------------------------------------------------


def _event(visit: Visit, actor, action: str, *, body="", public=False, **data) -> TimelineEvent:
    return TimelineEvent.objects.create(
        request_id=visit.request_id,
        kind=EventKind.VISIT,
        actor=actor,
        body=body,
        visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
        data={"visit": visit.pk, "action": action, **data},
        created_at=timezone.now(),
    )


def _locked(visit: Visit, expected_version: int | None) -> Visit:
    current = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("request", "center", "technician__user", "skill")
        .get(pk=visit.pk)
    )
    if expected_version is not None and current.version != int(expected_version):
        raise Conflict(
            _(
                "Someone else changed this visit while you were looking at it. Reload the "
                "page, then try again."
            ),
            code="stale_version",
        )
    return current


def _save(visit: Visit, fields) -> None:
    visit.version += 1
    visit.save(update_fields=[*fields, "version", "updated_at"])


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _local_text(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt) if moment else ""


def _coordinate(value, low, high, name) -> Decimal | None:
    if value in (None, ""):
        return None
    return field_services._coordinate(value, low, high, name)


def _position(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    lat = _coordinate(latitude, -90, 90, "latitude")
    lon = _coordinate(longitude, -180, 180, "longitude")
    if (lat is None) != (lon is None):
        raise DomainError(_("Give both latitude and longitude, or neither."), field="longitude")
    return lat, lon


def _status_text(visit: Visit) -> str:
    return str(VisitStatus(visit.status).label)


def _check_status(visit: Visit, allowed, doing) -> None:
    # `doing` has its own context ("visit action"): the same English words are labels
    # elsewhere and translate differently there.
    if visit.status not in allowed:
        raise DomainError(
            _("A visit that is %(status)s cannot be %(doing)s.")
            % {"status": _status_text(visit).lower(), "doing": doing},
            code="visit_status",
        )


# --- Who may ------------------------------------------------------------------------------


def check_manage(actor, visit: Visit) -> None:
    if not access.can_manage(actor, visit):
        raise NotAllowed(
            _("Only dispatchers, agents, managers and the center's partner staff may plan visits.")
        )


def check_act(actor, visit: Visit) -> None:
    if not access.can_act(actor, visit):
        raise NotAllowed(_("Only the technician of this visit may record its steps."))


# --- Create -------------------------------------------------------------------------------


def default_center(request: ServiceRequest):
    if request.service_center_id:
        return request.service_center
    customer = request.customer
    covering = field_services.centers_covering(customer.city, getattr(customer, "district", ""))
    return covering[0] if covering else None


def customer_address(request: ServiceRequest) -> str:
    """Where a visit to the request's customer goes, as the visit stores it."""
    customer = request.customer
    parts = (getattr(customer, "location", ""), customer.address)
    return " ".join(part for part in parts if part)[:255]


def check_create(actor, request: ServiceRequest, center, window, duration_minutes) -> None:
    if center is None:
        raise DomainError(
            _("No service center covers %(city)s; choose one.")
            % {"city": request.customer.city or "—"},
            field="center",
        )
    if not access.can_manage_center(actor, center.pk):
        raise NotAllowed(
            _("Only dispatchers, agents, managers and the center's partner staff may plan visits.")
        )
    if not center.active:
        raise DomainError(_("%(center)s is closed.") % {"center": center}, field="center")
    if request.status in ("resolved", "closed", "cancelled"):
        raise DomainError(
            _("Request %(number)s is %(status)s; it needs no visit.")
            % {"number": request.number, "status": request.get_status_display().lower()},
            field="request",
        )
    if duration_minutes is None or int(duration_minutes) < 5 or int(duration_minutes) > 24 * 60:
        raise DomainError(
            _("A visit lasts between 5 minutes and 24 hours."), field="duration_minutes"
        )
    if window is not None:
        start, end = window
        if start is None or end is None or timezone.is_naive(start) or timezone.is_naive(end):
            raise DomainError(_("Give the window's start and end with a time."), field="window")
        if end <= start:
            raise DomainError(_("The window must end after it starts."), field="window")


@transaction.atomic
def create_visit(
    request: ServiceRequest,
    *,
    actor,
    center=None,
    window=None,
    duration_minutes: int = 60,
    skill=None,
    skill_level: int | None = None,
    day=None,
    location: tuple | None = None,
) -> Visit:
    """A visit to the request's customer, unscheduled. `window` is (start, end) agreed
    with the customer; `location` (latitude, longitude) where, if known (without it the
    planner counts from the center). Marks the request as needing a visit (which starts its on-site
    clock) and gives it the visit's center if it had none."""
    center = center or default_center(request)
    check_create(actor, request, center, window, duration_minutes)
    latitude, longitude = _position(*(location or (None, None)))
    changes = {}
    if not request.needs_visit:
        changes["needs_visit"] = True
    if not request.service_center_id:
        changes["service_center"] = center
    if changes:
        request = service_services.update_request(request, actor=actor, **changes)
    if skill is None and request.unit_id:
        skill = request.unit.product.category
    start, end = window or (None, None)
    visit = Visit.objects.create(
        latitude=latitude,
        longitude=longitude,
        request=request,
        center=center,
        status=VisitStatus.UNSCHEDULED,
        day=day or (timezone.localdate(start) if start else None),
        window_start=start,
        window_end=end,
        duration_minutes=int(duration_minutes),
        skill=skill,
        skill_level=skill_level if skill is not None else None,
        onsite_due_at=request.onsite_due_at,
        address=customer_address(request),
        created_by=actor,
    )
    _event(
        visit,
        actor,
        "created",
        center=center.pk,
        window=[_iso(start), _iso(end)] if window else None,
        duration_minutes=visit.duration_minutes,
    )
    return visit


# --- Schedule -----------------------------------------------------------------------------


def check_schedule(visit: Visit, technician: Technician, planned_start) -> None:
    _check_status(visit, CAN_SCHEDULE, pgettext_lazy("visit action", "scheduled"))
    if technician is None:
        raise DomainError(_("Choose a technician."), field="technician")
    if planned_start is None or timezone.is_naive(planned_start):
        raise DomainError(_("Give the planned start with a date and time."), field="planned_start")
    if not technician.active or not technician.user.is_active:
        raise DomainError(
            _("%(name)s no longer works as a technician.") % {"name": technician},
            field="technician",
        )
    if technician.home_center_id != visit.center_id:
        raise DomainError(
            _("%(name)s works for another service center.") % {"name": technician},
            field="technician",
        )
    day = timezone.localdate(planned_start)
    if Absence.objects.filter(technician=technician, starts_on__lte=day, ends_on__gte=day).exists():
        raise DomainError(
            _("%(name)s is absent on %(day)s.") % {"name": technician, "day": day.isoformat()},
            field="technician",
        )
    _check_skill(visit, technician)
    if (
        visit.window_start
        and visit.window_end
        and not visit.window_start <= planned_start <= visit.window_end
    ):
        raise DomainError(
            _("The planned start is outside the window agreed with the customer (%(window)s).")
            % {"window": window_text(visit)},
            field="planned_start",
        )


def _check_skill(visit: Visit, technician: Technician) -> None:
    """The technician has the visit's skill (or one above it), at its least level."""
    if visit.skill_id is None:
        return
    levels = list(
        TechnicianSkill.objects.filter(
            technician=technician,
            category_id__in=field_services.category_and_ancestors(visit.skill),
        ).values_list("level", flat=True)
    )
    if not levels:
        raise DomainError(
            _("%(name)s has no skill for %(skill)s.") % {"name": technician, "skill": visit.skill},
            field="technician",
        )
    if visit.skill_level and max(levels) < visit.skill_level:
        raise DomainError(
            _("%(name)s is not yet at level %(level)s in %(skill)s.")
            % {"name": technician, "level": visit.get_skill_level_display(), "skill": visit.skill},
            field="technician",
        )


def window_text(visit: Visit) -> str:
    if visit.window_start and visit.window_end:
        start = timezone.localtime(visit.window_start)
        end = timezone.localtime(visit.window_end)
        return f"{start:%H:%M}–{end:%H:%M}"
    if visit.planned_start:
        return _local_text(visit.planned_start, "%H:%M")
    return ""


@transaction.atomic
def schedule(
    visit: Visit,
    *,
    actor,
    technician: Technician,
    planned_start: datetime.datetime,
    sequence: int | None = None,
    pinned: bool = False,
    expected_version: int | None = None,
) -> Visit:
    """Give the visit a technician and a planned start (again, to reschedule), and tell
    the customer when to expect whom."""
    check_manage(actor, visit)
    visit = _locked(visit, expected_version)
    technician = Technician.objects.select_related("user").get(pk=technician.pk)
    check_schedule(visit, technician, planned_start)
    before = (visit.technician_id, visit.planned_start)
    visit.technician = technician
    visit.planned_start = planned_start
    visit.day = timezone.localdate(planned_start)
    visit.sequence = sequence
    visit.pinned = bool(pinned)
    visit.status = VisitStatus.SCHEDULED
    _save(visit, ["technician", "planned_start", "day", "sequence", "pinned", "status"])
    _event(
        visit,
        actor,
        "scheduled",
        technician=technician.pk,
        planned_start=_iso(planned_start),
        sequence=sequence,
        pinned=visit.pinned,
    )
    if before != (technician.pk, planned_start):
        notify(
            "visit_booked",
            request=visit.request,
            customer=visit.request.customer,
            context={
                "visit_date": visit.day.isoformat(),
                "visit_window": window_text(visit),
                "technician_name": technician.user.get_full_name() or technician.user.username,
                "technician_phone": technician.phone or getattr(technician.user, "phone", ""),
            },
            dedupe_key=f"visit-booked:{visit.pk}:{visit.version}",
        )
        _tell_technician(visit, technician, actor)
    return visit


def _tell_technician(visit: Visit, technician: Technician, actor) -> None:
    """The technician hears of a visit booked or moved onto their day (not of their own
    bookings), with the address and a link to open it on the phone."""
    if technician.user_id == getattr(actor, "pk", None):
        return
    request = visit.request
    notify(
        "visit_assigned",
        request=request,
        user=technician.user,
        context={
            "visit_date": visit.day.isoformat(),
            "visit_window": window_text(visit),
            "visit_address": visit.address,
            "visit_url": site_link("dispatch:visit", visit.pk),
            "assigned_by": (actor.get_full_name() or actor.username) if actor else "",
        },
        dedupe_key=f"visit-assigned:{visit.pk}:{visit.version}",
    )


@transaction.atomic
def unschedule(visit: Visit, *, actor, expected_version: int | None = None) -> Visit:
    """Take the technician and time off a scheduled visit; it waits to be planned again."""
    check_manage(actor, visit)
    visit = _locked(visit, expected_version)
    _check_status(visit, (VisitStatus.SCHEDULED,), pgettext_lazy("visit action", "unscheduled"))
    technician = visit.technician_id
    visit.technician = None
    visit.planned_start = None
    visit.sequence = None
    visit.pinned = False
    visit.status = VisitStatus.UNSCHEDULED
    _save(visit, ["technician", "planned_start", "sequence", "pinned", "status"])
    _event(visit, actor, "unscheduled", technician=technician)
    return visit


@transaction.atomic
def cancel(visit: Visit, actor, reason: str, *, expected_version: int | None = None) -> Visit:
    check_manage(actor, visit)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the visit is cancelled."), field="reason")
    visit = _locked(visit, expected_version)
    _check_status(visit, CAN_CANCEL, pgettext_lazy("visit action", "cancelled"))
    visit.status = VisitStatus.CANCELLED
    _save(visit, ["status"])
    _event(visit, actor, "cancelled", body=reason, reason=reason)
    return visit


# --- The technician's steps ---------------------------------------------------------------


@transaction.atomic
def start_travel(visit: Visit, actor, *, expected_version: int | None = None) -> Visit:
    check_act(actor, visit)
    visit = _locked(visit, expected_version)
    _check_status(visit, CAN_START_TRAVEL, pgettext_lazy("visit action", "started"))
    visit.status = VisitStatus.TRAVELLING
    visit.travel_started_at = timezone.now()
    _save(visit, ["status", "travel_started_at"])
    _event(visit, actor, "travel_started", at=_iso(visit.travel_started_at))
    return visit


def _record_position(visit: Visit, actor, lat, lon, at) -> None:
    # Only the technician's own phone says where the technician is.
    if lat is not None and access.is_own_technician(actor, visit):
        field_services.record_position(visit.technician, lat, lon, at, actor=actor)


@transaction.atomic
def check_in(
    visit: Visit, actor, latitude=None, longitude=None, *, expected_version: int | None = None
) -> Visit:
    """The technician is at the customer's: the request's on-site clock stops."""
    check_act(actor, visit)
    lat, lon = _position(latitude, longitude)
    visit = _locked(visit, expected_version)
    _check_status(visit, CAN_CHECK_IN, pgettext_lazy("visit action", "checked in"))
    now = timezone.now()
    visit.status = VisitStatus.ON_SITE
    visit.checked_in_at = now
    visit.check_in_latitude, visit.check_in_longitude = lat, lon
    _save(visit, ["status", "checked_in_at", "check_in_latitude", "check_in_longitude"])
    request = ServiceRequest.objects.select_for_update().get(pk=visit.request_id)
    stopped = clocks.arrived(request, now)
    if stopped:
        ServiceRequest.objects.filter(pk=request.pk).update(
            updated_at=now, **{name: getattr(request, name) for name in stopped}
        )
    _record_position(visit, actor, lat, lon, now)
    _event(
        visit,
        actor,
        "checked_in",
        at=_iso(now),
        latitude=str(lat) if lat is not None else None,
        longitude=str(lon) if lon is not None else None,
        onsite_met=request.onsite_met if stopped else None,
    )
    return visit


def decode_signature(value) -> bytes:
    """A PNG given as bytes, base64 or a `data:image/png;base64,…` URL, as bytes."""
    if value in (None, "", b""):
        return b""
    if isinstance(value, bytes):
        return value
    text = str(value).strip()
    if text.startswith("data:"):
        header, _sep, text = text.partition(",")
        if "base64" not in header:
            raise DomainError(_("The signature is not a PNG image."), field="signature")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(_("The signature is not a PNG image."), field="signature") from None


def check_signature(png: bytes) -> None:
    if len(png) > SIGNATURE_MAX_BYTES:
        raise DomainError(_("The signature image is larger than 1 MB."), field="signature")
    try:
        checked = check_upload(ContentFile(png, name="signature.png"), SIGNATURE_MAX_BYTES)
    except DomainError:
        checked = None
    if checked is None or checked.content_type != "image/png":
        raise DomainError(_("The signature is not a PNG image."), field="signature")


def check_check_out(
    *,
    work_done,
    first_time_fix,
    not_fixed_reason,
    customer_rating,
    signed_by,
    signature_png_bytes,
) -> None:
    if not (work_done or "").strip():
        raise DomainError(_("Describe the work done."), field="work_done")
    if first_time_fix not in (True, False):
        raise DomainError(_("Say whether it was fixed on this visit."), field="first_time_fix")
    if not first_time_fix and not_fixed_reason not in NotFixedReason.values:
        raise DomainError(_("Say why it was not fixed."), field="not_fixed_reason")
    if customer_rating not in (None, ""):
        try:
            rating = int(customer_rating)
        except (TypeError, ValueError):
            rating = 0
        if str(rating) != str(customer_rating).strip() or not 1 <= rating <= 5:
            raise DomainError(_("The rating is 1 to 5 stars."), field="customer_rating")
    absent = not first_time_fix and not_fixed_reason == NotFixedReason.CUSTOMER_ABSENT
    if not absent:
        if not signature_png_bytes:
            raise DomainError(_("The customer must sign."), field="signature")
        if not (signed_by or "").strip():
            raise DomainError(_("Write who signed."), field="signed_by")
    if signature_png_bytes:
        check_signature(signature_png_bytes)


@transaction.atomic
def add_photo(visit: Visit, actor, upload):
    """A photo taken on site (the fault, the nameplate, the work done), kept with the
    request as an internal attachment and listed on the visit."""
    check_act(actor, visit)
    visit = _locked(visit, None)
    _check_status(visit, (VisitStatus.ON_SITE, VisitStatus.COMPLETED),
                  pgettext_lazy("visit action", "photographed"))  # fmt: skip
    if not check_upload(upload).content_type.startswith("image/"):
        raise DomainError(_("Take a photo (JPEG, PNG, WebP or HEIC)."), field="photo")
    upload.seek(0)
    attachment = service_services.add_attachment(
        visit.request, actor=actor, upload=upload, visibility=Visibility.INTERNAL
    )
    _event(visit, actor, "photo", attachment=attachment.token)
    return attachment


def van_of(technician):
    """The technician's van stock location (parts app), or None."""
    from aftersales.parts.models import LocationKind, StockLocation

    if technician is None:
        return None
    return StockLocation.objects.filter(
        kind=LocationKind.VAN, technician=technician, active=True
    ).first()


def van_parts(technician):
    """The spare parts the technician's van has available, for the check-out form."""
    from aftersales.catalog.models import SparePart

    van = van_of(technician)
    if van is None:
        return SparePart.objects.none()
    return SparePart.objects.filter(
        stock_levels__location=van, stock_levels__on_hand__gt=F("stock_levels__reserved")
    ).order_by("part_number")


def _use_parts(visit: Visit, actor, parts_used) -> None:
    """Take the parts used out of the van (consumables are charged even under warranty:
    the parts app decides) and send the old ones to the center's defective stock."""
    if not parts_used:
        return
    from aftersales.parts import services as parts

    van = van_of(visit.technician)
    if van is None:
        raise DomainError(
            _("You have no van stock to take parts from; ask the warehouse to set one up."),
            field="part_1",
        )
    for part, quantity, old_back in parts_used:
        parts.consume(part, van, quantity, request=visit.request, visit=visit, actor=actor)
        if old_back:
            parts.return_faulty(part, request=visit.request, center=visit.center, actor=actor,
                                visit=visit)  # fmt: skip


def _send_report(visit: Visit, form) -> None:
    """Send the customer the signed form: a fixed visit resolves their problem; one that
    could not fix it says why and that we will be in touch (never "resolved")."""
    link = site_link("service:attachment", form.token)
    if visit.first_time_fix:
        summary = visit.work_done
        if link:
            summary = f"{summary}\n{_('Signed service form')}: {link}"
        event, context = "request_resolved", {"resolution": summary}
    else:
        event = "visit_report"
        context = {
            "work_done": visit.work_done,
            "not_fixed_reason": NotFixedReason(visit.not_fixed_reason).label
            if visit.not_fixed_reason
            else "",
            "form_url": link,
        }
    notify(
        event,
        request=visit.request,
        customer=visit.request.customer,
        context=context,
        dedupe_key=f"visit-done:{visit.pk}",
        attachments=[form],
    )


@transaction.atomic
def check_out(
    visit: Visit,
    actor,
    *,
    work_done: str,
    first_time_fix: bool,
    not_fixed_reason: str = "",
    customer_comment: str = "",
    customer_rating: int | None = None,
    signed_by: str = "",
    signature_png_bytes: bytes = b"",
    fault_codes=None,
    parts_used=(),
    latitude=None,
    longitude=None,
    expected_version: int | None = None,
) -> Visit:
    """The work is done (or not): record it with the customer's rating and signature and
    the parts used from the technician's van (with old parts taken back), print and send
    the signed service form, and open the follow-up call.

    `parts_used`: (spare part, quantity, old part taken back) triples. Not enough in the
    van refuses the whole check-out, with the part named.
    """
    check_act(actor, visit)
    signature_png_bytes = decode_signature(signature_png_bytes)
    check_check_out(
        work_done=work_done,
        first_time_fix=first_time_fix,
        not_fixed_reason=not_fixed_reason,
        customer_rating=customer_rating,
        signed_by=signed_by,
        signature_png_bytes=signature_png_bytes,
    )
    lat, lon = _position(latitude, longitude)
    visit = _locked(visit, expected_version)
    _check_status(visit, CAN_CHECK_OUT, pgettext_lazy("visit action", "checked out"))
    if fault_codes is not None:
        service_services.check_update(actor, visit.request, ["fault_codes"])
    service_services.check_comment(actor, visit.request, Visibility.PUBLIC)
    now = timezone.now()
    visit.status = VisitStatus.COMPLETED
    visit.checked_out_at = now
    visit.check_out_latitude, visit.check_out_longitude = lat, lon
    visit.work_done = work_done.strip()
    visit.first_time_fix = first_time_fix
    visit.not_fixed_reason = "" if first_time_fix else not_fixed_reason
    visit.customer_comment = (customer_comment or "").strip()
    visit.customer_rating = int(customer_rating) if customer_rating not in (None, "") else None
    visit.signed_by = (signed_by or "").strip()[:100]
    fields = [
        "status",
        "checked_out_at",
        "check_out_latitude",
        "check_out_longitude",
        "work_done",
        "first_time_fix",
        "not_fixed_reason",
        "customer_comment",
        "customer_rating",
        "signed_by",
    ]
    if signature_png_bytes:
        visit.signature.save(
            f"{visit.request.number}-{visit.pk}.png", ContentFile(signature_png_bytes), save=False
        )
        fields.append("signature")
    _save(visit, fields)
    if fault_codes is not None:
        service_services.update_request(visit.request, actor=actor, fault_codes=fault_codes)
    _record_position(visit, actor, lat, lon, now)
    _use_parts(visit, actor, parts_used)
    _event(
        visit,
        actor,
        "checked_out",
        body=visit.work_done,
        public=True,
        at=_iso(now),
        first_time_fix=visit.first_time_fix,
        not_fixed_reason=visit.not_fixed_reason,
        customer_rating=visit.customer_rating,
    )
    from aftersales.dispatch.pdf import visit_form_pdf

    pdf = visit_form_pdf(visit)
    attachment = service_services.add_attachment(
        visit.request,
        actor=actor,
        upload=ContentFile(pdf, name=f"{visit.request.number}-visit-{visit.pk}.pdf"),
        visibility=Visibility.PUBLIC,
    )
    _send_report(visit, attachment)
    # The phone follow-up (回访) of the visit; imported here because followup builds on
    # visits. One open follow-up per request: the request's resolution joins this one.
    from aftersales.followup import services as followup

    followup.schedule(visit.request, visit=visit, at=now)
    # An authorised partner earns the visit's fee (网点结算); imported here because
    # settlement builds on visits.
    from aftersales.settlement import services as settlement

    settlement.record_completed(visit)
    return visit
