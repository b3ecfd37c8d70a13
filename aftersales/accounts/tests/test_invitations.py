"""Staff invite a customer or a company's contacts to the portal: one login per address,
a link that works once and for seven days, back office only; managers deactivate."""

import datetime

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.utils import timezone

from aftersales.accounts import invitations
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.conftest import last_message, link_sent_to
from aftersales.core.errors import Conflict, NotAllowed
from aftersales.service.access import visible_units
from aftersales.testing.factories import (
    ContactFactory,
    CustomerFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GOOD = "Kettle-Blue-42"


@pytest.fixture
def company(db):
    return CustomerFactory(kind="company", name="华东制冷", email="office@huadong.example")


@pytest.fixture
def zhao(company):
    return ContactFactory(customer=company, name="赵工", email="zhao@huadong.example",
                          phone="13912345678")  # fmt: skip


@pytest.fixture
def qian(company):
    return ContactFactory(customer=company, name="钱经理", email="qian@huadong.example")


def test_an_agent_invites_a_contact_who_gets_an_email_with_a_link(agent, company, zhao):
    login, created = invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    assert created
    assert (login.role, login.customer, login.contact) == (Role.CUSTOMER, company, zhao)
    assert login.is_active and not login.has_usable_password()
    assert (login.email, login.phone) == ("zhao@huadong.example", "")
    message = last_message("zhao@huadong.example")
    assert (message.event, message.channel, message.user) == ("portal_invite", "email", login)
    assert "/accounts/invite/" in message.body and "7" in message.body
    assert str(agent) in message.body
    # the customer's history says who invited whom
    event = company.events.latest("id")
    assert event.actor == agent and "赵工" in event.body


def test_inviting_by_sms_sends_the_link_to_the_phone(agent, company, zhao):
    login, _created = invitations.invite(agent, company, f"contact-{zhao.pk}-sms")
    assert login.phone == "+8613912345678"
    assert last_message("+8613912345678").channel == "sms"


def test_the_same_address_twice_re_sends_to_the_same_login(client, agent, company, zhao):
    first, _ = invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    old_link = link_sent_to("zhao@huadong.example")
    second, created = invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    assert second == first and not created
    assert User.objects.filter(email="zhao@huadong.example").count() == 1
    # and only the newest link works
    assert client.get(old_link).status_code == 410
    assert client.get(link_sent_to("zhao@huadong.example")).status_code == 302


def test_each_contact_gets_a_login_and_sees_the_companys_units(agent, company, zhao, qian):
    unit = UnitFactory(customer=company)
    UnitFactory()  # someone else's
    for contact in (zhao, qian):
        invitations.invite(agent, company, f"contact-{contact.pk}-email")
    logins = User.objects.filter(customer=company, role=Role.CUSTOMER)
    assert {u.contact for u in logins} == {zhao, qian}
    for login in logins:
        login.set_password(GOOD)
        login.save()
        assert list(visible_units(login)) == [unit]


def test_an_address_of_another_login_is_not_invited(agent, company, zhao):
    UserFactory(username="someone", email="zhao@huadong.example")
    with pytest.raises(Conflict, match="another login"):
        invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    assert not User.objects.filter(customer=company).exists()


@pytest.mark.parametrize("role", ["technician", "partner", "customer"])
def test_only_the_back_office_invites(users, role, company, zhao):
    with pytest.raises(NotAllowed):
        invitations.invite(users[role], company, f"contact-{zhao.pk}-email")


@pytest.mark.parametrize(
    "role, status",
    [("admin", 302), ("manager", 302), ("agent", 302), ("dispatcher", 302),
     ("technician", 403), ("partner", 403), ("customer", 403)],
)  # fmt: skip
def test_the_invite_button_per_role(client, users, role, status, company, zhao):
    client.force_login(users[role])
    url = f"/accounts/customers/{company.pk}/invite/"
    response = client.post(url, {"target": f"contact-{zhao.pk}-email"})
    assert response.status_code == status
    assert User.objects.filter(contact=zhao).exists() == (status == 302)


@pytest.mark.parametrize(
    "role, status",
    [("admin", 302), ("manager", 302), ("agent", 403), ("dispatcher", 403),
     ("technician", 403), ("partner", 403), ("customer", 403)],
)  # fmt: skip
def test_only_managers_deactivate(client, users, role, status, agent, company, zhao):
    login, _ = invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    client.force_login(users[role])
    response = client.post(f"/accounts/logins/{login.pk}/active/", {"active": "0"})
    assert response.status_code == status
    login.refresh_from_db()
    assert login.is_active == (status != 302)


def test_a_deactivated_login_cannot_log_in_nor_use_its_link(client, manager, agent, company, zhao):
    login, _ = invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    link = link_sent_to("zhao@huadong.example")
    invitations.set_active(manager, login, False)
    assert client.get(link).status_code == 410
    with pytest.raises(Conflict, match="deactivated"):
        invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    login.refresh_from_db()
    login.set_password(GOOD)
    login.save()
    assert authenticate(username="zhao@huadong.example", password=GOOD) is None
    invitations.set_active(manager, login, True)
    assert authenticate(username="zhao@huadong.example", password=GOOD) == login


def test_the_link_sets_the_password_once_and_logs_in(client, agent, company, zhao):
    login, _ = invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    link = link_sent_to("zhao@huadong.example")
    # opening the link moves the token out of the address bar
    response = client.get(link)
    assert response.status_code == 302 and response.url.endswith("/set-password/")
    page = client.get(response.url)
    assert page.status_code == 200 and "赵工" in page.content.decode()
    response = client.post(response.url, {"password": GOOD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(login.pk)
    assert authenticate(username="zhao@huadong.example", password=GOOD) == login
    # the link does not work a second time
    client.logout()
    assert client.get(link).status_code == 410


def test_a_weak_password_keeps_the_link_usable(client, agent, company, zhao):
    invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    set_url = client.get(link_sent_to("zhao@huadong.example")).url
    response = client.post(set_url, {"password": "12345678"})
    assert response.status_code == 400
    assert client.post(set_url, {"password": GOOD}).status_code == 302


def test_the_link_expires_after_seven_days(client, agent, company, zhao):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        invitations.invite(agent, company, f"contact-{zhao.pk}-email")
        link = link_sent_to("zhao@huadong.example")
    with time_machine.travel(now + datetime.timedelta(days=6, hours=23)):
        assert client.get(link).status_code == 302
    with time_machine.travel(now + datetime.timedelta(days=7, minutes=1)):
        assert client.get(link).status_code == 410


def test_a_tampered_link_is_refused(client, agent, company, zhao):
    invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    link = link_sent_to("zhao@huadong.example")
    assert client.get(link[:-3] + "aa/").status_code == 410
    assert client.get("/accounts/invite/Zm9v/abc-def/").status_code == 410
    assert client.get("/accounts/invite/MQ/set-password/").status_code == 410


def test_the_customer_page_lists_the_logins(client, manager, agent, company, zhao, qian):
    invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    client.force_login(manager)
    page = client.get(f"/customers/{company.pk}/").content.decode()
    assert 'id="portal-logins"' in page
    assert "赵工" in page and "invited" in page and "Deactivate" in page
    assert f'value="contact-{qian.pk}-email"' in page and 'value="customer-email"' in page
    client.force_login(agent)
    page = client.get(f"/customers/{company.pk}/").content.decode()
    assert 'id="portal-logins"' in page and "Deactivate" not in page


def test_the_customer_page_shows_no_logins_card_to_field_staff(client, technician, company):
    client.force_login(technician)
    response = client.get(f"/customers/{company.pk}/")
    assert 'id="portal-logins"' not in response.content.decode()
