"""The /maintenance/ pages and the checklist on the technician's visit page."""

import datetime

import pytest
from django.urls import reverse

from aftersales.maintenance import services
from aftersales.maintenance.models import ChecklistResult, MaintenanceJob, MaintenancePlan
from aftersales.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
BACK_OFFICE = ["admin_user", "manager", "agent", "dispatcher"]
REFUSED = ["technician", "partner", "customer_user"]


@pytest.fixture
def some_jobs(covered_city, unit_of, product):
    MaintenancePlan.objects.create(name="季度", product=product, every_months=3)
    for _ in range(4):
        unit_of(installed_on=datetime.date(2025, 12, 1))
    return services.plan_visits(datetime.date(2026, 2, 20))


@pytest.mark.parametrize("who", BACK_OFFICE)
@pytest.mark.parametrize("page", ["maintenance:home", "maintenance:plans", "maintenance:contracts"])
def test_back_office_reads_the_pages(client, request, who, page, some_jobs):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(page))
    assert response.status_code == 200


@pytest.mark.parametrize("who", REFUSED)
@pytest.mark.parametrize("page", ["maintenance:home", "maintenance:plans", "maintenance:contracts"])
def test_field_staff_and_customers_are_refused(client, request, who, page):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(page)).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(reverse("maintenance:home")).status_code == 302


