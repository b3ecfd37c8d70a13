"""Use cases of the service network: centers and their coverage, technicians with skills
and absences, check-ins, and who is available on a day.

Who may:
- administrators and service managers change everything;
- partner staff manage their own center's technicians and absences (not other centers,
  not the center itself or its coverage);
- agents and dispatchers read everything;
- technicians read their own profile (and their home center) and check in;
- customers nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import Role, role_of, signed_in
from aftersales.catalog.models import Category
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.field.models import (
    Absence,
    CenterCoverage,
    ServiceCenter,
    Technician,
    TechnicianSkill,
)

# --- Who may ------------------------------------------------------------------------------


def is_partner(user) -> bool:
    return role_of(user) == Role.PARTNER and bool(user.service_center_id)


def can_manage_network(user) -> bool:
    """Create and change centers and their coverage, and any technician."""
    return signed_in(user) and user.is_manager


def can_browse(user) -> bool:
    """Open the network pages: the back office, and partner staff for their own center."""
    return signed_in(user) and (user.is_back_office or is_partner(user))


def visible_centers(user, queryset: QuerySet | None = None) -> QuerySet[ServiceCenter]:
    queryset = ServiceCenter.objects.all() if queryset is None else queryset
    role = role_of(user)
    if role is None:
        return queryset.none()
    if user.is_back_office:
        return queryset
    if role in (Role.PARTNER, Role.TECHNICIAN) and user.service_center_id:
        return queryset.filter(pk=user.service_center_id)
    if role == Role.TECHNICIAN:
        return queryset.filter(technicians__user=user)
    return queryset.none()


def visible_technicians(user, queryset: QuerySet | None = None) -> QuerySet[Technician]:
    queryset = Technician.objects.all() if queryset is None else queryset
    role = role_of(user)
    if role is None:
        return queryset.none()
    if user.is_back_office:
        return queryset
    if role == Role.PARTNER:
        if not user.service_center_id:
            return queryset.none()
        return queryset.filter(home_center_id=user.service_center_id)
    if role == Role.TECHNICIAN:
        return queryset.filter(user=user)
    return queryset.none()


def can_manage_technicians_of(user, center: ServiceCenter | None) -> bool:
    if can_manage_network(user):
        return True
    return is_partner(user) and center is not None and center.pk == user.service_center_id


def can_add_technicians(user) -> bool:
    return can_manage_network(user) or is_partner(user)


def check_manage_network(actor) -> None:
    """`actor` None is the system itself (demo data, imports)."""
    if actor is not None and not can_manage_network(actor):
        raise NotAllowed(
            _("Only administrators and service managers may change service centers and coverage.")
        )


def check_manage_technician(actor, center: ServiceCenter | None) -> None:
    if actor is not None and not can_manage_technicians_of(actor, center):
        raise NotAllowed(
            _("You may manage only the technicians of your own service center.")
            if is_partner(actor)
            else _(
                "Only service managers, administrators and the center's partner staff may "
                "change technicians."
            )
        )


def check_record_position(actor, technician: Technician) -> None:
    if actor is None or actor.pk == technician.user_id:
        return
    check_manage_technician(actor, technician.home_center)


# --- Helpers ------------------------------------------------------------------------------


def _clean(obj, errors: dict, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value) -> str:
    return (value or "").strip()


# --- Centers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    city: str
    district: str = ""
    province: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (_text(self.city), _text(self.district))


def check_coverage(coverage: list[Coverage]) -> list[str]:
    problems, seen = [], set()
    for row in coverage:
        city, district = row.key
        if not city:
            problems.append(str(_("Each coverage row needs a city.")))
            continue
        if (city, district) in seen:
            place = f"{city} {district}".strip()
            problems.append(str(_("%(place)s is listed twice.") % {"place": place}))
        seen.add((city, district))
    return problems


def check_center(center: ServiceCenter, coverage: list[Coverage] | None = None) -> None:
    errors: dict = {}
    center.code, center.name = _text(center.code), _text(center.name)
    _clean(center, errors)
    if center.code and (
        ServiceCenter.objects.filter(code__iexact=center.code).exclude(pk=center.pk).exists()
    ):
        errors.setdefault("code", []).append(_("Another service center has this code."))
    if coverage is not None:
        problems = check_coverage(coverage)
        if problems:
            errors.setdefault("__all__", []).extend(problems)
    _raise(errors)


@transaction.atomic
def save_center(
    center: ServiceCenter, *, actor, coverage: list[Coverage] | None = None
) -> ServiceCenter:
    """Create or change a center (fields already set) and, if given, all its coverage."""
    check_manage_network(actor)
    check_center(center, coverage)
    center.save()
    if coverage is not None:
        center.coverage.all().delete()
        CenterCoverage.objects.bulk_create(
            CenterCoverage(
                center=center, province=_text(c.province), city=c.key[0], district=c.key[1]
            )
            for c in coverage
        )
    return center


def centers_covering(city: str, district: str = "") -> list[ServiceCenter]:
    """Active centers that cover a place: a district match first, then the whole city;
    within each, own centers before partners, then by code."""
    city, district = _text(city), _text(district)
    if city.endswith("市") and len(city) > 1:
        city = city[:-1]
    if not city:
        return []
    cities = {city, f"{city}市"}
    rows = (
        CenterCoverage.objects.filter(city__in=cities, center__active=True)
        .filter(Q(district="") | Q(district=district) if district else Q(district=""))
        .select_related("center")
    )
    ranked: dict[int, tuple] = {}
    for row in rows:
        center = row.center
        rank = (
            0 if row.district else 1,
            0 if center.kind == ServiceCenter.Kind.OWN else 1,
            center.code,
        )
        if center.pk not in ranked or rank < ranked[center.pk][0]:
            ranked[center.pk] = (rank, center)
    return [center for _rank, center in sorted(ranked.values(), key=lambda pair: pair[0])]


# --- Technicians --------------------------------------------------------------------------


@dataclass(frozen=True)
class Skill:
    category: Category
    level: int
    certified_until: datetime.date | None = None


def check_technician(technician: Technician, skills: list[Skill] | None = None) -> None:
    errors: dict = {}
    _clean(technician, errors)
    if technician.user_id and (
        Technician.objects.filter(user_id=technician.user_id).exclude(pk=technician.pk).exists()
    ):
        errors.setdefault("user", []).append(_("This person already has a technician profile."))
    if skills is not None:
        seen = set()
        for skill in skills:
            if skill.category.pk in seen:
                errors.setdefault("__all__", []).append(
                    _("%(category)s is listed twice.") % {"category": skill.category}
                )
            seen.add(skill.category.pk)
    _raise(errors)


@transaction.atomic
def save_technician(
    technician: Technician, *, actor, skills: list[Skill] | None = None
) -> Technician:
    """Create or change a technician profile (fields already set) and, if given, all
    their skills. Partner staff may do it only within their own center, and may not move
    a technician to another center."""
    if technician.pk:
        before = Technician.objects.select_related("home_center").get(pk=technician.pk)
        check_manage_technician(actor, before.home_center)
    if technician.home_center_id:
        check_manage_technician(actor, technician.home_center)
    elif actor is not None and not can_add_technicians(actor):
        check_manage_technician(actor, None)
    check_technician(technician, skills)
    technician.save()
    if skills is not None:
        technician.skills.all().delete()
        TechnicianSkill.objects.bulk_create(
            TechnicianSkill(
                technician=technician,
                category=s.category,
                level=s.level,
                certified_until=s.certified_until,
            )
            for s in skills
        )
    return technician


def add_absence(
    technician: Technician,
    *,
    actor,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    note: str = "",
) -> Absence:
    check_manage_technician(actor, technician.home_center)
    absence = Absence(
        technician=technician,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        note=_text(note),
        created_by=actor,
    )
    errors: dict = {}
    _clean(absence, errors, exclude=["created_by"])
    if not errors and (
        technician.absences.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists()
    ):
        errors["starts_on"] = [_("This overlaps an absence already entered.")]
    _raise(errors)
    absence.save()
    return absence


def remove_absence(absence: Absence, *, actor) -> None:
    check_manage_technician(actor, absence.technician.home_center)
    absence.delete()


def _coordinate(value, low: int, high: int, name: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("%(name)s must be a number.") % {"name": name}, field=name) from None
    if not low <= number <= high:
        raise DomainError(
            _("%(name)s must be between %(low)s and %(high)s.")
            % {"name": name, "low": low, "high": high},
            field=name,
        )
    return number


@transaction.atomic
def record_position(
    technician: Technician, latitude, longitude, at: datetime.datetime | None = None, *, actor=None
) -> Technician:
    """A check-in: where the technician was at `at` (default now). An older check-in
    arriving late does not overwrite a newer one."""
    check_record_position(actor, technician)
    lat = _coordinate(latitude, -90, 90, "latitude")
    lon = _coordinate(longitude, -180, 180, "longitude")
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise DomainError(_("Give the check-in time with its time zone."), field="at")
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError(_("A check-in cannot be in the future."), field="at")
    Technician.objects.filter(pk=technician.pk).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at)
    ).update(last_latitude=lat, last_longitude=lon, last_seen_at=at)
    technician.refresh_from_db(fields=["last_latitude", "last_longitude", "last_seen_at"])
    return technician


def category_and_ancestors(category: Category) -> list[int]:
    """A skill on a parent category (空调) covers its sub-categories (挂机)."""
    ids, seen = [], set()
    node = category
    while node is not None and node.pk not in seen:
        ids.append(node.pk)
        seen.add(node.pk)
        node = node.parent
    return ids


def available_technicians(
    center: ServiceCenter, day: datetime.date, skill_category: Category | None = None
) -> QuerySet[Technician]:
    """Active technicians of `center` who are not absent on `day` and, if a category is
    given, have a skill for it (or for a parent category) at any level."""
    queryset = Technician.objects.filter(home_center=center, active=True, user__is_active=True)
    queryset = queryset.exclude(
        pk__in=Absence.objects.filter(starts_on__lte=day, ends_on__gte=day).values("technician_id")
    )
    if skill_category is not None:
        queryset = queryset.filter(
            pk__in=TechnicianSkill.objects.filter(
                category_id__in=category_and_ancestors(skill_category)
            ).values("technician_id")
        )
    return queryset.select_related("user", "home_center").order_by("user__username")
