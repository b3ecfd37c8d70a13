"""A customer signs up: a code to their address, ten minutes and five tries, limits on
sending, the customer found or made, and answers that give nothing away."""

import datetime

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.accounts import codes, signup
from aftersales.accounts.models import User, VerificationCode
from aftersales.accounts.roles import Role
from aftersales.accounts.tests.conftest import code_sent_to, last_message
from aftersales.core.errors import DomainError
from aftersales.customers.models import Customer
from aftersales.testing.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD = "Kettle-Blue-42"
T0 = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


def start(address="13800138000", name="王小明", ip="10.0.0.1"):
    return signup.start(name=name, address=address, password=GOOD, ip=ip, language="zh-hans")


def test_a_new_customer_signs_up_with_a_phone_number_and_is_flagged_for_review(
    sms, django_capture_on_commit_callbacks
):
    # when they sign up with their phone and enter the code from the SMS
    with django_capture_on_commit_callbacks(execute=True):
        sent = start("138 0013 8000")
    assert sent.address.channel == "sms"
    message = last_message("+8613800138000")
    assert (message.event, message.channel, message.language) == ("portal_code", "sms", "zh-hans")
    user = signup.verify(sent.ticket, code_sent_to("+8613800138000"))
    # then their login is active and belongs to a new customer to be checked
    assert user.is_active and user.role == Role.CUSTOMER
    customer = user.customer
    assert (customer.name, customer.phone, customer.needs_review, customer.source) == (
        "王小明", "+8613800138000", True, "portal")  # fmt: skip
    assert authenticate(username="13800138000", password=GOOD) == user
    # and the code went out by SMS through the outbox
    assert [m["to"] for m in sms.outbox] == ["+8613800138000"]


def test_an_existing_customers_address_links_the_login_to_that_customer():
    known = CustomerFactory(email="li@example.com", needs_review=False)
    sent = start("LI@example.com", name="李")
    user = signup.verify(sent.ticket, code_sent_to("LI@example.com"))
    assert user.customer == known and user.contact is None
    assert Customer.objects.count() == 1


def test_a_company_contacts_address_links_the_login_to_the_company_and_contact():
    company = CustomerFactory(kind="company", name="华东制冷")
    contact = ContactFactory(customer=company, name="赵工", phone="13912345678")
    sent = start("139 1234 5678", name="赵工")
    user = signup.verify(sent.ticket, code_sent_to("+8613912345678"))
    assert (user.customer, user.contact) == (company, contact)


def test_an_address_with_a_login_is_told_to_log_in_and_nothing_else():
    UserFactory(username="x", role=Role.CUSTOMER, customer=CustomerFactory(), phone="13800138000")
    with pytest.raises(signup.AlreadyRegistered) as refused:
        start("+86 13800138000")
    assert "already have an account" in str(refused.value)
    assert "Log in, or reset your password" in str(refused.value)
    assert not VerificationCode.objects.exists()


def test_a_sign_up_not_yet_confirmed_takes_no_address():
    start("13800138000")
    pending = User.objects.get(phone="+8613800138000")
    assert not pending.is_active and pending.customer is None
    # the same person can start again, and nobody can log in with it meanwhile
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        sent = signup.start(name="王", address="13800138000", password=GOOD)
    assert User.objects.filter(phone="+8613800138000").count() == 1
    assert authenticate(username="13800138000", password=GOOD) is None
    assert signup.verify(sent.ticket, code_sent_to("+8613800138000")).first_name == "王"


@pytest.mark.parametrize(
    "address, message",
    [("hello", "email address or a mobile phone number"), ("a@b", "valid email"),
     ("010 6552 9988", "cannot receive text messages")],
)  # fmt: skip
def test_an_address_that_cannot_get_a_code_is_refused(address, message):
    with pytest.raises(DomainError, match=message):
        start(address)


def test_a_weak_password_is_refused_before_any_code_is_sent():
    with pytest.raises(ValidationError) as refused:
        signup.start(name="王", address="13800138000", password="12345678")
    assert "password" in refused.value.message_dict
    assert not VerificationCode.objects.exists()


