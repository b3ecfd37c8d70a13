"""`/api/v1/portal-logins/`: the back office lists and invites; managers deactivate."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts import invitations
from aftersales.accounts.models import User
from aftersales.testing.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/portal-logins/"


@pytest.fixture
def company(db):
    return CustomerFactory(kind="company", email="office@huadong.example")


@pytest.fixture
def zhao(company):
    return ContactFactory(customer=company, name="赵工", phone="13912345678")


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    "role, status",
    [("admin", 201), ("manager", 201), ("agent", 201), ("dispatcher", 201),
     ("technician", 403), ("partner", 403), ("customer", 403)],
)  # fmt: skip
def test_inviting_per_role(users, role, status, company, zhao):
    body = {"customer": company.pk, "contact": zhao.pk, "address_type": "sms"}
    response = _api(users[role]).post(URL, body, format="json")
    assert response.status_code == status
    if status == 201:
        assert response.json()["state"] == "invited" and response.json()["contact"] == zhao.pk
        # the same address again: the same login, invited again
        again = _api(users[role]).post(URL, body, format="json")
        assert again.status_code == 200 and again.json()["id"] == response.json()["id"]


def test_an_address_the_customer_lacks_is_refused(agent):
    company = CustomerFactory(kind="company", email="office@huadong.example", phone="")
    stranger = ContactFactory(phone="13912345678")
    own = {"customer": company.pk, "address_type": "sms"}
    for body in (own, {**own, "contact": stranger.pk}):
        response = _api(agent).post(URL, body, format="json")
        assert response.status_code == 400 and "addresses" in response.json()["detail"]
    assert not User.objects.filter(role="customer").exists()


@pytest.mark.parametrize(
    "role, status",
    [("manager", 200), ("agent", 403), ("technician", 403), ("customer", 403)],
)
def test_only_managers_deactivate(users, role, status, agent, company):
    login, _ = invitations.invite(agent, company, "customer-email")
    response = _api(users[role]).post(f"{URL}{login.pk}/active/", {"active": False}, format="json")
    assert response.status_code == status
    login.refresh_from_db()
    assert login.is_active == (status != 200)


def test_the_list_by_customer_in_bounded_queries(agent, company, django_assert_max_num_queries):
    for n in range(5):
        contact = ContactFactory(customer=company, email=f"c{n}@huadong.example")
        invitations.invite(agent, company, f"contact-{contact.pk}-email")
    invitations.invite(agent, CustomerFactory(email="x@example.com"), "customer-email")
    with django_assert_max_num_queries(4):
        response = _api(agent).get(URL, {"customer": company.pk})
    assert response.json()["count"] == 5
    assert User.objects.filter(role="customer").count() == 6
