"""Monthly quality reports kept and mailed: who may read and order them, making them in
the background, and mailing each center's month to the people who should get it.

- `order_report(center, month, language, actor=…)` is the "generate now" button: it marks
  the report queued and hands `tasks.generate_report` to the background. A report being
  made already is not made twice; one whose worker died (queued or running for longer
  than `GENERATING_TIMEOUT`) may be ordered again.
- `generate(report_id)` claims a queued report with a conditional UPDATE (two workers never
  both make it), builds the figures and the PDF outside any transaction, and records it
  ready, replacing the earlier PDF, or failed with the error shown on the page.
- `monthly_run()` (hourly, `aftersales/celery.py`) makes last month's report of every
  active center once the month is over (from 06:00 on the 1st; again if it was made
  before the month ended),
  in each language its readers need, queues one mail per person per center and month
  (the database refuses a second), and sends the mails that are due. Safe to run twice.
- `send(delivery_id)` claims one mail like the outbox does and sends it with the PDF
  attached; a failure is retried with backoff (`notifications.services.backoff`) up to
  `MAX_SEND_ATTEMPTS`, then marked failed; each try's error is on the reports page.

Who gets the mail: the service managers, and the center's own manager (`center.manager`)
when that person may read the center's reports (back office, or the center's partner
staff). Readers: the back office reads every report, partner staff their center's.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role, signed_in
from aftersales.analytics import reports, reports_pdf
from aftersales.analytics.models import QualityReport, QualityReportDelivery
from aftersales.core.background import enqueue
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.field.models import ServiceCenter
from aftersales.notifications.services import backoff

log = logging.getLogger(__name__)

GENERATING_TIMEOUT = datetime.timedelta(minutes=30)
SENDING_TIMEOUT = datetime.timedelta(minutes=10)
MAX_SEND_ATTEMPTS = 6
# On the 1st, last month's reports are made from this time of day (local time) on.
NOT_BEFORE = datetime.time(6, 0)

Status = QualityReport.Status
MailStatus = QualityReportDelivery.Status


# --- Who may --------------------------------------------------------------------------------


def can_view_reports(user) -> bool:
    return signed_in(user) and (
        user.is_back_office or (user.role == Role.PARTNER and bool(user.service_center_id))
    )


def may_read_center(user, center_id: int) -> bool:
    if not can_view_reports(user):
        return False
    return user.is_back_office or user.service_center_id == center_id


def visible_reports(user):
    """The stored reports `user` may list and download (without their PDF bytes)."""
    reports_ = QualityReport.objects.defer("pdf")
    if not can_view_reports(user):
        return reports_.none()
    if user.is_back_office:
        return reports_
    return reports_.filter(center_id=user.service_center_id)


def orderable_centers(user):
    """The centers whose reports `user` may order: the active ones they may read."""
    centers = ServiceCenter.objects.filter(active=True).order_by("code")
    if not can_view_reports(user):
        return centers.none()
    if user.is_back_office:
        return centers
    return centers.filter(pk=user.service_center_id)


def known_language(code: str | None) -> str:
    """`code` if reports are made in it, else the site's language."""
    codes = [known for known, _name in settings.LANGUAGES]
    if code in codes:
        return code
    return settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in codes else codes[0]


def language_for(user) -> str:
    """The language a person reads reports in: their profile's, else the site's."""
    return known_language(user.language if user is not None else None)


# --- Ordering and making a report ------------------------------------------------------------


def check_month(month: datetime.date) -> datetime.date:
    """The first day of `month`; a month that has not begun yet is refused."""
    month = reports.first_of(month)
    if month > reports.first_of(timezone.localdate()):
        raise DomainError(_("That month has not begun yet."), field="month")
    return month


def _stale(report: QualityReport, now) -> bool:
    return report.in_progress and report.requested_at < now - GENERATING_TIMEOUT


def _queue(center, month, language, actor=None) -> tuple[QualityReport, bool]:
    """The report row marked queued: (report, True), or (report, False) when it is being
    made already. Creating the row races with other callers: the unique constraint
    decides, and the loser takes the winner's row."""
    now = timezone.now()
    fields = {"status": Status.QUEUED, "requested_by": actor, "requested_at": now, "error": ""}
    key = {"center": center, "month": month, "language": language}
    try:
        with transaction.atomic():
            report, created = QualityReport.objects.defer("pdf").get_or_create(
                **key, defaults=fields
            )
    except IntegrityError:
        report, created = QualityReport.objects.defer("pdf").get(**key), False
    if created:
        return report, True
    if report.in_progress and not _stale(report, now):
        return report, False
    # The status and request time are the version: of two callers, one re-queues it.
    taken = QualityReport.objects.filter(
        pk=report.pk, status=report.status, requested_at=report.requested_at
    ).update(**fields)
    for name, value in fields.items():
        setattr(report, name, value)
    return report, bool(taken)