def test_the_list_shows_the_jobs_filters_and_downloads(client, manager, some_jobs, product):
    client.force_login(manager)
    page = client.get(reverse("maintenance:home"), {"product": product.pk})
    assert page.content.decode().count("data-job=") == 4
    empty = client.get(reverse("maintenance:home"), {"due_from": "2026-06-01"})
    assert "data-job=" not in empty.content.decode()
    csv = client.get(reverse("maintenance:home"), {"export": "csv"})
    assert csv.status_code == 200 and some_jobs[0].unit.serial_number in csv.content.decode(
        "utf-8-sig"
    )
    xlsx = client.get(reverse("maintenance:home"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_list_has_a_bounded_number_of_queries(
    client, manager, some_jobs, unit_of, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        client.get(reverse("maintenance:home"))
    for _ in range(5):
        unit_of(installed_on=datetime.date(2025, 12, 1))
    services.plan_visits(datetime.date(2026, 2, 20))
    assert MaintenanceJob.objects.count() == 9
    with django_assert_max_num_queries(12):
        client.get(reverse("maintenance:home"))
    with django_assert_max_num_queries(8):
        client.get(reverse("maintenance:plans"))
    with django_assert_max_num_queries(10):
        client.get(reverse("maintenance:contracts"))


def plan_post(model, **changes):
    data = {
        "name": "半年保养", "product": model.pk, "every_months": "6", "duration_minutes": "90",
        "skill_level": "2", "active": "on",
        "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0",
        "items-0-text": "滤网清洁", "items-0-kind": "check",
        "items-1-text": "出水温度", "items-1-kind": "measure", "items-1-low": "5",
        "items-1-high": "12", "items-1-unit": "°C",
        "items-2-text": "", "items-2-kind": "check",
    }  # fmt: skip
    return data | changes


def test_a_manager_creates_a_plan_with_its_checklist(client, manager, product):
    client.force_login(manager)
    response = client.post(reverse("maintenance:plan_new"), plan_post(product))
    assert response.status_code == 302
    plan = MaintenancePlan.objects.get()
    assert [(i.position, i.text, i.kind) for i in plan.items.all()] == [
        (1, "滤网清洁", "check"), (2, "出水温度", "measure"),
    ]  # fmt: skip


def test_a_plan_without_scope_or_frequency_is_refused_and_nothing_saved(client, manager, product):
    client.force_login(manager)
    response = client.post(reverse("maintenance:plan_new"), plan_post(product, product=""))
    assert response.status_code == 400
    assert "exactly one of" in response.content.decode()
    response = client.post(reverse("maintenance:plan_new"), plan_post(product, every_months=""))
    assert response.status_code == 400 and "how often" in response.content.decode()
    bad_range = plan_post(product, **{"items-1-low": "20"})
    assert client.post(reverse("maintenance:plan_new"), bad_range).status_code == 400
    assert not MaintenancePlan.objects.exists()


def test_editing_a_plan_replaces_its_checklist(client, manager, product):
    client.force_login(manager)
    client.post(reverse("maintenance:plan_new"), plan_post(product))
    plan = MaintenancePlan.objects.get()
    data = plan_post(product, **{"items-TOTAL_FORMS": "2", "items-1-DELETE": "on", "version": "1"})
    assert client.post(reverse("maintenance:plan_edit", args=[plan.pk]), data).status_code == 302
    assert [i.text for i in plan.items.all()] == ["滤网清洁"]
    stale = client.post(reverse("maintenance:plan_edit", args=[plan.pk]), data)
    assert stale.status_code == 400


@pytest.mark.parametrize("who", ["agent", "dispatcher", "technician"])
def test_only_managers_edit_plans(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("maintenance:plan_new")).status_code == 403


def test_the_visit_page_shows_the_checklist_and_takes_it(client, technician, on_site_job):
    client.force_login(technician)
    url = reverse("dispatch:visit", args=[on_site_job.visit.pk])
    page = client.get(url).content.decode()
    assert 'id="maintenance-checklist"' in page and "冷媒无泄漏" in page
    keys = [item["key"] for item in services.current_items(on_site_job)]
    data = {"version": "1", "next": url, "complete": "1", f"passed_{keys[0]}": "true",
            f"value_{keys[1]}": "8", f"passed_{keys[2]}": "true"}  # fmt: skip
    response = client.post(reverse("maintenance:job", args=[on_site_job.pk]), data)
    assert response.status_code == 302 and response.url == url
    on_site_job.refresh_from_db()
    assert on_site_job.status == "done" and on_site_job.report is not None
    after = client.get(url).content.decode()
    assert on_site_job.report.original_name in after


def test_a_refused_checklist_keeps_what_was_typed(client, technician, on_site_job):
    client.force_login(technician)
    keys = [item["key"] for item in services.current_items(on_site_job)]
    data = {"version": "1", "complete": "1", f"passed_{keys[0]}": "false",
            f"note_{keys[0]}": "滤网很脏", f"value_{keys[1]}": "8"}  # fmt: skip
    response = client.post(reverse("maintenance:job", args=[on_site_job.pk]), data)
    assert response.status_code == 400
    assert "滤网很脏" in response.content.decode()
    assert not ChecklistResult.objects.exists()


def test_another_technician_cannot_see_or_fill_the_job(client, on_site_job, center):
    client.force_login(UserFactory(role="technician", service_center=center))
    assert client.get(reverse("maintenance:job", args=[on_site_job.pk])).status_code == 403
    assert client.post(reverse("maintenance:job", args=[on_site_job.pk]), {}).status_code == 403


def test_an_agent_sees_the_job_but_cannot_fill_it(client, agent, on_site_job):
    client.force_login(agent)
    page = client.get(reverse("maintenance:job", args=[on_site_job.pk]))
    assert page.status_code == 200 and "Complete and send the report" not in page.content.decode()
    response = client.post(reverse("maintenance:job", args=[on_site_job.pk]), {"version": "1"})
    assert response.status_code == 400 and not ChecklistResult.objects.exists()


def test_the_unit_page_shows_the_plan_and_the_jobs_to_the_back_office(
    client, manager, technician, some_jobs
):
    unit = some_jobs[0].unit
    client.force_login(manager)
    page = client.get(reverse("assets:detail", args=[unit.pk])).content.decode()
    assert 'id="maintenance-panel"' in page and "季度" in page
    assert page.count("data-job=") == 1 and some_jobs[0].request.number in page
    # Field staff see the unit, not the maintenance pages the panel links to.
    client.force_login(technician)
    page = client.get(reverse("assets:detail", args=[unit.pk]))
    assert page.status_code == 200 and 'id="maintenance-panel"' not in page.content.decode()


def test_the_checklist_shows_limits_as_people_write_them(client, technician, on_site_job):
    client.force_login(technician)
    page = client.get(reverse("maintenance:job", args=[on_site_job.pk])).content.decode()
    assert "5 – 12 °C" in page and "5.000" not in page


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/", "/\\evil.example"]
)
def test_saving_never_sends_the_technician_to_another_site(
    client, technician, on_site_job, elsewhere
):
    client.force_login(technician)
    response = client.post(
        reverse("maintenance:job", args=[on_site_job.pk]), {"version": "1", "next": elsewhere}
    )
    assert response.status_code == 302
    assert response.url == reverse("maintenance:job", args=[on_site_job.pk])
