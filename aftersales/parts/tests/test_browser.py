"""End to end in headless Chromium: an agent orders a part for a request from the warehouse
(the request waits on it), the technician marks it arrived in the van (the request
resumes), then records it used."""

import pytest
from playwright.sync_api import expect

from aftersales.parts.models import ReservationStatus
from aftersales.parts.tests.conftest import stock
from aftersales.service.choices import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_part_ordered_from_the_warehouse_arrives_and_is_used(
    page, login, agent, technician, manager, warehouse, van, compressor, work_request
):
    stock(compressor, warehouse, 2, manager)
    login(agent)
    page.goto(f"/requests/{work_request.number}/")
    panel = page.locator("#parts")
    expect(panel).to_contain_text("No parts reserved or used yet.")

    # when the agent reserves the compressor for the van, coming from the warehouse
    panel.locator("summary").click()
    page.select_option("#id_reserve-part", str(compressor.pk))
    page.select_option("#id_reserve-location", str(van.pk))
    page.select_option("#id_reserve-source", str(warehouse.pk))
    page.check("#id_reserve-wait")
    panel.locator("#reserve-part button[type=submit]").click()

    page.wait_for_load_state()
    # then the panel says where it comes from and the request waits on parts
    expect(page.locator("#parts")).to_contain_text("coming from 中央仓库 to 工程师车载库")
    expect(page.locator("#status-line")).to_contain_text("Waiting on parts")

    # when the technician marks it arrived, then used
    page.context.clear_cookies()
    login(technician)
    page.goto(f"/requests/{work_request.number}/")
    page.click("#parts [data-action=receive]")
    expect(page.locator("#status-line")).to_contain_text("In progress")
    page.click("#parts [data-action=use]")
    expect(page.locator("#part-usages")).to_contain_text("压缩机")

    work_request.refresh_from_db()
    assert work_request.status == Status.IN_PROGRESS
    assert work_request.part_reservations.get().status == ReservationStatus.CONSUMED
