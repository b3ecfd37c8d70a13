"""On a phone in headless Chromium: a customer signs up with their mobile number and the
code from the SMS; an invited contact sets a password from the emailed link."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.accounts import invitations
from aftersales.accounts.models import User
from aftersales.accounts.tests.conftest import last_message, link_sent_to
from aftersales.notifications.adapters import MemoryAdapter
from aftersales.testing.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = "Kettle-Blue-42"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _logged_in_as(page, user) -> None:
    expect(page.locator("form[action='/accounts/logout/']")).to_be_visible()
    user.refresh_from_db()
    assert user.last_login is not None


def test_a_customer_signs_up_with_their_phone_on_a_phone(phone):
    # given the login page, where a customer without an account starts
    phone.goto("/accounts/login/")
    phone.locator("[data-customer-links] a[href='/accounts/signup/']").tap()
    expect(phone.locator("form[data-form=signup]")).to_be_visible()
    assert _fits(phone)
    # when they give their name, mobile number and a password
    phone.fill("input[name=name]", "王小明")
    phone.fill("input[name=address]", "138 0013 8000")
    phone.fill("input[name=password]", GOOD)
    phone.locator("form[data-form=signup] button[type=submit]").tap()
    # then a code page says where the code went
    expect(phone.locator("[data-sent-to]")).to_contain_text("+86138****8000")
    assert _fits(phone)
    # and they type the code from the SMS
    sms = [m for m in MemoryAdapter.outbox if m["to"] == "+8613800138000"]
    body = sms[-1]["body"] if sms else last_message("+8613800138000").body
    code = re.search(r"\b(\d{6})\b", body).group(1)
    phone.fill("input[name=code]", code)
    phone.locator("form[data-form=code] button[type=submit]").tap()
    # and land logged in, with a new customer to be checked behind them
    expect(phone).not_to_have_url(re.compile(r"/accounts/"))
    user = User.objects.get(phone="+8613800138000")
    _logged_in_as(phone, user)
    assert user.customer.needs_review and user.customer.name == "王小明"


def test_an_invited_contact_sets_a_password_from_the_emailed_link(phone):
    # given an agent invited a company's contact by email
    company = CustomerFactory(kind="company", name="华东制冷")
    zhao = ContactFactory(customer=company, name="赵工", email="zhao@huadong.example")
    agent = UserFactory(username="agent", role="agent", first_name="Li", last_name="Na")
    invitations.invite(agent, company, f"contact-{zhao.pk}-email")
    link = link_sent_to("zhao@huadong.example")
    # when the contact opens the link on their phone and chooses a password
    phone.goto(link)
    expect(phone.locator("form[data-form=set-password]")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("赵工")
    assert "/set-password/" in phone.url  # the token left the address bar
    assert _fits(phone)
    phone.fill("input[name=password]", GOOD)
    phone.locator("form[data-form=set-password] button[type=submit]").tap()
    # then they are logged in on the company's login
    expect(phone).not_to_have_url(re.compile(r"/accounts/"))
    login = User.objects.get(contact=zhao)
    _logged_in_as(phone, login)
    assert login.customer == company
    # and the link does not work a second time
    phone.goto(link)
    expect(phone.locator("[data-problem=bad-link]")).to_be_visible()
