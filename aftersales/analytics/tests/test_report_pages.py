"""The quality reports page and API per role: the list, the download, "generate now"."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aftersales.analytics.models import QualityReport, QualityReportDelivery

URL = "/quality/reports/"
API = "/api/v1/quality/reports/"
NOVEMBER = datetime.date(2026, 11, 1)
FAKE_PDF = b"%PDF-1.4 a stored report"

pytestmark = pytest.mark.django_db


def stored(center, month=NOVEMBER, language="en", **fields):
    fields.setdefault("status", QualityReport.Status.DONE)
    fields.setdefault("pdf", FAKE_PDF)
    fields.setdefault("pdf_size", len(FAKE_PDF))
    fields.setdefault("generated_at", timezone.now())
    return QualityReport.objects.create(
        center=center, month=month, language=language, requested_at=timezone.now(), **fields
    )


@pytest.fixture
def both(center, partner_center):
    own, theirs = stored(center), stored(partner_center)
    return {"own": own, "partner": theirs}


def listed(response):
    return sorted(r.center.code for r in response.context["reports"])


@pytest.mark.parametrize(
    ("who", "status", "centers"),
    [
        ("manager", 200, ["SC-OWN", "SC-PARTNER"]),
        ("admin_user", 200, ["SC-OWN", "SC-PARTNER"]),
        ("agent", 200, ["SC-OWN", "SC-PARTNER"]),
        ("dispatcher", 200, ["SC-OWN", "SC-PARTNER"]),
        ("partner", 200, ["SC-PARTNER"]),
        ("technician", 403, None),
        ("customer_user", 403, None),
    ],
)
def test_who_sees_which_reports(request, client, both, who, status, centers):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == status
    if centers is not None:
        assert listed(response) == centers


def test_anonymous_is_sent_to_log_in(client, both):
    assert client.get(URL).status_code == 302
    assert client.get(API).status_code in (401, 403)


@pytest.mark.parametrize(
    ("who", "own", "theirs"),
    [
        ("manager", 200, 200),
        ("agent", 200, 200),
        ("partner", 404, 200),
        ("other_partner", 404, 404),
        ("technician", 403, 403),
        ("customer_user", 403, 403),
    ],
)
def test_who_may_download_which(request, client, both, who, own, theirs):
    client.force_login(request.getfixturevalue(who))
    for report, status in ((both["own"], own), (both["partner"], theirs)):
        response = client.get(reverse("analytics:report_pdf", args=[report.pk]))
        assert response.status_code == status
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response.content == FAKE_PDF
            assert (
                f"quality-{report.center.code}-2026-11-en.pdf" in (response["Content-Disposition"])
            )
        api = client.get(f"{API}{report.pk}/pdf/")
        assert api.status_code == (404 if status == 404 else status)
        if status == 200:
            assert api["Content-Type"] == "application/pdf" and api.content == FAKE_PDF


def test_a_report_not_made_yet_has_nothing_to_download(client, manager, center):
    queued = stored(center, status=QualityReport.Status.QUEUED, pdf=b"", pdf_size=0)
    client.force_login(manager)
    assert client.get(reverse("analytics:report_pdf", args=[queued.pk])).status_code == 404
    assert client.get(f"{API}{queued.pk}/pdf/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status", "centers", "mails_shown"),
    [
        ("manager", 200, ["SC-OWN", "SC-PARTNER"], True),
        ("dispatcher", 200, ["SC-OWN", "SC-PARTNER"], True),
        ("partner", 200, ["SC-PARTNER"], False),
        ("technician", 403, None, None),
        ("customer_user", 403, None, None),
    ],
)
def test_the_api_lists_what_the_page_lists(
    request, client, both, manager, who, status, centers, mails_shown
):
    QualityReportDelivery.objects.create(
        report=both["partner"],
        center=both["partner"].center,
        month=NOVEMBER,
        user=manager,
        to_address="manager@example.com",
        status=QualityReportDelivery.Status.SENT,
    )
    client.force_login(request.getfixturevalue(who))
    response = client.get(API)
    assert response.status_code == status
    if centers is None:
        return
    rows = response.json()["results"]
    assert sorted(row["center"]["code"] for row in rows) == centers
    row = next(row for row in rows if row["center"]["code"] == "SC-PARTNER")
    assert (row["month"], row["language"], row["status"]) == ("2026-11", "en", "done")
    assert row["pdf_url"].endswith(f"/api/v1/quality/reports/{row['id']}/pdf/")
    if mails_shown:
        assert [(m["user"], m["status"]) for m in row["mailed_to"]] == [("manager", "sent")]
    else:
        assert row["mailed_to"] is None


def test_the_list_takes_the_same_queries_for_more_reports(
    client, manager, center, partner_center, django_assert_max_num_queries
):
    def add(month):
        for place in (center, partner_center):
            report = stored(place, month=month)
            QualityReportDelivery.objects.create(
                report=report, center=place, month=month, user=manager, to_address="m@example.com"
            )

    add(NOVEMBER)
    client.force_login(manager)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for month in (1, 2, 3, 4, 5, 6):
        add(datetime.date(2026, month, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["reports"]) == 14
    with django_assert_max_num_queries(8):
        assert len(client.get(API).json()["results"]) == 14


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_generate_now_makes_the_report_in_the_background(
    client, manager, month, center, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    # when the manager orders November's report of the own center
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(URL, {"center": center.pk, "month": "2026-11"})

    # then it went to the background, which made it, and the list shows it ready
    assert response.status_code == 302 and len(callbacks) == 1
    report = QualityReport.objects.get()
    assert (report.center, report.month, report.language) == (center, NOVEMBER, "en")
    assert (report.status, report.requested_by) == ("done", manager)
    page = client.get(URL)
    assert "is being generated" in page.content.decode()
    assert 'hx-trigger="every 3s"' not in page.content.decode()  # nothing left to wait for
    pdf = client.get(reverse("analytics:report_pdf", args=[report.pk]))
    assert "上海服务中心" in text_of(pdf.content) and "2026-11" in text_of(pdf.content)

    # and ordering it again replaces it, never a second one
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"center": center.pk, "month": "2026-11"})
    assert QualityReport.objects.count() == 1
    assert QualityReport.objects.get().generated_at > report.generated_at


def test_generate_now_in_chinese_makes_the_chinese_report(
    client, manager, center, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"center": center.pk, "month": "2026-11"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert QualityReport.objects.get().language == "zh-hans"


def test_a_report_in_the_making_is_shown_and_followed(client, manager, center):
    stored(center, status=QualityReport.Status.RUNNING, pdf=b"", pdf_size=0)
    client.force_login(manager)

    page = client.get(URL).content.decode()
    assert 'hx-trigger="every 3s"' in page and "Being generated" in page

    partial = client.get(URL, headers={"HX-Request": "true"})
    assert partial.templates[0].name == "analytics/report_table.html"
    assert "Being generated" in partial.content.decode()


def test_a_report_being_made_is_not_queued_twice(
    client, manager, center, django_capture_on_commit_callbacks
):
    stored(center, status=QualityReport.Status.QUEUED, pdf=b"", pdf_size=0)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(URL, {"center": center.pk, "month": "2026-11"})
    assert callbacks == []
    assert QualityReport.objects.count() == 1


def test_partner_staff_may_order_only_their_own_center(
    client, partner, center, partner_center, django_capture_on_commit_callbacks
):
    client.force_login(partner)
    page = client.get(URL)
    assert list(page.context["form"].fields["center"].queryset) == [partner_center]

    refused = client.post(URL, {"center": center.pk, "month": "2026-11"})
    assert refused.status_code == 200 and refused.context["form"].errors["center"]
    assert not QualityReport.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"center": partner_center.pk, "month": "2026-11"})
    assert QualityReport.objects.get().center == partner_center


def test_a_month_not_begun_is_refused(client, manager, center):
    client.force_login(manager)
    later = timezone.localdate().replace(day=1) + datetime.timedelta(days=40)
    response = client.post(URL, {"center": center.pk, "month": f"{later:%Y-%m}"})
    assert response.status_code == 200
    assert response.context["form"].errors["month"] == ["That month has not begun yet."]
    bad = client.post(URL, {"center": center.pk, "month": "Nov 26"})
    assert bad.context["form"].errors["month"] == ["Give the month as YYYY-MM."]
    assert not QualityReport.objects.exists()


def test_the_menu_and_the_dashboard_link_to_the_reports(client, manager, partner, technician):
    client.force_login(manager)
    dashboard = client.get(reverse("analytics:dashboard")).content.decode()
    assert 'id="quality-reports"' in dashboard and 'id="nav-quality-reports"' in dashboard
    client.force_login(partner)
    assert 'id="nav-quality-reports"' in client.get(reverse("analytics:me")).content.decode()
    client.force_login(technician)
    assert 'id="nav-quality-reports"' not in client.get(reverse("analytics:me")).content.decode()
