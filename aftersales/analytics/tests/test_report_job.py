"""The monthly job: last month's report of every active center, made once and mailed
once to each person who should get it, however often it runs; failed mails retried."""

import datetime
import io
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from pypdf import PdfReader

from aftersales.accounts.roles import Role
from aftersales.analytics import reports_services, tasks
from aftersales.analytics.models import QualityReport, QualityReportDelivery
from aftersales.testing.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_OF_DECEMBER = datetime.datetime(2026, 12, 1, 7, 0, tzinfo=SHANGHAI)
NOVEMBER = datetime.date(2026, 11, 1)


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def readers(month, manager, partner, partner_center, center, technician):
    """Two service managers (one reads Chinese), the partner center's own manager, a
    manager without an address, and an own center managed by a technician (who may not
    read reports)."""
    manager.email = "manager@example.com"
    manager.save()
    chinese = UserFactory(
        username="zhang", role=Role.MANAGER, email="zhang@example.com", language="zh-hans"
    )
    UserFactory(username="nomail", role=Role.MANAGER)
    partner.email = "partner@example.com"
    partner.save()
    partner_center.manager = partner
    partner_center.save()
    technician.email = "tech@example.com"
    technician.save()
    center.manager = technician
    center.save()
    return {"manager": manager, "zhang": chinese, "partner": partner}


def run(when=FIRST_OF_DECEMBER, **kwargs):
    with time_machine.travel(when, tick=False):
        return tasks.monthly_reports(**kwargs)


def sent_to():
    return sorted((message.to[0], message.attachments[0][0]) for message in mail.outbox)


def test_the_job_makes_last_months_reports_and_mails_each_reader_once(readers, center):
    # when the job runs on the morning of 1 December, and again an hour later
    first = run()
    second = run(FIRST_OF_DECEMBER + datetime.timedelta(hours=1))

    # then November's reports were made once per center and language
    made = QualityReport.objects.filter(month=NOVEMBER).order_by("center__code", "language")
    assert [(r.center.code, r.language, r.status) for r in made] == [
        ("SC-OWN", "en", "done"),
        ("SC-OWN", "zh-hans", "done"),
        ("SC-PARTNER", "en", "done"),
        ("SC-PARTNER", "zh-hans", "done"),
    ]
    assert first["generated"] == 4 and first["sent"] == 5
    assert second == {"generated": 0, "failed": 0, "mails_queued": 0} | {
        "sent": 0,
        "retrying": 0,
        "undeliverable": 0,
    }

    # and each reader got each center's report once, in their language; the partner
    # only their own center's; the technician managing a center and the manager without
    # an address none
    assert sent_to() == [
        ("manager@example.com", "quality-SC-OWN-2026-11-en.pdf"),
        ("manager@example.com", "quality-SC-PARTNER-2026-11-en.pdf"),
        ("partner@example.com", "quality-SC-PARTNER-2026-11-en.pdf"),
        ("zhang@example.com", "quality-SC-OWN-2026-11-zh-hans.pdf"),
        ("zhang@example.com", "quality-SC-PARTNER-2026-11-zh-hans.pdf"),
    ]
    message = next(m for m in mail.outbox if m.to == ["manager@example.com"])
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf"
    assert "上海服务中心" in message.subject and "2026-11" in message.subject
    assert "上海服务中心" in text_of(content) and "2026-11" in text_of(content)
    assert set(QualityReportDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_running_it_twice_at_the_same_moment_sends_nothing_twice(readers):
    run()
    run()
    assert len(mail.outbox) == 5
    assert QualityReport.objects.count() == 4
    assert QualityReportDelivery.objects.count() == 5


def test_on_the_first_nothing_is_made_before_six_in_the_morning(readers):
    run(datetime.datetime(2026, 12, 1, 5, 30, tzinfo=SHANGHAI))
    assert not QualityReport.objects.exists() and mail.outbox == []

    run(datetime.datetime(2026, 12, 1, 6, 30, tzinfo=SHANGHAI))
    assert QualityReport.objects.count() == 4 and len(mail.outbox) == 5


def test_a_late_run_catches_up_and_a_new_month_is_a_new_report(readers):
    # the scheduler was down on the 1st: the 3rd still sends November's
    run(datetime.datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI))
    assert len(mail.outbox) == 5

    # and on 1 January December's come, once more each
    run(datetime.datetime(2027, 1, 1, 8, 0, tzinfo=SHANGHAI))
    assert len(mail.outbox) == 10
    assert QualityReport.objects.filter(month=datetime.date(2026, 12, 1)).count() == 4


