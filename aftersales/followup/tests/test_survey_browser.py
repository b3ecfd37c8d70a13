"""On a phone in headless Chromium: the customer opens the survey link, taps the scores
and sends; a low score tells them someone will call, and the link then says answered."""

import pytest
from playwright.sync_api import expect

from aftersales.accounts.models import Team
from aftersales.followup import surveys
from aftersales.followup.models import FollowUp, Purpose, Survey
from aftersales.service.choices import Status
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_the_customer_answers_the_survey_on_a_phone(phone):
    # given a resolved request whose survey link went to the customer
    lead = UserFactory(username="lead", role="agent", email="lead@example.com")
    request = ServiceRequestFactory(
        customer=CustomerFactory(language="zh-hans", email="wang@example.com"),
        team=Team.objects.create(name="客服一组", lead=lead),
        status=Status.RESOLVED,
    )
    survey = surveys.send(request)
    url = f"/s/{surveys.token_for(survey)}/"
    # when they open it on their phone, tap 2 for satisfaction and 5 for recommending
    phone.goto(url)
    expect(phone.locator("h1")).to_contain_text("您对我们的服务")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.locator("label[for=csat-2]").tap()
    phone.locator("label[for=nps-5]").tap()
    phone.locator("label[for=attitude-1]").tap()
    phone.fill("#survey-text", "师傅迟到了")
    phone.get_by_role("button").filter(has_text="提交").tap()
    # then they are thanked and told someone will call
    expect(phone.locator("[data-outcome=answered]")).to_be_visible()
    survey.refresh_from_db()
    assert (survey.csat, survey.nps, survey.attitude, survey.text) == (2, 5, 1, "师傅迟到了")
    # and the team lead has a recovery call to make
    recovery = FollowUp.objects.get(request=request, purpose=Purpose.RECOVERY)
    assert recovery.assignee == lead
    # and the link, opened again, says it was answered
    phone.goto(url)
    expect(phone.locator("[data-problem=answered]")).to_be_visible()
    assert Survey.objects.count() == 1
