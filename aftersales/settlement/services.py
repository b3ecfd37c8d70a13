"""Settlement rules: who may see and change what, the rate that applies to a visit, the
accrual of each completed partner visit, and the monthly statement's life.

`record_completed(visit)` is called by `dispatch.services.check_out` for every completed
visit: the partner center's fee (`accrue`) and the technician's piece rate
(`accrue_piece`), each once; own centers earn no fee, and no piece rate is owed where
none is set.
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.dispatch.models import VisitStatus
from aftersales.field.models import ServiceCenter
from aftersales.settlement.models import (
    FeeAccrual,
    FeeRate,
    Payee,
    Statement,
    StatementLine,
    StatementStatus,
)

# --- Who may do what ----------------------------------------------------------------------


def _partner_center_id(user):
    if user.role == Role.PARTNER and not user.is_superuser:
        return user.service_center_id
    return None


def can_view(user) -> bool:
    """Managers see every statement; partner staff their own center's; nobody else."""
    if not user.is_authenticated:
        return False
    return user.is_manager or bool(_partner_center_id(user))


def can_manage(user) -> bool:
    """Managers keep the fee schedule, build and approve statements."""
    return user.is_authenticated and user.is_manager


def visible_statements(user, queryset=None):
    queryset = Statement.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_manager:
        return queryset
    center_id = _partner_center_id(user) if user.is_authenticated else None
    return queryset.filter(center_id=center_id) if center_id else queryset.none()


def visible_rates(user, queryset=None):
    """Managers see every rate; partner staff the defaults and their own center's."""
    queryset = FeeRate.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_manager:
        return queryset
    center_id = _partner_center_id(user) if user.is_authenticated else None
    if not center_id:
        return queryset.none()
    return queryset.filter(Q(center__isnull=True) | Q(center_id=center_id))


def visible_piece_accruals(user):
    """Piece-rate accruals `user` may see: managers all, partner staff their center's."""
    queryset = FeeAccrual.objects.filter(payee=Payee.TECHNICIAN)
    if user.is_authenticated and user.is_manager:
        return queryset
    center_id = _partner_center_id(user) if user.is_authenticated else None
    return queryset.filter(center_id=center_id) if center_id else queryset.none()


def check_manage(user) -> None:
    if not can_manage(user):
        raise NotAllowed(_("Only a service manager may change partner settlement."))


def check_view(user, statement: Statement) -> None:
    if not visible_statements(user, Statement.objects.filter(pk=statement.pk)).exists():
        raise NotAllowed(_("You may not see this statement."))


# --- Months -------------------------------------------------------------------------------


