"""The dispatcher's board: a center's day as technicians × time, a simple map, planning the
day, moving a visit by hand, and "who should go?" for one visit.

Dispatchers, service managers and administrators use it for every center; partner staff
for their own center only (another center's board or visit is 404); agents, technicians
and customers are refused (403). Thin: the rules are in `planning` and the visit services.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import DateTimeInput, Form
from aftersales.dispatch import planning
from aftersales.dispatch.models import Visit
from aftersales.field.models import Absence, Technician

NAV = "dispatch"
AXIS_START, AXIS_END = 8, 20  # the board's time axis, local hours
SESSION_KEY = "dispatch_last_plan"
PLAN_TIME_LIMIT_S = 10  # how long "Plan this day" lets the solver search
COLOURS = [
    "#0b5394", "#c0392b", "#27ae60", "#8e44ad", "#d35400",
    "#16a085", "#2c3e50", "#b7950b", "#e84393", "#6d4c41",
]  # fmt: skip

board_required = allowed_if(planning.can_use_board)


# --- Reading ------------------------------------------------------------------------------


def _day(value) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _center(request, pk):
    return get_object_or_404(planning.board_centers(request.user), pk=pk)


def _visit(request, pk) -> Visit:
    return get_object_or_404(
        Visit.objects.select_related("center", "skill", "request", "technician__user").filter(
            center__in=planning.board_centers(request.user)
        ),
        pk=pk,
    )


def _board_url(center_id, day) -> str:
    return f"{reverse('board:day', args=[center_id])}?day={day.isoformat()}"


def _technicians(center):
    return list(
        planning._technician_queryset(
            Technician.objects.filter(home_center=center, active=True, user__is_active=True)
        ).order_by("user__username")
    )


def _block(visit, day) -> dict:
    """Where the visit's block sits on the 08:00–20:00 axis, in percent."""
    start = timezone.localtime(visit.planned_start)
    axis0 = datetime.datetime.combine(day, datetime.time(AXIS_START), tzinfo=start.tzinfo)
    span = (AXIS_END - AXIS_START) * 60
    offset = (start - axis0).total_seconds() / 60
    left = max(0.0, min(offset, span))
    right = max(left, min(offset + visit.duration_minutes, span))
    return {
        "visit": visit,
        "left": round(left / span * 100, 2),
        "width": round(max(right - left, 4) / span * 100, 2),
        "ends": start + datetime.timedelta(minutes=visit.duration_minutes),
        "late": bool(visit.onsite_due_at and visit.planned_start > visit.onsite_due_at),
    }


def board_data(center, day) -> dict:
    """Everything the board shows, in a fixed number of queries."""
    techs = _technicians(center)
    absent = dict(
        Absence.objects.filter(
            technician__home_center=center, starts_on__lte=day, ends_on__gte=day
        ).values_list("technician_id", "reason")
    )
    visits = list(planning.day_visits(center, day).order_by("planned_start", "id"))
    by_tech: dict[int, list] = {}
    unscheduled = []
    for visit in visits:
        if visit.technician_id and visit.planned_start:
            by_tech.setdefault(visit.technician_id, []).append(_block(visit, day))
        else:
            unscheduled.append(visit)
    reasons = dict(Absence.Reason.choices)
    rows = []
    for k, tech in enumerate(techs):
        shift = planning.shift_of(tech, day)
        rows.append(
            {
                "technician": tech,
                "colour": COLOURS[k % len(COLOURS)],
                "skills": list(tech.skills.all()),
                "absent": reasons.get(absent[tech.pk]) if tech.pk in absent else None,
                "shift": shift,
                "blocks": by_tech.pop(tech.pk, []),
            }
        )
    # Visits on a technician who is no longer on the list (moved away, inactive).
    stray = [b["visit"] for blocks in by_tech.values() for b in blocks]
    stranded = [r for r in rows if r["absent"] and r["blocks"]]
    hours = list(range(AXIS_START, AXIS_END))
    return {
        "rows": rows,
        "unscheduled": unscheduled + stray,
        "stranded": stranded,
        "visits": visits,
        "hours": [
            {"label": f"{h:02d}:00", "left": round((h - AXIS_START) / len(hours) * 100, 2)}
            for h in hours
        ],
    }


