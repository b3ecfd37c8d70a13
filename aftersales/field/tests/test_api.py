"""The network API: who reads and changes what, nested coverage and skills, absences,
check-ins, partner staff kept to their own center, bounded queries."""

import datetime

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.roles import Role
from aftersales.accounts.tokens import issue_token
from aftersales.field.models import Absence, ServiceCenter, Technician
from aftersales.field.tests.conftest import make_technician
from aftersales.testing.factories import ServiceCenterFactory, UserFactory

BASE = "/api/v1"
pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def codes(response):
    return sorted(row["code"] for row in response.json()["results"])


def usernames(response):
    return sorted(row["username"] for row in response.json()["results"])


@pytest.fixture
def network(center, partner_center, other_center, own_tech, partner_tech, other_tech):
    return own_tech, partner_tech, other_tech


SEES = {
    "admin": (["SC-OTHER", "SC-OWN", "SC-PARTNER"], ["otech", "ptech", "tech"]),
    "manager": (["SC-OTHER", "SC-OWN", "SC-PARTNER"], ["otech", "ptech", "tech"]),
    "agent": (["SC-OTHER", "SC-OWN", "SC-PARTNER"], ["otech", "ptech", "tech"]),
    "dispatcher": (["SC-OTHER", "SC-OWN", "SC-PARTNER"], ["otech", "ptech", "tech"]),
    "technician": (["SC-OWN"], ["tech"]),
    "partner": (["SC-PARTNER"], ["ptech"]),
}


@pytest.mark.parametrize("role", SEES)
def test_each_role_reads_its_part(users, network, role):
    client = api(users[role])
    centers, techs = SEES[role]
    assert codes(client.get(f"{BASE}/service-centers/")) == centers
    assert usernames(client.get(f"{BASE}/technicians/")) == techs


def test_customers_and_anonymous_visitors_are_refused(users, network):
    for client in (api(users["customer"]), APIClient()):
        assert client.get(f"{BASE}/service-centers/").status_code in (401, 403)
        assert client.get(f"{BASE}/technicians/").status_code in (401, 403)


def test_a_partner_of_another_center_gets_404(other_partner, network):
    own_tech, partner_tech, _ = network
    client = api(other_partner)
    assert client.get(f"{BASE}/technicians/{partner_tech.pk}/").status_code == 404
    center = partner_tech.home_center
    assert client.get(f"{BASE}/service-centers/{center.pk}/").status_code == 404
    response = client.post(
        f"{BASE}/technicians/{partner_tech.pk}/absences/",
        {"starts_on": "2026-06-01", "ends_on": "2026-06-02", "reason": "sick"},
        format="json",
    )
    assert response.status_code == 404
    assert not Absence.objects.exists()