def month_of(value) -> datetime.date:
    """The first day of the month of a date or an aware datetime (in local time)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.replace(day=1)


def parse_month(text: str) -> datetime.date:
    """'2026-11' (or '2026-11-01') → date(2026, 11, 1); a clear error otherwise."""
    try:
        return datetime.date.fromisoformat(f"{(text or '').strip()[:7]}-01")
    except ValueError:
        raise DomainError(_("Give the month as YYYY-MM."), field="month") from None


# --- Fee rates ----------------------------------------------------------------------------


def check_rate(rate: FeeRate) -> None:
    """A center's fee rate is for a partner center (or every partner); a piece rate for the
    technicians of any center (or all). Not negative, with a valid range, and not
    overlapping another rate for the same payee, center, job kind and category."""
    if (
        rate.payee == Payee.CENTER
        and rate.center_id
        and rate.center.kind != ServiceCenter.Kind.PARTNER
    ):
        raise DomainError(_("Fee rates are for authorised partner centers only."), field="center")
    if rate.amount is None or rate.amount < 0:
        raise DomainError(_("The amount cannot be negative."), field="amount")
    if rate.valid_to and rate.valid_from and rate.valid_to < rate.valid_from:
        raise DomainError(_("The rate cannot end before it starts."), field="valid_to")
    clashes = FeeRate.objects.filter(
        payee=rate.payee, center_id=rate.center_id, kind=rate.kind, category_id=rate.category_id
    ).exclude(pk=rate.pk)
    if rate.valid_to:
        clashes = clashes.filter(valid_from__lte=rate.valid_to)
    clashes = clashes.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=rate.valid_from))
    if clashes.exists():
        raise Conflict(
            _(
                "Another rate for this center, job kind and category is valid in the same "
                "period; end it first."
            ),
            field="valid_from",
        )


@transaction.atomic
def save_rate(rate: FeeRate, actor) -> FeeRate:
    check_manage(actor)
    check_rate(rate)
    rate.save()
    return rate


def _category_chain(category) -> list:
    """The category and its parents, nearest first (a rate for 空调 covers 挂机)."""
    chain, seen = [], set()
    while category is not None and category.pk not in seen:
        chain.append(category.pk)
        seen.add(category.pk)
        category = category.parent
    return chain


def rate_for(
    center, kind: str, category, day: datetime.date, payee: str = Payee.CENTER
) -> FeeRate | None:
    """The most specific rate for `payee` in force on `day`: center+kind+category >
    center+kind > default+kind+category > default+kind; a nearer category beats its
    parent."""
    chain = _category_chain(category)
    candidates = FeeRate.objects.filter(
        Q(center=center) | Q(center__isnull=True),
        Q(category_id__in=chain) | Q(category__isnull=True),
        payee=payee,
        kind=kind,
        valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def rank(rate):
        category_rank = chain.index(rate.category_id) if rate.category_id else len(chain)
        return (rate.center_id is None, category_rank, -rate.valid_from.toordinal(), -rate.pk)

    ranked = sorted(candidates, key=rank)
    return ranked[0] if ranked else None


# --- Accruals -----------------------------------------------------------------------------


def record_completed(visit) -> tuple[FeeAccrual | None, FeeAccrual | None]:
    """A visit was completed: accrue the partner center's fee and the technician's piece
    rate (each only where owed). Returns (fee, piece)."""
    return accrue(visit), accrue_piece(visit)


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _open_month(center, month: datetime.date) -> datetime.date:
    """The first month from `month` on whose statement for `center` is not frozen: a visit
    completed after its month was approved is settled in the next open one."""
    frozen = set(
        Statement.objects.filter(center=center, month__gte=month)
        .exclude(status=StatementStatus.DRAFT)
        .values_list("month", flat=True)
    )
    while month in frozen:
        month = _next_month(month)
    return month


def _accrual_basis(visit, payee: str):
    request = visit.request
    unit = request.unit
    category = unit.product.category if unit else None
    done_at = visit.checked_out_at or timezone.now()
    rate = rate_for(visit.center, request.kind, category, timezone.localdate(done_at), payee)
    return rate, done_at


def _create_once(visit, payee: str, **fields) -> FeeAccrual:
    try:
        with transaction.atomic():
            return FeeAccrual.objects.create(
                visit=visit,
                payee=payee,
                center=visit.center,
                technician=visit.technician,
                kind=visit.request.kind,
                **fields,
            )
    except IntegrityError:  # a concurrent call accrued it first
        return FeeAccrual.objects.get(visit=visit, payee=payee)


def accrue(visit) -> FeeAccrual | None:
    """Accrue the fee of a completed visit at a partner center, once.

    Returns the accrual (the existing one on a second call), or None when the visit is not
    completed or not at a partner center. No rate found: an accrual of 0 flagged `no_rate`.
    Its month is that of check-out, or the next month still open when that month's
    statement was already approved (flagged `carried_over`).
    """
    if visit.status != VisitStatus.COMPLETED or visit.center.kind != ServiceCenter.Kind.PARTNER:
        return None
    existing = FeeAccrual.objects.filter(visit=visit, payee=Payee.CENTER).first()
    if existing:
        return existing
    rate, done_at = _accrual_basis(visit, Payee.CENTER)
    worked = month_of(done_at)
    month = _open_month(visit.center, worked)
    return _create_once(
        visit,
        Payee.CENTER,
        rate=rate,
        amount=rate.amount if rate else Decimal("0.00"),
        no_rate=rate is None,
        month=month,
        carried_over=month != worked,
    )


def accrue_piece(visit) -> FeeAccrual | None:
    """Accrue the technician's piece rate for a completed visit, once, where a piece rate
    applies (own or partner center); None when no piece rate is set for it."""
    if visit.status != VisitStatus.COMPLETED or visit.technician_id is None:
        return None
    existing = FeeAccrual.objects.filter(visit=visit, payee=Payee.TECHNICIAN).first()
    if existing:
        return existing
    rate, done_at = _accrual_basis(visit, Payee.TECHNICIAN)
    if rate is None:
        return None
    return _create_once(
        visit, Payee.TECHNICIAN, rate=rate, amount=rate.amount, month=month_of(done_at)
    )


# --- Statements ---------------------------------------------------------------------------


@transaction.atomic
def build_statement(center, month: datetime.date, actor) -> Statement:
    """Collect the center's accruals of the month into its statement: created on the first
    call, refreshed while a draft; an approved or exported one is frozen (Conflict)."""
    check_manage(actor)
    if center.kind != ServiceCenter.Kind.PARTNER:
        raise DomainError(_("Statements are for authorised partner centers only."), "center")
    month = month_of(month)
    if month > month_of(timezone.localdate()):
        raise DomainError(_("That month has not begun yet."), field="month")
    # Lock the center row so two builds of the same month queue up rather than clash.
    ServiceCenter.objects.select_for_update().filter(pk=center.pk).first()
    statement, _created = Statement.objects.select_for_update().get_or_create(
        center=center, month=month, defaults={"built_by": actor}
    )
    if statement.is_frozen:
        raise Conflict(
            _("This statement is %(status)s and can no longer be rebuilt.")
            % {"status": statement.get_status_display()}
        )
    accruals = list(
        FeeAccrual.objects.filter(center=center, month=month, payee=Payee.CENTER).values_list(
            "pk", flat=True
        )
    )
    StatementLine.objects.filter(statement=statement).delete()
    StatementLine.objects.bulk_create(
        [StatementLine(statement=statement, accrual_id=pk) for pk in accruals]
    )
    sums = FeeAccrual.objects.filter(pk__in=accruals).aggregate(
        total=Sum("amount"), lines=Count("pk"), no_rate=Count("pk", filter=Q(no_rate=True))
    )
    statement.total = sums["total"] or Decimal("0.00")
    statement.line_count = sums["lines"]
    statement.no_rate_count = sums["no_rate"]
    statement.built_by = actor
    statement.built_at = timezone.now()
    statement.save()
    return statement


@transaction.atomic
def approve(statement: Statement, actor) -> Statement:
    """A manager approves a draft; its lines and total are frozen from then on."""
    check_manage(actor)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != StatementStatus.DRAFT:
        raise Conflict(_("Only a draft statement can be approved."))
    statement.status = StatementStatus.APPROVED
    statement.approved_by = actor
    statement.approved_at = timezone.now()
    statement.save(update_fields=["status", "approved_by", "approved_at"])
    return statement


def check_export(user, statement: Statement) -> None:
    check_view(user, statement)
    if statement.status == StatementStatus.DRAFT:
        raise DomainError(_("Approve the statement before exporting it."))


@transaction.atomic
def mark_exported(statement: Statement, actor) -> Statement:
    """Exporting an approved statement moves it to exported (the first time a manager
    exports it); partner staff may download it without changing its status."""
    check_export(actor, statement)
    if can_manage(actor) and statement.status == StatementStatus.APPROVED:
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if statement.status == StatementStatus.APPROVED:
            statement.status = StatementStatus.EXPORTED
            statement.exported_by = actor
            statement.exported_at = timezone.now()
            statement.save(update_fields=["status", "exported_by", "exported_at"])
    return statement
