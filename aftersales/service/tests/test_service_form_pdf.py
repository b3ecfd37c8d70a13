"""The printable service form (服务单): a PDF with the request, the customer and unit, the
warranty decision, the work, the charges and a signature block, Chinese text included."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from aftersales.service import quotes, services
from aftersales.service.tests.quoting import LABOUR, make_request, part, quote_in
from aftersales.testing.factories import FaultCodeFactory, ServiceCenterFactory
from aftersales.warranty.models import QuoteStatus

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def job(agent, customer, technician):
    """A repair done on site out of warranty: diagnosed, quoted, accepted, charged, paid."""
    customer.address = "天河路 1 号 3 栋 1201"
    customer.save()
    center = ServiceCenterFactory(name="上海服务中心", phone="021-5555 0000")
    job = make_request(agent, customer, assignee=technician, service_center=center)
    job = services.update_request(
        job,
        actor=agent,
        diagnosis="hardware",
        fault_codes=[FaultCodeFactory(code="E1", symptom="压缩机不启动")],
    )
    line = quotes.LineInput(kind="part", spare_part=part(name="启动电容"), quantity=1)
    quote_in(QuoteStatus.ACCEPTED, job, agent, lines=[LABOUR, line])
    (charge,) = quotes.charge_for_request(job, actor=agent)
    quotes.mark_paid(charge, actor=technician, method="wechat_pay")
    return job


def test_the_service_form_is_a_pdf_with_everything_to_sign(client, agent, job):
    # given
    client.force_login(agent)

    # when
    response = client.get(reverse("quotes:service_form", args=[job.number]))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{job.number}.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4
    text = text_of(response.content)
    for expected in (
        job.number,
        "上海服务中心",  # header
        "王小明",
        "13800138000",
        "天河路 1 号 3 栋 1201",  # customer
        "变频空调 KFR-35",
        job.unit.serial_number,  # unit
        "Out of warranty",
        "Chargeable repair",
        "The repair warranty ended",  # decision and its reasons
        "开机后吹热风",
        "压缩机不启动",  # description and diagnosis
        "更换风扇 人工",
        "启动电容",
        "170.00 CNY",
        "WeChat Pay",  # quote and charge
        "Customer's signature",
        "Technician",
        "Date",  # signature block
    ):
        assert expected in text, expected


def test_the_form_reads_in_the_reader_s_language(client, agent, job):
    client.force_login(agent)
    response = client.get(
        reverse("quotes:service_form", args=[job.number]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    text = text_of(response.content)
    assert "已过保修期" in text  # "Out of warranty"
    assert "Out of warranty" not in text


def test_a_request_without_unit_decision_or_quote_still_prints(client, agent, customer):
    # given a consultation logged with no unit: no warranty decision, nothing charged
    job = services.create_request(
        actor=agent, customer=customer, subject="咨询保养", channel="phone"
    )
    client.force_login(agent)

    # when
    response = client.get(reverse("quotes:service_form", args=[job.number]))

    # then
    text = text_of(response.content)
    assert job.number in text
    assert "No warranty decision" in text
    assert "No charges" in text


def test_only_staff_who_see_the_request_print_it(client, customer_user, partner, job):
    path = reverse("quotes:service_form", args=[job.number])
    client.force_login(customer_user)
    assert client.get(path).status_code == 403
    client.force_login(partner)
    assert client.get(path).status_code == 404