def _last_plan(request, center, day, visits) -> dict | None:
    data = request.session.get(SESSION_KEY)
    if not data or data.get("center") != center.pk or data.get("day") != day.isoformat():
        return None
    by_id = {v.pk: v for v in visits}
    missing = [pk for pk, _reason in data["unplanned"] if pk not in by_id]
    if missing:
        by_id.update(
            Visit.objects.select_related("request", "skill").in_bulk(missing)  # type: ignore[arg-type]
        )
    return {
        **data,
        "unplanned": [
            {"visit": by_id[pk], "reason": reason, "message": planning.unplanned_sentence(reason)}
            for pk, reason in data["unplanned"]
            if pk in by_id
        ],
    }


class MoveForm(Form):
    technician = forms.ModelChoiceField(
        label=gettext_lazy("Technician"), queryset=Technician.objects.none()
    )
    planned_start = forms.DateTimeField(
        label=gettext_lazy("Start"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )

    def __init__(self, *args, center=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = Technician.objects.filter(
            home_center=center, active=True
        ).select_related("user")


def _context(request, **extra) -> dict:
    return {"nav": NAV, "centers": planning.board_centers(request.user), **extra}


# --- Pages --------------------------------------------------------------------------------


@board_required
@require_GET
def home(request):
    """The chosen center (`?center=`), else the first one the user may plan; the chosen
    day, else today; the board or (`?view=map`) the map."""
    centers = planning.board_centers(request.user).order_by("code")
    chosen = request.GET.get("center", "")
    center = centers.filter(pk=chosen).first() if chosen.isdigit() else None
    center = center or centers.first()
    if center is None:
        return render(request, "dispatch/board_empty.html", _context(request))
    day = _day(request.GET.get("day"))
    if request.GET.get("view") == "map":
        return redirect(f"{reverse('board:map', args=[center.pk])}?day={day.isoformat()}")
    return redirect(_board_url(center.pk, day))


@board_required
@require_GET
def day(request, pk):
    center = _center(request, pk)
    day = _day(request.GET.get("day"))
    data = board_data(center, day)
    return render(
        request,
        "dispatch/board.html",
        _context(
            request,
            center=center,
            day=day,
            previous_day=day - datetime.timedelta(days=1),
            next_day=day + datetime.timedelta(days=1),
            last_plan=_last_plan(request, center, day, data["visits"]),
            technician_choices=[r["technician"] for r in data["rows"] if not r["absent"]],
            **data,
        ),
    )


@board_required
@require_POST
def plan(request, pk):
    center = _center(request, pk)
    day = _day(request.POST.get("day"))
    try:
        result = planning.plan_center_day(
            center, day, actor=request.user, time_limit_s=PLAN_TIME_LIMIT_S
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_board_url(center.pk, day))
    request.session[SESSION_KEY] = result.as_data()
    messages.success(
        request,
        ngettext(
            "Planned %(placed)s visit; %(unplanned)s could not be placed.",
            "Planned %(placed)s visits; %(unplanned)s could not be placed.",
            len(result.placed),
        )
        % {"placed": len(result.placed), "unplanned": len(result.unplanned)},
    )
    return redirect(_board_url(center.pk, day))


def _map_data(center, day) -> dict:
    """An SVG of the center, the technicians' starts, the visits and each route."""
    width, height, pad = 800, 500, 30
    data = board_data(center, day)
    points = []  # (lat, lon) of everything shown, for the frame
    centre = planning._point(
        (center.latitude, center.longitude) if center.latitude is not None else None
    )
    if centre:
        points.append(centre)
    starts = {}
    for row in data["rows"]:
        start = planning._point(row["technician"].start_point)
        if start:
            starts[row["technician"].pk] = start
            points.append(start)
    located = {}
    for visit in data["visits"]:
        where = planning._point(visit.position)
        if where:
            located[visit.pk] = where
            points.append(where)
    if not points:
        return {**data, "svg": None}
    lat0, lat1 = min(p.latitude for p in points), max(p.latitude for p in points)
    lon0, lon1 = min(p.longitude for p in points), max(p.longitude for p in points)

    # Same scale both ways, so the map is not stretched, and the drawing centred.
    scale = min(
        (width - 2 * pad) / max(lon1 - lon0, 0.01), (height - 2 * pad) / max(lat1 - lat0, 0.01)
    )
    dx = (width - (lon1 - lon0) * scale) / 2
    dy = (height - (lat1 - lat0) * scale) / 2

    def xy(p):
        return (
            round(dx + (p.longitude - lon0) * scale, 1),
            round(height - dy - (p.latitude - lat0) * scale, 1),
        )

    routes, marks = [], []
    colour_of = {r["technician"].pk: r["colour"] for r in data["rows"]}
    for row in data["rows"]:
        tech = row["technician"]
        stops = sorted(
            (b["visit"] for b in row["blocks"] if b["visit"].pk in located),
            key=lambda v: (v.sequence or 0, v.planned_start),
        )
        if tech.pk in starts:
            line = [xy(starts[tech.pk])] + [xy(located[v.pk]) for v in stops]
            if stops:
                line.append(xy(starts[tech.pk]))
            x, y = xy(starts[tech.pk])
            routes.append(
                {
                    "technician": tech,
                    "colour": row["colour"],
                    "points": " ".join(f"{a},{b}" for a, b in line),
                    "x": x,
                    "y": y,
                    "triangle": f"{x},{y - 9} {x - 8},{y + 6} {x + 8},{y + 6}",
                    "count": len(stops),
                }
            )
    for visit in data["visits"]:
        if visit.pk not in located:
            continue
        x, y = xy(located[visit.pk])
        marks.append(
            {
                "visit": visit,
                "x": x,
                "y": y,
                "colour": colour_of.get(visit.technician_id, "#6c757d"),
                "placed": bool(visit.technician_id and visit.planned_start),
            }
        )
    center_xy = None
    if centre:
        cx, cy = xy(centre)
        center_xy = {"x": round(cx - 8, 1), "y": round(cy - 8, 1)}
    return {
        **data,
        "svg": {"width": width, "height": height, "routes": routes, "marks": marks},
        "center_xy": center_xy,
    }


@board_required
@require_GET
def map_view(request, pk):
    center = _center(request, pk)
    day = _day(request.GET.get("day"))
    return render(
        request,
        "dispatch/board_map.html",
        _context(request, center=center, day=day, **_map_data(center, day)),
    )


@board_required
@require_POST
def move(request, pk):
    visit = _visit(request, pk)
    form = MoveForm(request.POST, center=visit.center)
    back = _board_url(visit.center_id, visit.day or timezone.localdate())
    if form.is_valid():
        start = form.cleaned_data["planned_start"]
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        try:
            moved = planning.move(visit, form.cleaned_data["technician"], start, request.user)
        except (DomainError, ValidationError) as error:
            messages.error(request, str(getattr(error, "message", error)))
        else:
            messages.success(
                request,
                _("%(visit)s is now with %(name)s at %(time)s, pinned.")
                % {
                    "visit": visit.request,
                    "name": moved.technician.user,
                    "time": timezone.localtime(moved.planned_start).strftime("%H:%M"),
                },
            )
            back = _board_url(visit.center_id, moved.day)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(back)


@board_required
@require_GET
def suggest(request, pk):
    visit = _visit(request, pk)
    try:
        rows = planning.suggest_for(visit)
        problem = None
    except DomainError as error:
        rows, problem = [], str(error)
    return render(
        request,
        "dispatch/board_suggest.html",
        _context(
            request,
            visit=visit,
            rows=rows,
            problem=problem,
            day=visit.day or timezone.localdate(),
            can_assign=visit.status in planning.PLANNABLE,
        ),
    )


@board_required
@require_POST
def assign(request, pk):
    """The "Assign" button of a suggestion: that technician at the start it offered."""
    visit = _visit(request, pk)
    form = MoveForm(request.POST, center=visit.center)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("board:suggest", visit.pk)
    start = form.cleaned_data["planned_start"]
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    try:
        moved = planning.move(visit, form.cleaned_data["technician"], start, request.user)
    except (DomainError, ValidationError) as error:
        messages.error(request, str(getattr(error, "message", error)))
        return redirect("board:suggest", visit.pk)
    messages.success(
        request,
        _("%(visit)s is assigned to %(name)s.")
        % {"visit": visit.request, "name": moved.technician.user},
    )
    return redirect(_board_url(visit.center_id, moved.day))