def order_report(center: ServiceCenter, month: datetime.date, language: str, *, actor):
    """Make (or make again) `center`'s report of `month` in `language`, in the background."""
    if not may_read_center(actor, center.pk):
        raise NotAllowed(_("You may not order reports of this service center."))
    if not center.active:
        raise DomainError(_("This service center is closed."), field="center")
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose a language."), field="language")
    report, queued = _queue(center, check_month(month), language, actor)
    if queued:
        from aftersales.analytics.tasks import generate_report

        enqueue(generate_report, report.pk)
    return report


def generate(report_id: int, figures: reports.MonthFigures | None = None):
    """Make a queued report's PDF now (from `figures` when the caller has them already:
    one center's month in another language); a report not queued (made, being made by
    another worker, or gone) is left as it is. Safe to call twice."""
    report = QualityReport.objects.defer("pdf").select_related("center").filter(pk=report_id)
    report = report.first()
    if report is None or report.status != Status.QUEUED:
        return report
    mine = QualityReport.objects.filter(pk=report.pk, requested_at=report.requested_at)
    if not mine.filter(status=Status.QUEUED).update(status=Status.RUNNING):
        return report
    try:
        if figures is None:
            figures = reports.month_figures(report.center, report.month)
        generated_at = timezone.now()
        with translation.override(report.language):
            content = reports_pdf.render(figures, generated_at=generated_at)
    except Exception as error:  # noqa: BLE001 - recorded on the report for people to see
        log.exception("Quality report %s could not be generated", report.pk)
        mine.update(status=Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
    else:
        mine.update(
            status=Status.DONE,
            pdf=content,
            pdf_size=len(content),
            generated_at=generated_at,
            error="",
        )
    return QualityReport.objects.defer("pdf").get(pk=report.pk)


def pdf_of(report: QualityReport) -> bytes:
    content = QualityReport.objects.filter(pk=report.pk).values_list("pdf", flat=True).get()
    return bytes(content or b"")


def file_name(report: QualityReport) -> str:
    return f"quality-{report.center.code}-{report.month:%Y-%m}-{report.language}.pdf"


# --- The monthly run -------------------------------------------------------------------------


def recipients_for(center: ServiceCenter, managers) -> list:
    """Who gets `center`'s monthly report by mail: the service managers and the center's
    own manager if they may read it; only people with an email address."""
    people = {user.pk: user for user in managers}
    boss = center.manager
    if boss is not None and boss.is_active and boss.email and may_read_center(boss, center.pk):
        people[boss.pk] = boss
    return sorted(people.values(), key=lambda user: user.username)


def _month_over(month: datetime.date) -> datetime.datetime:
    return reports.month_filter(0, month).window()[1]


def _complete(report: QualityReport | None, month_over) -> bool:
    """Made from the whole month (one made before the month ended is made again)."""
    return (
        report is not None
        and report.status == Status.DONE
        and report.generated_at is not None
        and report.generated_at >= month_over
    )


def monthly_run(today: datetime.date | None = None) -> dict[str, int]:
    """Last month's report of every active center, made and mailed once; then the mails
    that are due. Queries: a few per center (plus the figures of each report it makes)."""
    counts = {"generated": 0, "failed": 0, "mails_queued": 0}
    if today is None:
        now = timezone.localtime()
        if now.day == 1 and now.time() < NOT_BEFORE:  # the mail comes in the morning
            return {**counts, **send_due()}
    today = today or timezone.localdate()
    month = reports.previous_month(today)
    month_over = _month_over(month)
    if timezone.now() < month_over:  # a `today` still to come: the month is not over
        return counts
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).exclude(email=""))
    centers = ServiceCenter.objects.filter(active=True).select_related("manager").order_by("code")
    made = {
        (r.center_id, r.language): r for r in QualityReport.objects.filter(month=month).defer("pdf")
    }
    mailed = set(
        QualityReportDelivery.objects.filter(month=month).values_list("center_id", "user_id")
    )
    for center in centers:
        people = recipients_for(center, managers)
        languages = {language_for(None)} | {language_for(user) for user in people}
        figures = None  # the same figures in each language: gathered once
        for language in sorted(languages):
            report = made.get((center.pk, language))
            if not _complete(report, month_over):
                figures = figures or _figures_or_none(center, month)
                report = _make_now(center, month, language, figures)
                made[(center.pk, language)] = report
                counts["generated" if report.status == Status.DONE else "failed"] += 1
        mails = [
            QualityReportDelivery(
                report=made[(center.pk, language_for(user))],
                center=center,
                month=month,
                user=user,
                to_address=user.email,
                next_attempt_at=timezone.now(),
            )
            for user in people
            if (center.pk, user.pk) not in mailed
            and made[(center.pk, language_for(user))].status == Status.DONE
        ]
        # A concurrent run may have queued some already: the constraint keeps one.
        QualityReportDelivery.objects.bulk_create(mails, ignore_conflicts=True)
        counts["mails_queued"] += len(mails)
    counts.update(send_due())
    return counts


