"""The network pages: who may open which, partner staff kept to their own center, the
forms with their formsets, absences, and bounded queries on the lists."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.field.models import Absence, ServiceCenter, Technician
from aftersales.field.tests.conftest import make_technician
from aftersales.testing.factories import ServiceCenterFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(center, partner_center, other_center, own_tech, partner_tech, other_tech):
    return own_tech, partner_tech, other_tech


# role: (lists, another center's pages, center create/edit, technician create, edit own_tech)
ACCESS = {
    "admin": (200, 200, 200, 200, 200),
    "manager": (200, 200, 200, 200, 200),
    "agent": (200, 200, 403, 403, 403),
    "dispatcher": (200, 200, 403, 403, 403),
    # A technician may open only their own profile: another's is not there for them.
    "technician": (403, (403, 404), 403, 403, 403),
    "partner": (200, 404, 403, 200, 404),
    "customer": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", ACCESS)
def test_page_access_per_role(client, users, network, role):
    own_tech, partner_tech, other_tech = network
    lists, others, centers, create, edit = ACCESS[role]
    others = others if isinstance(others, tuple) else (others, others)
    client.force_login(users[role])
    for url in (reverse("field:home"), reverse("field:technician_list")):
        assert client.get(url).status_code == lists, url
    urls = (
        reverse("field:center_detail", args=[other_tech.home_center_id]),
        reverse("field:technician_detail", args=[other_tech.pk]),
    )
    for url, expected in zip(urls, others, strict=True):
        assert client.get(url).status_code == expected, url
    for url in (
        reverse("field:center_create"),
        reverse("field:center_edit", args=[other_tech.home_center_id]),
    ):
        assert client.get(url).status_code == centers, url
    assert client.get(reverse("field:technician_create")).status_code == create
    assert client.get(reverse("field:technician_edit", args=[own_tech.pk])).status_code == edit


def test_anonymous_visitors_are_sent_to_log_in(client, network):
    response = client.get(reverse("field:center_list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_technician_opens_their_own_profile_only(client, technician, network):
    own_tech, partner_tech, _ = network
    client.force_login(technician)
    assert client.get(reverse("field:technician_detail", args=[own_tech.pk])).status_code == 200
    page = client.get(reverse("field:technician_detail", args=[partner_tech.pk]))
    assert page.status_code == 404


def test_partner_staff_see_only_their_center_in_the_lists(client, partner, network):
    client.force_login(partner)
    centers = client.get(reverse("field:center_list")).content.decode()
    assert 'data-center="SC-PARTNER"' in centers and 'data-center="SC-OWN"' not in centers
    techs = client.get(reverse("field:technician_list")).content.decode()
    assert 'data-technician="ptech"' in techs and 'data-technician="tech"' not in techs


def test_a_manager_creates_a_center_with_coverage_rows(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("field:center_create"),
        {
            "code": "SC-NJ", "name": "南京服务中心", "kind": "own", "daily_capacity": "6",
            "opening_hours": "周一至周六 9:00–18:00", "active": "on",
            "coverage-TOTAL_FORMS": "2", "coverage-INITIAL_FORMS": "0",
            "coverage-0-city": "南京", "coverage-0-district": "鼓楼区", "coverage-1-city": "南京",
        },
    )  # fmt: skip
    center = ServiceCenter.objects.get(code="SC-NJ")
    assert response.status_code == 302
    assert response["Location"] == reverse("field:center_detail", args=[center.pk])
    assert sorted(center.coverage.values_list("city", "district")) == [
        ("南京", ""),
        ("南京", "鼓楼区"),
    ]


def test_a_place_twice_shows_on_the_form_and_saves_nothing(client, manager, center):
    client.force_login(manager)
    response = client.post(
        reverse("field:center_edit", args=[center.pk]),
        {
            "code": center.code, "name": "改名", "kind": "own", "daily_capacity": "1",
            "coverage-TOTAL_FORMS": "2", "coverage-INITIAL_FORMS": "0",
            "coverage-0-city": "上海", "coverage-1-city": "上海",
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "listed twice" in response.content.decode()
    center.refresh_from_db()
    assert center.name == "上海服务中心" and not center.coverage.exists()


def test_partner_staff_add_a_technician_with_skills(client, partner, partner_center, aircon):
    user = UserFactory(username="newbie", role=Role.TECHNICIAN, service_center=partner_center)
    client.force_login(partner)
    response = client.post(
        reverse("field:technician_create"),
        {
            "user": user.pk, "home_center": partner_center.pk, "active": "on", "phone": "139",
            "skills-TOTAL_FORMS": "1", "skills-INITIAL_FORMS": "0",
            "skills-0-category": aircon.pk, "skills-0-level": "2",
        },
    )  # fmt: skip
    assert response.status_code == 302
    tech = Technician.objects.get(user=user)
    assert list(tech.skills.values_list("category__code", "level")) == [("AC", 2)]


def test_partner_staff_cannot_pick_another_centers_people(client, partner, other_center):
    stranger = UserFactory(role=Role.TECHNICIAN, service_center=other_center)
    client.force_login(partner)
    response = client.post(
        reverse("field:technician_create"),
        {"user": stranger.pk, "home_center": other_center.pk, "skills-TOTAL_FORMS": "0",
         "skills-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not Technician.objects.exists()


def test_absences_are_entered_shown_today_and_removed(client, partner, network):
    _, partner_tech, _ = network
    today = timezone.localdate()
    client.force_login(partner)
    url = reverse("field:absence_add", args=[partner_tech.pk])
    bad = client.post(
        url, {"starts_on": today, "ends_on": today - datetime.timedelta(1), "reason": "sick"}
    )
    assert bad.status_code == 400 and "cannot be before" in bad.content.decode()
    good = client.post(url, {"starts_on": today, "ends_on": today, "reason": "sick"})
    assert good.status_code == 302
    listing = client.get(reverse("field:technician_list")).content.decode()
    assert "Sick" in listing
    absence = Absence.objects.get()
    client.post(reverse("field:absence_remove", args=[partner_tech.pk, absence.pk]))
    assert not Absence.objects.exists()


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "customer", "partner2"])
def test_others_cannot_enter_absences(client, users, other_partner, network, role):
    own_tech = network[0]
    user = other_partner if role == "partner2" else users[role]
    client.force_login(user)
    today = timezone.localdate()
    response = client.post(
        reverse("field:absence_add", args=[own_tech.pk]),
        {"starts_on": today, "ends_on": today, "reason": "sick"},
    )
    assert response.status_code in (403, 404)
    assert not Absence.objects.exists()


def test_technicians_filter_by_skill(client, manager, network, washer):
    own_tech = network[0]
    own_tech.skills.create(category=washer)
    client.force_login(manager)
    page = client.get(reverse("field:technician_list"), {"skill": washer.pk}).content.decode()
    assert 'data-technician="tech"' in page and 'data-technician="ptech"' not in page


def test_lists_take_a_bounded_number_of_queries(
    client, manager, django_assert_max_num_queries, aircon
):
    for n in range(8):
        center = ServiceCenterFactory()
        center.coverage.create(city=f"城市{n}")
        tech = make_technician(center, f"t{n}")
        tech.skills.create(category=aircon)
        Absence.objects.create(
            technician=tech, starts_on=timezone.localdate(), ends_on=timezone.localdate(),
            reason="leave",
        )  # fmt: skip
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("field:center_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("field:technician_list")).status_code == 200
    center = ServiceCenter.objects.last()
    with django_assert_max_num_queries(14):
        assert client.get(reverse("field:center_detail", args=[center.pk])).status_code == 200


def test_the_admin_lists_and_opens_network_records(client, admin_user, network):
    own_tech = network[0]
    client.force_login(admin_user)
    for url in (
        reverse("admin:field_servicecenter_changelist"),
        reverse("admin:field_servicecenter_change", args=[own_tech.home_center_id]),
        reverse("admin:field_technician_changelist"),
        reverse("admin:field_technician_change", args=[own_tech.pk]),
        reverse("admin:field_absence_changelist"),
    ):
        assert client.get(url).status_code == 200, url