def test_a_report_ordered_before_the_month_ended_is_made_again(readers, center, manager):
    # given November's report ordered on 20 November (half a month)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        early = reports_services.order_report(center, NOVEMBER, "en", actor=manager)
        early = reports_services.generate(early.pk)
    assert early.status == "done"

    # when the job runs on 1 December
    run()

    # then the report was made again from the whole month, and mailed
    again = QualityReport.objects.get(pk=early.pk)
    assert again.generated_at == FIRST_OF_DECEMBER
    assert again.requested_by is None  # the job's
    assert ("manager@example.com", "quality-SC-OWN-2026-11-en.pdf") in sent_to()


def test_a_failed_mail_is_retried_later_and_its_error_shown(readers, monkeypatch):
    # given the mail server is down
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMessage, "send", refuse)

    # when the job runs
    counts = run()

    # then nothing went out, and each mail waits for another try with the error
    assert counts["retrying"] == 5 and mail.outbox == []
    waiting = QualityReportDelivery.objects.get(user=readers["manager"], center__code="SC-OWN")
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert "Connection unexpectedly closed" in waiting.last_error

    # when the server is back and the job runs an hour later
    monkeypatch.undo()
    run(FIRST_OF_DECEMBER + datetime.timedelta(hours=1))

    # then each mail went out once
    assert len(mail.outbox) == 5
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("sent", 2)


def test_a_mail_that_keeps_failing_is_given_up(readers, monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({"manager@example.com": (550, b"no such user")})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    when = FIRST_OF_DECEMBER
    for _ in range(reports_services.MAX_SEND_ATTEMPTS + 2):
        run(when)
        when += datetime.timedelta(days=1)

    given_up = QualityReportDelivery.objects.get(user=readers["manager"], center__code="SC-OWN")
    assert (given_up.status, given_up.attempts) == ("failed", reports_services.MAX_SEND_ATTEMPTS)
    assert given_up.next_attempt_at is None


def test_a_report_that_cannot_be_made_is_marked_failed_and_made_on_the_next_run(
    readers, monkeypatch
):
    from aftersales.analytics import reports_pdf

    real = reports_pdf.render

    def broken(*args, **kwargs):
        raise ValueError("no glyph")

    monkeypatch.setattr(reports_pdf, "render", broken)
    counts = run()
    assert counts["failed"] == 4 and mail.outbox == []
    failed = QualityReport.objects.filter(month=NOVEMBER).first()
    assert (failed.status, failed.error) == ("failed", "ValueError: no glyph")

    monkeypatch.setattr(reports_pdf, "render", real)
    run(FIRST_OF_DECEMBER + datetime.timedelta(hours=1))
    assert set(QualityReport.objects.values_list("status", flat=True)) == {"done"}
    assert len(mail.outbox) == 5


def test_a_centers_figures_are_gathered_once_for_all_its_languages(readers, monkeypatch):
    from aftersales.analytics import reports

    real, centers = reports.month_figures, []

    def counting(center, month):
        centers.append(center.code)
        return real(center, month)

    monkeypatch.setattr(reports, "month_figures", counting)
    run()
    assert sorted(centers) == ["SC-OWN", "SC-PARTNER"]  # two languages each, one reading
    assert QualityReport.objects.filter(status="done").count() == 4
