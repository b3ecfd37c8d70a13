"""The complaints pages: who may open them, the list's filters, sorting, downloads and
bounded queries, "New complaint", and the panel on the request page per role."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from aftersales.complaints import services
from aftersales.complaints.models import Complaint
from aftersales.complaints.tests.conftest import handle, open_complaint
from aftersales.service.choices import Status
from aftersales.testing.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def about_visit(agent, repair, visit):
    """A complaint about the partner center's visit."""
    return services.complain_about(
        repair, agent, severity="critical", subject="师傅迟到", about_visit=visit
    )


@pytest.fixture
def unrelated(agent):
    return open_complaint(agent, CustomerFactory(name="李四"), "minor", subject="价格太高")


# role: (list, new complaint page, sees the complaint's steps, may post a step)
ACCESS = {
    "admin": (200, 200, True, 302),
    "manager": (200, 200, True, 302),
    "agent": (200, 200, True, 302),
    "dispatcher": (200, 403, False, 403),
    "technician": (403, 403, False, 403),
    "partner": (200, 403, False, 403),
    "customer": (403, 403, False, 403),
}


@pytest.mark.parametrize("role", ACCESS)
def test_page_access_per_role(client, users, about_visit, role):
    lists, new, steps, post = ACCESS[role]
    client.force_login(users[role])
    assert client.get(reverse("complaints:list")).status_code == lists
    assert client.get(reverse("complaints:new")).status_code == new
    number = about_visit.request.number
    url = reverse("complaints:apology", args=[number])
    assert client.post(url, {"apology-how": "call"}).status_code == post
    about_visit.refresh_from_db()
    assert (about_visit.apology_at is not None) == (post == 302)
    if users[role].is_back_office:
        page = client.get(reverse("service:detail", args=[number])).content.decode()
        assert 'id="complaint-panel"' in page
        assert ('id="apology-form"' in page) == steps


def test_partner_staff_see_only_complaints_about_their_center(client, partner, other_partner,
                                                              about_visit, unrelated):  # fmt: skip
    client.force_login(partner)
    page = client.get(reverse("complaints:list")).content.decode()
    assert f'data-complaint="{about_visit.request.number}"' in page
    assert f'data-complaint="{unrelated.request.number}"' not in page
    client.force_login(other_partner)
    page = client.get(reverse("complaints:list")).content.decode()
    assert f'data-complaint="{about_visit.request.number}"' not in page


def test_technicians_see_no_complaint_panel_on_a_request_they_work(client, technician, repair,
                                                                   about_visit):  # fmt: skip
    repair.assignee = technician
    repair.save(update_fields=["assignee"])
    client.force_login(technician)
    page = client.get(reverse("service:detail", args=[repair.number])).content.decode()
    assert 'id="complaints-about"' not in page and 'id="complaint-panel"' not in page
    assert client.get(reverse("complaints:list")).status_code == 403


def test_the_request_complained_about_lists_its_complaints(client, agent, repair, about_visit):
    client.force_login(agent)
    page = client.get(reverse("service:detail", args=[repair.number])).content.decode()
    assert 'id="complaints-about"' in page and about_visit.request.number in page
    assert f"{reverse('complaints:new')}?request={repair.number}" in page


def test_filters_and_sorting(client, agent, about_visit, unrelated, customer):
    repeat = open_complaint(agent, customer, "minor", subject="又来了")
    handle(repeat, agent)
    client.force_login(agent)
    url = reverse("complaints:list")
    numbers = [c.request.number for c in (about_visit, unrelated, repeat)]

    def shown(**params):
        page = client.get(url, params).content.decode()
        return [n for n in numbers if f'data-complaint="{n}"' in page]

    assert shown(severity="critical") == [numbers[0]]
    assert shown(repeat="yes") == [numbers[2]]
    assert shown(repeat="no", sort="created") == numbers[:2]
    assert shown(status="resolved") == [numbers[2]]
    assert shown(status="open", sort="created") == numbers[:2]
    assert shown(root_cause="late") == [numbers[2]]
    assert shown(q="李四") == [numbers[1]]
    assert shown(q="13800138000", sort="created") == [numbers[0], numbers[2]]
    assert shown(created_from="2000-01-01", created_to="2000-12-31") == []
    page = client.get(url, {"sort": "severity"}).content.decode()
    positions = [page.index(f'data-complaint="{n}"') for n in numbers]
    assert positions[0] < positions[2] < positions[1]  # critical, minor (high), minor