def _figures_or_none(center, month) -> reports.MonthFigures | None:
    """The figures, or None when they fail: `generate` then tries again and records the
    error on the report, and the other centers still get theirs."""
    try:
        return reports.month_figures(center, month)
    except Exception:  # noqa: BLE001 - see above
        log.exception("Figures of %s for %s could not be gathered", center.code, month)
        return None


def _make_now(center, month, language, figures) -> QualityReport:
    """Make the report here (the run is a background task already), unless another
    worker is making it right now."""
    report, queued = _queue(center, month, language)
    if not queued:
        return report
    return generate(report.pk, figures) or report


# --- Mailing ---------------------------------------------------------------------------------


def _due(now) -> Q:
    """Queued mails whose time has come, and sending ones whose sender's claim ran out."""
    return Q(status__in=[MailStatus.QUEUED, MailStatus.SENDING], next_attempt_at__lte=now)


def send_due(limit: int = 200) -> dict[str, int]:
    ids = list(
        QualityReportDelivery.objects.filter(_due(timezone.now()))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "retrying": 0, "undeliverable": 0}
    for pk in ids:
        delivery = send(pk)
        if delivery is None:
            continue
        if delivery.status == MailStatus.SENT:
            counts["sent"] += 1
        elif delivery.status == MailStatus.FAILED:
            counts["undeliverable"] += 1
        else:
            counts["retrying"] += 1
    return counts


def _claim(delivery_id: int) -> QualityReportDelivery | None:
    now = timezone.now()
    found = QualityReportDelivery.objects.filter(_due(now), pk=delivery_id).first()
    if found is None:
        return None
    taken = QualityReportDelivery.objects.filter(
        _due(now), pk=found.pk, status=found.status, attempts=found.attempts
    ).update(
        status=MailStatus.SENDING,
        attempts=found.attempts + 1,
        next_attempt_at=now + SENDING_TIMEOUT,
    )
    if not taken:
        return None
    found.status, found.attempts = MailStatus.SENDING, found.attempts + 1
    return found


def _message(delivery: QualityReportDelivery) -> EmailMessage:
    report = delivery.report
    link = getattr(settings, "SITE_URL", "").rstrip("/") + reverse("analytics:reports")
    values = {
        "center": report.center.name,
        "month": f"{report.month:%Y-%m}",
        "name": str(delivery.user),
        "link": link,
    }
    with translation.override(report.language):
        subject = gettext("Service quality report: %(center)s, %(month)s") % values
        body = (
            gettext(
                "Hello %(name)s,\n\nattached is the service quality report of %(center)s "
                "for %(month)s. All reports are at %(link)s"
            )
            % values
        )
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
    )
    email.attach(file_name(report), pdf_of(report), "application/pdf")
    return email


def send(delivery_id: int) -> QualityReportDelivery | None:
    """Mail one report if it is due and nobody else is mailing it; record the outcome."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return QualityReportDelivery.objects.filter(pk=delivery_id).first()
    delivery = QualityReportDelivery.objects.select_related("report__center", "user").get(
        pk=delivery.pk
    )
    mine = QualityReportDelivery.objects.filter(
        pk=delivery.pk, status=MailStatus.SENDING, attempts=delivery.attempts
    )
    try:
        _message(delivery).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - mail server down, refused…: try again later
        log.warning("Mailing quality report %s failed: %s", delivery.pk, error)
        text = (f"{type(error).__name__}: {error}")[:2000]
        if delivery.attempts >= MAX_SEND_ATTEMPTS:
            mine.update(status=MailStatus.FAILED, last_error=text, next_attempt_at=None)
        else:
            mine.update(
                status=MailStatus.QUEUED,
                last_error=text,
                next_attempt_at=timezone.now() + backoff(delivery.attempts),
            )
    else:
        mine.update(status=MailStatus.SENT, sent_at=timezone.now(), next_attempt_at=None)
    delivery.refresh_from_db()
    return delivery
