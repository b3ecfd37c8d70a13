"""Proactive care: each campaign lists the right customers on a given date (a fixed day,
whatever today is), drawing keeps the list and skips those just contacted, contacts are
recorded, message campaigns go out once; who may; pages and API."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from aftersales.care import generators, selectors, services
from aftersales.care.models import CampaignKind, TargetStatus
from aftersales.core.errors import DomainError, NotAllowed
from aftersales.customers.models import CustomerKind
from aftersales.notifications.models import OutboundMessage
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory, UnitFactory
from aftersales.warranty.models import (
    ContractStatus,
    ExtendedWarranty,
    ServiceContract,
    ServicePlan,
)

pytestmark = pytest.mark.django_db

ON = datetime.date(2027, 3, 10)
D = datetime.timedelta


def ids(candidates):
    return sorted((c.customer.pk, c.unit.pk if c.unit else None) for c in candidates)


# --- Who each campaign reaches on a given day ----------------------------------------------


def test_check_in_three_days_after_delivery_or_installation():
    installed = UnitFactory(delivered_on=ON - D(5), installed_on=ON - D(3))
    delivered = UnitFactory(delivered_on=ON - D(3))
    UnitFactory(delivered_on=ON - D(3), installed_on=ON - D(1))  # installed later: not yet
    UnitFactory(delivered_on=ON - D(4))  # yesterday's batch
    found = generators.delivery_check_in(ON)
    assert ids(found) == sorted(
        [(installed.customer.pk, installed.pk), (delivered.customer.pk, delivered.pk)]
    )
    assert "2027-03-07" in found[0].reason


def test_warranty_ending_within_thirty_days_without_cover():
    # the default policy: 12 months of repair warranty from purchase
    ending = UnitFactory(purchased_on=datetime.date(2026, 3, 20))  # ends 2027-03-20
    UnitFactory(purchased_on=datetime.date(2026, 5, 1))  # ends in May: later
    UnitFactory(purchased_on=datetime.date(2026, 3, 1))  # ended 1 March: too late
    extended = UnitFactory(purchased_on=datetime.date(2026, 3, 25))
    ExtendedWarranty.objects.create(
        unit=extended, starts_on=datetime.date(2027, 3, 25), ends_on=datetime.date(2029, 3, 24),
    )  # fmt: skip
    found = generators.warranty_expiry(ON)
    assert ids(found) == [(ending.customer.pk, ending.pk)]
    assert found[0].due_on == datetime.date(2027, 3, 20)
    assert "2027-03-20" in found[0].reason


def test_contracts_ending_without_renewal():
    plan = ServicePlan.objects.create(
        code="gold",
        name="金牌",
        rank=3,
        response_hours=2,
        resolution_hours=24,
        onsite_hours=8,
        price=Decimal(1),
    )
    customer = CustomerFactory()

    def contract(number, ends_on, status=ContractStatus.ACTIVE):
        return ServiceContract.objects.create(
            number=number, customer=customer, plan=plan, status=status,
            starts_on=ends_on - D(365), ends_on=ends_on,
        )  # fmt: skip

    ending = contract("CT-1", ON + D(20))
    contract("CT-2", ON + D(40))
    renewed = contract("CT-3", ON + D(10))
    later = contract("CT-4", ON + D(375), status=ContractStatus.ACCEPTED)
    later.renewal_of = renewed
    later.save()
    found = generators.contract_renewal(ON)
    assert [c.contract for c in found] == [ending]


def test_key_accounts_silent_for_half_their_purchase_cycle():
    quiet = CustomerFactory(kind=CustomerKind.COMPANY, name="宏达酒店")
    for bought in ("2025-01-10", "2025-07-10", "2026-01-10"):
        UnitFactory(customer=quiet, purchased_on=datetime.date.fromisoformat(bought))
    recent = CustomerFactory(kind=CustomerKind.COMPANY)
    for _ in range(3):
        UnitFactory(customer=recent, purchased_on=datetime.date(2026, 1, 1))
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, 0)):
        ServiceRequestFactory(customer=recent)  # in touch nine days ago
    small = CustomerFactory(kind=CustomerKind.COMPANY)
    UnitFactory(customer=small)
    found = generators.key_accounts(ON)
    assert [c.customer for c in found] == [quiet]
    assert "182" in found[0].reason  # buys about every half year


def test_thank_you_to_customers_whose_first_purchase_is_this_week():
    new = UnitFactory(purchased_on=ON - D(2)).customer
    old = UnitFactory(purchased_on=ON - D(400)).customer
    UnitFactory(customer=old, purchased_on=ON - D(1))  # a returning customer
    assert [c.customer for c in generators.thank_you(ON)] == [new]


# --- Drawing, contacts, messages ----------------------------------------------------------


def test_drawing_keeps_the_list_and_a_second_draw_skips_those_on_it(manager):
    unit = UnitFactory(delivered_on=ON - D(3))
    first = services.draw(CampaignKind.DELIVERY_CHECK_IN, ON, actor=manager)
    assert first.target_count == 1 and first.targets.get().unit == unit
    again = services.draw(CampaignKind.DELIVERY_CHECK_IN, ON, actor=manager)
    assert again.target_count == 0


def test_only_managers_draw_and_a_message_campaign_needs_its_text(agent, manager):
    with pytest.raises(NotAllowed):
        services.draw(CampaignKind.THANK_YOU, ON, actor=agent)
    with pytest.raises(DomainError, match="message"):
        services.draw(CampaignKind.THANK_YOU, ON, actor=manager, method="message")


def test_a_contact_is_recorded_and_counts_as_the_customers_last_contact(manager, agent):
    unit = UnitFactory(delivered_on=ON - D(3))
    campaign = services.draw(CampaignKind.DELIVERY_CHECK_IN, ON, actor=manager)
    target = campaign.targets.get()
    with pytest.raises(DomainError):
        services.record_contact(target, agent, status="pending")
    services.record_contact(target, agent, status=TargetStatus.CONTACTED, note="一切正常")
    target.refresh_from_db()
    assert (target.status, target.contacted_by, target.note) == ("contacted", agent, "一切正常")
    summary = selectors.contact_summary(unit.customer)
    assert summary["count"] >= 1 and summary["last"] is not None
    # and it is an entry of the customer's own timeline
    event = unit.customer.events.get(kind="campaign")
    assert "一切正常" in event.body and event.actor == agent


def test_a_message_campaign_goes_out_once_per_customer(manager, agent):
    customer = CustomerFactory(email="li@example.com")
    UnitFactory(customer=customer, purchased_on=ON - D(1))
    campaign = services.draw(
        CampaignKind.THANK_YOU, ON, actor=manager, method="message",
        subject="感谢您的选购", message="感谢您选择我们的产品，祝您使用愉快！",
    )  # fmt: skip
    assert services.send_messages(campaign, agent) == 1
    assert services.send_messages(campaign, agent) == 0
    message = OutboundMessage.objects.get(event="campaign")
    assert message.customer == customer and "祝您使用愉快" in message.body
    assert campaign.targets.get().status == TargetStatus.MESSAGED


# --- Pages and API ------------------------------------------------------------------------


def test_the_manager_previews_draws_and_the_agent_works_the_list(client, manager, agent):
    unit = UnitFactory(delivered_on=ON - D(3))
    client.force_login(manager)
    form = {"kind": "delivery_check_in", "drawn_on": ON.isoformat(), "method": "call"}
    preview = client.get(reverse("care:draw"), form)
    assert f'data-customer="{unit.customer.pk}"' in preview.content.decode()
    response = client.post(reverse("care:draw"), form)
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert unit.serial_number in detail.content.decode()
    target = detail.context["targets"][0]
    client.force_login(agent)
    client.post(reverse("care:contact", args=[target.pk]), {"status": "converted"})
    target.refresh_from_db()
    assert target.status == "converted"
    export = client.get(response["Location"], {"export": "csv"})
    assert unit.serial_number in export.content.decode("utf-8-sig")


@pytest.mark.parametrize("who, status", [("technician", 403), ("partner", 403), ("agent", 200)])
def test_who_may_see_campaigns(request, client, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("care:list")).status_code == status


def test_the_agent_may_not_draw(client, agent):
    client.force_login(agent)
    assert client.get(reverse("care:draw")).status_code == 403


def test_the_campaign_page_reads_a_bounded_number_of_queries(
    client, manager, django_assert_max_num_queries
):
    for _ in range(15):
        UnitFactory(delivered_on=ON - D(3))
    campaign = services.draw(CampaignKind.DELIVERY_CHECK_IN, ON, actor=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        client.get(reverse("care:detail", args=[campaign.pk]))


def test_the_api_draws_lists_and_records(manager, agent):
    UnitFactory(delivered_on=ON - D(3))
    api = APIClient()
    api.force_authenticate(manager)
    created = api.post(
        "/api/v1/campaigns/",
        {"kind": "delivery_check_in", "drawn_on": ON.isoformat()},
        format="json",
    )
    assert created.status_code == 201 and created.json()["target_count"] == 1
    bad = api.post("/api/v1/campaigns/", {"kind": "nope", "drawn_on": ON.isoformat()},
                   format="json")  # fmt: skip
    assert bad.status_code == 400
    rows = api.get(f"/api/v1/campaigns/{created.json()['id']}/targets/").json()["results"]
    api.force_authenticate(agent)
    done = api.post(f"/api/v1/campaign-targets/{rows[0]['id']}/contact/",
                    {"status": "declined", "note": "不需要"}, format="json")  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "declined"
    assert api.post("/api/v1/campaigns/", {"kind": "thank_you", "drawn_on": ON.isoformat()},
                    format="json").status_code == 403  # fmt: skip


def test_the_customers_page_says_how_often_we_are_in_touch(client, agent):
    customer = CustomerFactory()
    ServiceRequestFactory(customer=customer)
    ServiceRequestFactory(customer=customer)
    client.force_login(agent)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "2 contacts in the last 12 months" in page