def test_csv_and_excel_downloads_follow_the_filters(client, manager, about_visit, unrelated):
    client.force_login(manager)
    response = client.get(reverse("complaints:export", args=["csv"]), {"severity": "critical"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Request number" and len(rows) == 2
    assert rows[1][0] == about_visit.request.number and rows[1][3] == "Critical"
    response = client.get(reverse("complaints:export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3
    assert client.get(reverse("complaints:export", args=["pdf"])).status_code == 404


def test_the_list_makes_as_many_queries_for_many_complaints_as_for_one(
    client, agent, customer, about_visit, django_assert_max_num_queries
):
    client.force_login(agent)
    url = reverse("complaints:list")
    with django_assert_max_num_queries(12) as one:
        client.get(url)
    for n in range(6):
        open_complaint(agent, CustomerFactory(name=f"客户{n}"), subject=f"投诉 {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("complaints:export", args=["csv"]))


# --- New complaint ------------------------------------------------------------------------


def test_new_complaint_for_a_customer_found_by_phone(client, agent, customer):
    client.force_login(agent)
    response = client.post(
        reverse("complaints:new"),
        {"customer_query": "138 0013 8000", "severity": "major", "subject": "客服电话打不通",
         "apologised": "on", "apology_note": "致歉", "assign_to_me": "on"},
    )  # fmt: skip
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("service:detail", args=[complaint.request.number])
    assert complaint.customer == customer and complaint.apology_at is not None
    assert complaint.request.assignee == agent and complaint.request.status == Status.ASSIGNED


def test_new_complaint_with_an_unknown_or_ambiguous_customer_says_so(client, agent):
    client.force_login(agent)
    data = {"customer_query": "13900000000", "severity": "minor", "subject": "x"}
    response = client.post(reverse("complaints:new"), data)
    assert response.status_code == 400 and "No customer matches" in response.content.decode()
    CustomerFactory(name="张伟")
    CustomerFactory(name="张伟强")
    response = client.post(reverse("complaints:new"), data | {"customer_query": "张伟"})
    assert "Several customers match" in response.content.decode()
    assert not Complaint.objects.exists()


def test_complain_about_a_request_and_its_visit(client, agent, repair, visit, partner_tech):
    client.force_login(agent)
    page = client.get(reverse("complaints:new"), {"request": repair.number})
    assert repair.number in page.content.decode()
    response = client.post(
        reverse("complaints:new"),
        {"about": repair.number, "severity": "critical", "subject": "师傅态度差",
         "about_visit": visit.pk},
    )  # fmt: skip
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.about_request == repair and complaint.about_technician == partner_tech
    assert complaint.customer == repair.customer and complaint.apology_at is None


def test_the_repeat_flag_shows_on_the_request_and_in_the_list(client, agent, customer):
    open_complaint(agent, customer)
    second = open_complaint(agent, customer)
    client.force_login(agent)
    page = client.get(reverse("service:detail", args=[second.request.number])).content.decode()
    assert 'id="repeat-flag"' in page
    listing = client.get(reverse("complaints:list"), {"repeat": "yes"}).content.decode()
    assert second.request.number in listing and "repeat" in listing


def test_a_stale_step_form_is_refused_with_a_message(client, agent, manager, about_visit):
    number = about_visit.request.number
    services.record_apology(about_visit, manager, how="call")
    client.force_login(agent)
    response = client.post(
        reverse("complaints:cause", args=[number]),
        {"cause-root_cause": "late", "cause-corrective_action": "x", "cause-version": 1},
        follow=True,
    )
    assert "changed this complaint meanwhile" in response.content.decode()
    about_visit.refresh_from_db()
    assert about_visit.root_cause == ""


def test_the_admin_shows_complaints_read_only(client, admin_user, about_visit):
    client.force_login(admin_user)
    assert client.get(reverse("admin:complaints_complaint_changelist")).status_code == 200
    url = reverse("admin:complaints_complaint_change", args=[about_visit.pk])
    page = client.get(url)
    assert page.status_code == 200 and about_visit.request.number in page.content.decode()
    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403


def test_partner_staff_see_the_complaint_on_their_request_without_a_link_or_forms(
    client, partner, repair, about_visit
):
    client.force_login(partner)
    page = client.get(reverse("service:detail", args=[repair.number])).content.decode()
    assert 'id="complaints-about"' in page and about_visit.request.number in page
    assert reverse("service:detail", args=[about_visit.request.number]) not in page
    assert 'id="complain-about"' not in page
