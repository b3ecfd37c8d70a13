"""Through the web pages: start a return on the request page, then each step on the RMA's
page — a refund at day 5, an exchange at day 10, a refund at day 10 only by override."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.assets.models import Unit, UnitStatus
from aftersales.returns.models import ReturnAuthorisation, RmaStatus
from aftersales.returns.tests.test_return_rules import PNG

pytestmark = pytest.mark.django_db


def start(client, request, **data):
    return client.post(reverse("returns:start", args=[request.number]), data)


def step(client, rma, name, **data):
    rma.refresh_from_db()
    data.setdefault("version", rma.version)
    return client.post(reverse("returns:step", args=[rma.number, name]), data)


def test_the_request_page_offers_a_return_with_what_the_warranty_allows(
    client, agent, faulty_request
):
    request = faulty_request(5)
    client.force_login(agent)
    page = client.get(reverse("service:detail", args=[request.number])).content.decode()
    assert 'id="start-return"' in page
    assert "Refund (return)" in page and "anything else needs a manager" in page


def test_refund_five_days_after_purchase_end_to_end(client, agent, faulty_request, charger):
    request = faulty_request(5)
    client.force_login(agent)
    response = start(client, request, kind="refund", reason="屏幕闪烁", price_paid="1999.00")
    rma = ReturnAuthorisation.objects.get(request=request)
    assert response.url == reverse("returns:detail", args=[rma.number])
    page = client.get(response.url).content.decode()
    assert 'id="step-receive"' in page and "充电器" in page
    photo = SimpleUploadedFile("back.png", PNG, content_type="image/png")
    response = step(client, rma, "receive", condition="good", missing=[charger.pk], photos=photo)
    assert response.status_code == 302, response.content.decode()
    assert step(client, rma, "inspect", fault_confirmed="yes").status_code == 302
    page = client.get(reverse("returns:detail", args=[rma.number])).content.decode()
    assert "refund 1900.00 CNY" in page
    assert step(client, rma, "refund", method="wechat_pay").status_code == 302
    assert step(client, rma, "close").status_code == 302
    rma.refresh_from_db()
    assert rma.status == RmaStatus.CLOSED
    assert rma.refund_amount == Decimal("1900.00") and rma.refund_method == "wechat_pay"
    assert Unit.objects.get(pk=request.unit_id).status == UnitStatus.RETURNED
    timeline = client.get(reverse("service:detail", args=[request.number])).content.decode()
    assert "Refund of 1900.00 CNY by WeChat Pay" in timeline
    assert "back.png" in timeline


def test_exchange_ten_days_after_purchase_end_to_end(client, agent, faulty_request):
    request = faulty_request(10)
    client.force_login(agent)
    assert start(client, request, kind="exchange").status_code == 302
    rma = ReturnAuthorisation.objects.get(request=request)
    assert step(client, rma, "receive", condition="as_new").status_code == 302
    assert step(client, rma, "inspect", fault_confirmed="yes").status_code == 302
    assert step(client, rma, "exchange", new_serial="X100-NEW-1").status_code == 302
    assert step(client, rma, "close").status_code == 302
    rma.refresh_from_db()
    assert rma.status == RmaStatus.CLOSED
    assert rma.replacement_unit.serial_number == "X100-NEW-1"
    assert rma.replacement_unit.customer_id == request.customer_id
    page = client.get(reverse("returns:detail", args=[rma.number])).content.decode()
    assert "X100-NEW-1" in page


def test_refund_at_day_ten_is_refused_to_an_agent_and_allowed_to_a_manager_with_a_reason(
    client, agent, manager, faulty_request
):
    request = faulty_request(10)
    client.force_login(agent)
    response = start(client, request, kind="refund", override_reason="客户要求")
    assert response.status_code == 302 and response.url.endswith(f"/{request.number}/")
    assert not ReturnAuthorisation.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Only a service manager may override" in page
    client.force_login(manager)
    start(client, request, kind="refund")
    assert not ReturnAuthorisation.objects.exists()
    response = start(client, request, kind="refund", override_reason="屏幕批次质量问题，经理批准")
    rma = ReturnAuthorisation.objects.get()
    assert rma.overridden and rma.override_by == manager
    assert "经理批准" in client.get(response.url).content.decode()


def test_a_step_refused_by_a_rule_shows_the_reason_on_its_form(client, agent, faulty_request):
    client.force_login(agent)
    start(client, faulty_request(10), kind="exchange")
    rma = ReturnAuthorisation.objects.get()
    step(client, rma, "receive", condition="good")
    step(client, rma, "inspect", fault_confirmed="no")
    response = step(client, rma, "exchange", new_serial="NEW-2")
    assert response.status_code == 400
    assert "did not confirm a quality fault" in response.content.decode()
    assert not Unit.objects.filter(serial_number="NEW-2").exists()


def test_a_stale_form_is_refused(client, agent, faulty_request):
    client.force_login(agent)
    start(client, faulty_request(5), kind="refund")
    rma = ReturnAuthorisation.objects.get()
    response = step(client, rma, "receive", condition="good", version=99)
    assert response.status_code == 400
    assert "Someone else changed" in response.content.decode()
