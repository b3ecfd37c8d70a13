"""Password reset by a code: the same answer for every address, the code sets the
password, and the pages around it."""

import pytest
from django.contrib.auth import authenticate

from aftersales.accounts import codes, reset
from aftersales.accounts.models import VerificationCode
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.conftest import code_sent_to
from aftersales.notifications.models import OutboundMessage
from aftersales.testing.factories import PASSWORD, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = "Kettle-Blue-42"


@pytest.fixture
def wang(db):
    return UserFactory(username="wang", role=Role.CUSTOMER, customer=CustomerFactory(),
                       phone="13800138000")  # fmt: skip


def test_a_code_by_sms_sets_a_new_password(wang):
    sent = reset.start("138-0013-8000")
    user = reset.finish(sent.ticket, code_sent_to("13800138000"), GOOD)
    assert user == wang
    assert authenticate(username="13800138000", password=GOOD) == wang
    assert authenticate(username="13800138000", password=PASSWORD) is None


def test_unknown_staff_and_shared_addresses_get_the_same_answer_and_no_message(wang, agent):
    agent.email = "agent@example.com"
    agent.save()
    UserFactory(role=Role.CUSTOMER, customer=CustomerFactory(), email="shared@example.com")
    UserFactory(role=Role.CUSTOMER, customer=CustomerFactory(), email="shared@example.com")
    for address in ("nobody@example.com", "agent@example.com", "shared@example.com"):
        sent = reset.start(address)
        assert sent.ticket and sent.address.value == address
        with pytest.raises(codes.WrongCode, match="not right"):
            reset.finish(sent.ticket, "123456", GOOD)
    assert not OutboundMessage.objects.exists()
    assert not VerificationCode.objects.exists()


def test_a_weak_password_costs_no_try(wang):
    sent = reset.start("13800138000")
    with pytest.raises(Exception, match="password"):
        reset.finish(sent.ticket, "000000", "1234")
    assert VerificationCode.objects.get().tries == 0


def test_an_invited_login_without_a_password_can_set_one_by_code(wang):
    wang.set_unusable_password()
    wang.save()
    sent = reset.start("13800138000")
    reset.finish(sent.ticket, code_sent_to("13800138000"), GOOD)
    assert authenticate(username="wang", password=GOOD) == wang


def test_the_reset_pages_answer_alike_and_log_in_after_the_code(client, wang):
    for address in ("nobody@example.com", "13800138000"):
        response = client.post("/accounts/reset/", {"address": address})
        assert response.status_code == 302 and response.url == "/accounts/reset/verify/"
        page = client.get(response.url).content.decode()
        assert "If an account uses" in page
    response = client.post(
        "/accounts/reset/verify/",
        {"code": code_sent_to("13800138000"), "password": GOOD},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(wang.pk)


def test_the_reset_code_page_without_a_ticket_starts_again(client, db):
    response = client.get("/accounts/reset/verify/")
    assert response.status_code == 302 and response.url == "/accounts/reset/"