def test_a_manager_creates_a_center_with_coverage(manager):
    response = api(manager).post(
        f"{BASE}/service-centers/",
        {
            "code": "SC-HZ", "name": "杭州服务中心", "daily_capacity": 8,
            "opening_hours": "周一至周六 9:00–18:00",
            "coverage": [{"city": "杭州", "district": "西湖区"}, {"city": "杭州"}],
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["technician_count"] == 0
    assert sorted((c["city"], c["district"]) for c in body["coverage"]) == [
        ("杭州", ""),
        ("杭州", "西湖区"),
    ]


def test_a_duplicate_coverage_row_is_a_clear_400(manager, center):
    response = api(manager).patch(
        f"{BASE}/service-centers/{center.pk}/",
        {"coverage": [{"city": "上海"}, {"city": "上海"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "listed twice" in str(response.json())


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner"])
def test_only_managers_change_centers(users, network, role):
    client = api(users[role])
    center = ServiceCenter.objects.get(code="SC-PARTNER")
    calls = [
        client.post(f"{BASE}/service-centers/", {"code": "X", "name": "X"}, format="json"),
        client.patch(f"{BASE}/service-centers/{center.pk}/", {"name": "x"}, format="json"),
    ]
    assert [c.status_code for c in calls] in ([403, 403], [403, 404])
    assert not ServiceCenter.objects.filter(code="X").exists()
    center.refresh_from_db()
    assert center.name != "x"


def test_partner_staff_add_a_technician_with_skills_to_their_center(
    partner, partner_center, aircon
):
    user = UserFactory(username="new", role=Role.TECHNICIAN, service_center=partner_center)
    response = api(partner).post(
        f"{BASE}/technicians/",
        {
            "user": user.pk, "home_center": partner_center.pk, "phone": "139",
            "skills": [{"category": aircon.pk, "level": 3}],
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["skills"] == [
        {"category": aircon.pk, "category_code": "AC", "level": 3, "certified_until": None}
    ]


def test_partner_staff_cannot_add_a_technician_to_another_center(partner, other_center):
    user = UserFactory(role=Role.TECHNICIAN, service_center=other_center)
    response = api(partner).post(
        f"{BASE}/technicians/", {"user": user.pk, "home_center": other_center.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Technician.objects.exists()


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician"])
def test_readers_cannot_change_technicians(users, network, role):
    own_tech = network[0]
    client = api(users[role])
    calls = [
        client.patch(f"{BASE}/technicians/{own_tech.pk}/", {"phone": "1"}, format="json"),
        client.post(
            f"{BASE}/technicians/{own_tech.pk}/absences/",
            {"starts_on": "2026-06-01", "ends_on": "2026-06-01", "reason": "leave"},
            format="json",
        ),
    ]
    assert [c.status_code for c in calls] == [403, 403]
    own_tech.refresh_from_db()
    assert own_tech.phone == "" and not Absence.objects.exists()


def test_absences_are_entered_listed_and_removed(manager, network):
    own_tech = network[0]
    client = api(manager)
    today = datetime.date.today()
    bad = client.post(
        f"{BASE}/technicians/{own_tech.pk}/absences/",
        {"starts_on": str(today), "ends_on": str(today - datetime.timedelta(1)), "reason": "sick"},
        format="json",
    )
    assert bad.status_code == 400
    made = client.post(
        f"{BASE}/technicians/{own_tech.pk}/absences/",
        {"starts_on": str(today), "ends_on": str(today), "reason": "sick", "note": "发烧"},
        format="json",
    )
    assert made.status_code == 201
    profile = client.get(f"{BASE}/technicians/{own_tech.pk}/").json()
    assert [a["note"] for a in profile["upcoming_absences"]] == ["发烧"]
    gone = client.delete(f"{BASE}/technicians/{own_tech.pk}/absences/{made.json()['id']}/")
    assert gone.status_code == 204
    assert not Absence.objects.exists()


def test_a_technician_checks_in_but_not_for_a_colleague(technician, center, network):
    own_tech = network[0]
    colleague = make_technician(center, "colleague")
    client = api(technician)
    response = client.post(
        f"{BASE}/technicians/{own_tech.pk}/position/",
        {"latitude": "31.2304", "longitude": "121.4737"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["last_latitude"] == "31.230400"
    other = client.post(
        f"{BASE}/technicians/{colleague.pk}/position/", {"latitude": 1, "longitude": 1}
    )
    assert other.status_code == 404  # a technician sees only their own profile


def test_lists_take_a_bounded_number_of_queries(
    manager, django_assert_max_num_queries, aircon, washer
):
    for n in range(6):
        center = ServiceCenterFactory()
        center.coverage.create(city=f"城市{n}")
        tech = make_technician(center, f"t{n}")
        tech.skills.create(category=aircon)
        tech.skills.create(category=washer)
        Absence.objects.create(
            technician=tech, starts_on=datetime.date.today(), ends_on=datetime.date.today(),
            reason="leave",
        )  # fmt: skip
    client = api(manager)
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{BASE}/service-centers/").json()["results"]) == 6
    with django_assert_max_num_queries(10):
        assert len(client.get(f"{BASE}/technicians/").json()["results"]) == 6


def test_technicians_filter_by_center_skill_and_active(manager, network, aircon, wall_unit):
    own_tech, partner_tech, other_tech = network
    own_tech.skills.create(category=aircon)
    other_tech.active = False
    other_tech.save()
    client = api(manager)
    by_skill = client.get(f"{BASE}/technicians/", {"skill": wall_unit.pk})
    assert usernames(by_skill) == ["tech"]
    by_center = client.get(f"{BASE}/technicians/", {"center": partner_tech.home_center_id})
    assert usernames(by_center) == ["ptech"]
    assert usernames(client.get(f"{BASE}/technicians/", {"active": "false"})) == ["otech"]
