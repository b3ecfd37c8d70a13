"""The checklist on site and the report it produces (periodic or corrective-action)."""

import io

import pytest
from pypdf import PdfReader

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.maintenance import services
from aftersales.maintenance.models import ChecklistResult, JobStatus
from aftersales.notifications.models import OutboundMessage
from aftersales.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def keys(job):
    return [item["key"] for item in services.current_items(job)]


def all_pass(job):
    filters, temperature, leak = keys(job)
    return {filters: {"passed": True}, temperature: {"value": "7.5"}, leak: {"passed": True}}


def text_of(attachment) -> str:
    with attachment.file.open("rb") as handle:
        content = handle.read()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_all_pass_gives_the_periodic_report_filed_and_mailed(on_site_job, technician):
    services.save_checklist(on_site_job, technician, answers=all_pass(on_site_job), complete=True)
    on_site_job.refresh_from_db()
    assert on_site_job.status == JobStatus.DONE and on_site_job.outcome == "passed"
    report = on_site_job.report
    assert report.visibility == "public" and report.request == on_site_job.request
    text = text_of(report)
    assert "Periodic maintenance report" in text
    assert "All items meet the requirements" in text
    assert "Corrective-action report" not in text
    assert "冷媒无泄漏" in text and on_site_job.unit.serial_number in text
    message = OutboundMessage.objects.get(dedupe_key=f"maintenance-report:{on_site_job.pk}")
    assert message.event == "maintenance_report"
    assert message.channel == "email" and message.language == "en"
    assert list(message.attachments.all()) == [report]
    assert "Periodic maintenance report" in message.body


def test_one_failure_gives_the_corrective_action_report_listing_it(on_site_job, technician):
    filters, temperature, leak = keys(on_site_job)
    answers = {
        filters: {"passed": True},
        # Ticked as passed, but 15.2 °C is out of 5–12: a failure.
        temperature: {
            "value": "15.2",
            "passed": True,
            "note": "Condenser dirty",
            "action": "Clean condenser next week",
            "action_due": "2026-12-01",
        },
        leak: {"passed": True},
    }
    services.save_checklist(on_site_job, technician, answers=answers, complete=True)
    on_site_job.refresh_from_db()
    assert on_site_job.outcome == "failed"
    text = text_of(on_site_job.report)
    assert "Corrective-action report" in text
    assert "Outlet temperature" in text and "15.2" in text
    assert "Clean condenser next week" in text and "2026-12-01" in text
    assert "Condenser dirty" in text


def test_a_failure_needs_what_was_agreed(on_site_job, technician):
    filters, temperature, leak = keys(on_site_job)
    answers = {filters: {"passed": False}, temperature: {"value": "7"}, leak: {"passed": True}}
    with pytest.raises(DomainError, match="agreed"):
        services.save_checklist(on_site_job, technician, answers=answers, complete=True)
    assert not ChecklistResult.objects.exists()


def test_drafts_are_versions_and_the_final_one_is_immutable(on_site_job, technician):
    filters, temperature, leak = keys(on_site_job)
    first = services.save_checklist(on_site_job, technician, answers={filters: {"passed": True}})
    assert first.number == 1 and not first.completed
    with pytest.raises(DomainError, match="no result"):
        services.save_checklist(
            on_site_job, technician, answers={}, complete=True, expected_version=2
        )
    # The second save keeps what the first recorded.
    second = services.save_checklist(
        on_site_job,
        technician,
        answers={**all_pass(on_site_job)},
        complete=True,
        expected_version=2,
    )
    assert second.number == 2 and second.completed
    assert [r.number for r in ChecklistResult.objects.order_by("number")] == [1, 2]
    with pytest.raises(Conflict):
        services.save_checklist(on_site_job, technician, answers={})


def test_an_older_version_is_refused(on_site_job, technician):
    services.save_checklist(on_site_job, technician, answers={})
    with pytest.raises(Conflict):
        services.save_checklist(on_site_job, technician, answers={}, expected_version=1)


def test_not_a_number_is_refused_with_the_item(on_site_job, technician):
    _filters, temperature, _leak = keys(on_site_job)
    with pytest.raises(DomainError, match="not a number"):
        services.save_checklist(on_site_job, technician, answers={temperature: {"value": "abc"}})


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_the_visit_technician_and_managers_may_fill(on_site_job, role):
    other = UserFactory(role=role)
    with pytest.raises(NotAllowed):
        services.save_checklist(on_site_job, other, answers={})


def test_a_manager_may_fill(on_site_job, manager):
    assert services.save_checklist(on_site_job, manager, answers={}).number == 1


@pytest.mark.parametrize(
    ("low", "high", "unit", "shown"),
    [("5.000", "12.000", "°C", "5 – 12 °C"), ("0.450", None, "MPa", "≥ 0.45 MPa"),
     (None, "50", "ppm", "≤ 50 ppm"), ("10.000", "100.500", "", "10 – 100.5")],
)  # fmt: skip
def test_limits_print_as_people_write_them(low, high, unit, shown):
    from aftersales.maintenance.planning import limits_text

    assert limits_text({"low": low, "high": high, "unit": unit}) == shown