def test_a_code_expires_after_ten_minutes():
    with time_machine.travel(T0, tick=False):
        sent = start()
        code = code_sent_to("+8613800138000")
    later = T0 + datetime.timedelta(minutes=10, seconds=1)
    with time_machine.travel(later, tick=False), pytest.raises(codes.WrongCode, match="expired"):
        signup.verify(sent.ticket, code)
    assert not User.objects.filter(is_active=True, role=Role.CUSTOMER).exists()


def test_a_code_is_valid_within_ten_minutes():
    with time_machine.travel(T0, tick=False):
        sent = start()
        code = code_sent_to("+8613800138000")
    with time_machine.travel(T0 + datetime.timedelta(minutes=9, seconds=59), tick=False):
        assert signup.verify(sent.ticket, code).is_active


def test_five_wrong_tries_use_the_code_up():
    sent = start()
    right = code_sent_to("+8613800138000")
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(codes.WrongCode, match=f"{left} more time"):
            signup.verify(sent.ticket, wrong)
    with pytest.raises(codes.WrongCode, match="Too many wrong codes"):
        signup.verify(sent.ticket, wrong)
    # even the right code no longer works
    with pytest.raises(codes.WrongCode, match="Too many wrong codes"):
        signup.verify(sent.ticket, right)
    assert VerificationCode.objects.get().tries == 5


def test_a_code_works_once():
    sent = start()
    code = code_sent_to("+8613800138000")
    signup.verify(sent.ticket, code)
    with pytest.raises(DomainError):
        signup.verify(sent.ticket, code)
    assert User.objects.filter(phone="+8613800138000").count() == 1


def test_a_new_code_replaces_the_last():
    with time_machine.travel(T0, tick=False):
        sent = start()
        first = code_sent_to("+8613800138000")
    with time_machine.travel(T0 + datetime.timedelta(seconds=61), tick=False):
        signup.resend(sent.ticket)
        second = code_sent_to("+8613800138000")
        if first != second:
            with pytest.raises(codes.WrongCode):
                signup.verify(sent.ticket, first)
        assert signup.verify(sent.ticket, second).is_active


def test_a_new_code_only_once_a_minute_and_five_an_hour_per_address():
    with time_machine.travel(T0, tick=False):
        sent = start()
        with pytest.raises(codes.Throttled, match="just sent a code"):
            signup.resend(sent.ticket)
    for minute in range(1, 5):
        with time_machine.travel(T0 + datetime.timedelta(minutes=minute, seconds=1), tick=False):
            signup.resend(sent.ticket)
    later = T0 + datetime.timedelta(minutes=6)
    with time_machine.travel(later, tick=False), pytest.raises(codes.Throttled, match="in an hour"):
        signup.resend(sent.ticket)
    assert VerificationCode.objects.count() == 1
    with time_machine.travel(T0 + datetime.timedelta(minutes=61), tick=False):
        signup.resend(sent.ticket)


def test_codes_from_one_ip_are_limited_across_addresses():
    with time_machine.travel(T0, tick=False):
        for n in range(codes.PER_IP_PER_HOUR):
            start(f"person{n}@example.com", ip="10.9.9.9")
        with pytest.raises(codes.Throttled):
            start("one-more@example.com", ip="10.9.9.9")
        start("one-more@example.com", ip="10.9.9.10")


def test_a_forged_or_foreign_ticket_is_refused():
    sent = start()
    code = code_sent_to("+8613800138000")
    for ticket in (sent.ticket + "x", codes.ticket("reset", sent.address), ""):
        with pytest.raises(DomainError, match="start again"):
            signup.verify(ticket, code)


def test_a_login_made_while_the_code_travelled_wins():
    sent = start("zhao@example.com")
    code = code_sent_to("zhao@example.com")
    UserFactory(role=Role.CUSTOMER, customer=CustomerFactory(), email="zhao@example.com")
    with pytest.raises(signup.AlreadyRegistered):
        signup.verify(sent.ticket, code)
