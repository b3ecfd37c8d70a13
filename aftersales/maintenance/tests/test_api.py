"""/api/v1/maintenance-plans/ and /api/v1/maintenance-jobs/."""

import datetime

import pytest
from rest_framework.test import APIClient

from aftersales.maintenance import services
from aftersales.maintenance.models import MaintenancePlan

pytestmark = pytest.mark.django_db
PLANS, JOBS = "/api/v1/maintenance-plans/", "/api/v1/maintenance-jobs/"


@pytest.fixture
def api():
    return APIClient()


def plan_body(product, **changes):
    body = {
        "name": "季度保养", "product": product.pk, "every_months": 3, "duration_minutes": 60,
        "items": [{"text": "滤网", "kind": "check"},
                  {"text": "电压", "kind": "measure", "low": "210", "high": "230", "unit": "V"}],
    }  # fmt: skip
    return body | changes


def test_a_manager_creates_and_changes_a_plan(api, manager, product):
    api.force_authenticate(manager)
    created = api.post(PLANS, plan_body(product), format="json")
    assert created.status_code == 201, created.data
    assert [i["text"] for i in created.data["items"]] == ["滤网", "电压"]
    pk = created.data["id"]
    changed = api.put(f"{PLANS}{pk}/", plan_body(product, items=[], version=1), format="json")
    assert changed.status_code == 200 and changed.data["items"] == []
    stale = api.put(f"{PLANS}{pk}/", plan_body(product, version=1), format="json")
    assert stale.status_code == 409


def test_a_plan_without_frequency_is_refused_in_words(api, manager, product):
    api.force_authenticate(manager)
    response = api.post(PLANS, plan_body(product, every_months=None), format="json")
    assert response.status_code == 400 and "how often" in str(response.data)
    assert not MaintenancePlan.objects.exists()


@pytest.mark.parametrize(
    ("low", "high", "refused"),
    [("8", "16", False), ("16", "8", True), ("0", "50", False), ("x", "5", True)],
)
def test_limits_are_compared_as_numbers(manager, product, low, high, refused):
    item = {"text": "出风温度", "kind": "measure", "low": low, "high": high, "unit": "°C"}
    fields = {"name": "半年", "product": product, "every_months": 6}
    if refused:
        with pytest.raises(services.DomainError):
            services.save_plan(manager, fields=fields, items=[item])
        assert not MaintenancePlan.objects.exists()
    else:
        plan = services.save_plan(manager, fields=fields, items=[item])
        assert (plan.items.get().low, plan.items.get().high) == (int(low), int(high))


@pytest.mark.parametrize("who", ["agent", "dispatcher"])
def test_the_back_office_reads_but_does_not_write_plans(api, request, who, product):
    api.force_authenticate(request.getfixturevalue(who))
    assert api.get(PLANS).status_code == 200
    assert api.post(PLANS, plan_body(product), format="json").status_code == 403


@pytest.mark.parametrize("who", ["technician", "partner", "customer_user"])
def test_others_may_not_list(api, request, who):
    api.force_authenticate(request.getfixturevalue(who))
    assert api.get(PLANS).status_code == 403
    assert api.get(JOBS).status_code == 403


def test_jobs_list_filters_and_is_bounded(
    api, manager, covered_city, unit_of, product, django_assert_max_num_queries
):
    MaintenancePlan.objects.create(name="季度", product=product, every_months=3)
    for _ in range(6):
        unit_of(installed_on=datetime.date(2025, 12, 1))
    services.plan_visits(datetime.date(2026, 2, 20))
    api.force_authenticate(manager)
    with django_assert_max_num_queries(8):
        response = api.get(JOBS, {"center": covered_city.pk})
    assert response.status_code == 200 and response.data["count"] == 6
    assert api.get(JOBS, {"due_from": "2026-03-02"}).data["count"] == 0


def test_the_technician_completes_the_checklist_through_the_api(api, technician, on_site_job):
    api.force_authenticate(technician)
    url = f"{JOBS}{on_site_job.pk}/checklist/"
    items = api.get(url).data["items"]
    answers = {items[0]["key"]: {"passed": True}, items[1]["key"]: {"value": "13"},
               items[2]["key"]: {"passed": True}}  # fmt: skip
    refused = api.post(url, {"answers": answers, "complete": True}, format="json")
    assert refused.status_code == 400 and "agreed" in str(refused.data)
    answers[items[1]["key"]] |= {"action": "下周清洗冷凝器", "action_due": "2026-12-01"}
    done = api.post(url, {"answers": answers, "complete": True, "version": 1}, format="json")
    assert done.status_code == 201 and done.data["completed"]
    on_site_job.refresh_from_db()
    assert on_site_job.outcome == "failed" and on_site_job.report_id


def test_another_technician_may_not_touch_the_checklist(api, on_site_job, center):
    from aftersales.testing.factories import UserFactory

    api.force_authenticate(UserFactory(role="technician", service_center=center))
    url = f"{JOBS}{on_site_job.pk}/checklist/"
    assert api.get(url).status_code == 403
    assert api.post(url, {"answers": {}}, format="json").status_code == 403
