"""The agent workspace pages: queue, log a call, a request's page and its actions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.assets.models import Unit
from aftersales.customers.models import Customer
from aftersales.service import services
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.testing.factories import (
    ProductFactory,
    ServiceRequestFactory,
    UnitFactory,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def open_request(agent, customer):
    unit = UnitFactory(customer=customer, serial_number="AC20240001")
    return services.create_request(
        actor=agent, customer=customer, unit=unit, subject="空调不制冷", channel="phone"
    )


# --- Queue --------------------------------------------------------------------------------


def test_queue_opens_with_open_requests_by_default(client, agent, open_request):
    # given an agent without a saved view
    client.force_login(agent)
    # when they open the queue
    response = client.get(reverse("service:queue"))
    # then they are sent to the open requests
    assert response.status_code == 302
    assert response.url.endswith("?open=true")
    page = client.get(response.url)
    assert open_request.number in page.content.decode()


def test_queue_filters_and_saved_default(client, agent, customer, open_request):
    # given a closed request and an open urgent one
    done = ServiceRequestFactory(customer=customer, status=Status.CLOSED, subject="已完成")
    urgent = ServiceRequestFactory(customer=customer, priority="urgent", subject="紧急")
    client.force_login(agent)
    # when the agent filters by urgent priority
    page = client.get(reverse("service:queue"), {"open": "true", "priority": "urgent"}).content
    # then only the urgent request shows
    assert urgent.number.encode() in page
    assert open_request.number.encode() not in page
    assert done.number.encode() not in page
    # when they save it as their default, the queue opens with it next time
    client.post(reverse("service:save_default"), {"open": "true", "priority": "urgent"})
    response = client.get(reverse("service:queue"))
    assert response.status_code == 302
    assert "priority=urgent" in response.url


def test_queue_sorts_by_priority(client, agent, customer):
    low = ServiceRequestFactory(customer=customer, priority="low")
    urgent = ServiceRequestFactory(customer=customer, priority="urgent")
    client.force_login(agent)
    page = client.get(reverse("service:queue"), {"sort": "-priority"}).content.decode()
    assert page.index(urgent.number) < page.index(low.number)


def test_queue_htmx_returns_only_the_table(client, agent, open_request):
    client.force_login(agent)
    response = client.get(reverse("service:queue"), {"open": "true"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert open_request.number in body
    assert "<html" not in body


def test_queue_query_count_does_not_grow_with_rows(
    client, agent, customer, django_assert_max_num_queries
):
    for _ in range(30):
        unit = UnitFactory(customer=customer)
        ServiceRequestFactory(customer=customer, unit=unit, assignee=agent)
    client.force_login(agent)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("service:queue"), {"open": "true"})
    assert response.status_code == 200


def test_technician_queue_shows_only_their_work(client, technician, agent, customer):
    mine = ServiceRequestFactory(customer=customer, assignee=technician)
    other = ServiceRequestFactory(customer=customer, assignee=agent)
    client.force_login(technician)
    page = client.get(reverse("service:queue"), {"open": "true"}).content
    assert mine.number.encode() in page
    assert other.number.encode() not in page


def test_customer_cannot_use_staff_pages(client, customer_user, open_request):
    client.force_login(customer_user)
    assert client.get(reverse("service:queue"), {"open": "true"}).status_code == 403
    assert client.get(reverse("service:detail", args=[open_request.number])).status_code == 403
    # Customers have the portal instead (aftersales/portal/tests); the old page leads there.
    assert client.get(reverse("home")).url == reverse("portal:home")
    assert client.get(reverse("service:customer_home")).url == reverse("portal:home")


# --- Log a call -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["138 0013 8000", "+86 138-0013-8000", "13800138000"])
def test_lookup_finds_caller_by_any_spelling_of_the_phone(client, agent, customer, typed):
    client.force_login(agent)
    response = client.get(reverse("service:call_lookup"), {"q": typed})
    assert customer.name in response.content.decode()


def test_lookup_finds_unit_by_serial_with_warranty(client, agent, customer):
    UnitFactory(customer=customer, serial_number="AC20240001")
    client.force_login(agent)
    body = client.get(reverse("service:call_lookup"), {"q": "ac2024"}).content.decode()
    assert "AC20240001" in body
    assert "Repair under warranty" in body


def test_pick_shows_units_and_warranty_dates(client, agent, customer):
    unit = UnitFactory(customer=customer)
    client.force_login(agent)
    body = client.get(
        reverse("service:call_pick"), {"customer": customer.pk, "unit": unit.pk}
    ).content.decode()
    assert unit.serial_number in body
    assert "repair warranty until" in body
    assert f'value="{unit.pk}" checked' in body


def test_log_a_call_for_an_existing_customer_and_unit(client, agent, customer):
    # given a customer with a unit
    unit = UnitFactory(customer=customer)
    client.force_login(agent)
    # when the agent saves the call
    response = client.post(
        reverse("service:call"),
        {
            "customer": customer.pk,
            "unit": unit.pk,
            "description": "空调不制冷\n显示 E1",
            "kind": "repair",
            "priority": "high",
        },
    )
    # then a phone request exists with the first line as subject, and the page opens
    request = ServiceRequest.objects.get()
    assert response.url == reverse("service:detail", args=[request.number])
    assert (request.customer, request.unit, request.channel) == (customer, unit, "phone")
    assert request.subject == "空调不制冷"
    assert request.priority == "high"
    assert request.created_by == agent


def test_log_a_call_creates_new_customer_and_unit_and_solves_it(client, agent):
    product = ProductFactory()
    client.force_login(agent)
    response = client.post(
        reverse("service:call"),
        {
            "new_name": "李雷",
            "new_phone": "139 1234 5678",
            "new_city": "成都市",
            "new_serial": "wm 2025 0001",
            "new_product": product.pk,
            "new_purchased_on": "2026-10-01",
            "description": "不会设置童锁",
            "kind": "consultation",
            "priority": "normal",
            "solved": "on",
            "resolution_type": "advice",
            "resolution_summary": "电话指导长按童锁键三秒",
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get(name="李雷")
    assert customer.phone_normalized == "+8613912345678"
    unit = Unit.objects.get(serial_number="WM20250001")
    request = ServiceRequest.objects.get()
    assert (request.customer, request.unit, request.status) == (customer, unit, Status.RESOLVED)


def test_log_a_call_with_a_taken_serial_creates_nothing(client, agent, customer):
    UnitFactory(serial_number="DUP1")
    product = ProductFactory()
    client.force_login(agent)
    response = client.post(
        reverse("service:call"),
        {
            "new_name": "新客户",
            "new_serial": "DUP1",
            "new_product": product.pk,
            "description": "坏了",
            "kind": "repair",
            "priority": "normal",
        },
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert not Customer.objects.filter(name="新客户").exists()
    assert not ServiceRequest.objects.exists()


def test_log_a_call_needs_a_caller(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("service:call"), {"description": "x", "kind": "repair", "priority": "normal"}
    )
    assert "Pick the caller" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_technician_cannot_log_calls(client, technician):
    client.force_login(technician)
    assert client.get(reverse("service:call")).status_code == 403


# --- A request's page --------------------------------------------------------------------------


def test_detail_shows_request_with_transitions_and_history(client, agent, open_request):
    client.force_login(agent)
    body = client.get(reverse("service:detail", args=[open_request.number])).content.decode()
    assert open_request.subject in body
    assert 'data-transition="triaged"' in body
    assert 'data-transition="cancelled"' in body
    assert 'data-transition="closed"' not in body
    assert "Repair warranty until" in body


def test_detail_of_invisible_request_is_404(client, partner, open_request):
    client.force_login(partner)
    assert client.get(reverse("service:detail", args=[open_request.number])).status_code == 404


def test_move_request_through_states_to_closed(client, agent, technician, open_request):
    client.force_login(agent)
    url = reverse("service:transition", args=[open_request.number])
    client.post(url, {"to": "triaged"})
    client.post(url, {"to": "assigned", "assignee": technician.pk})
    client.post(url, {"to": "in_progress"})
    client.post(url, {"to": "waiting_parts"})
    client.post(url, {"to": "in_progress"})
    client.post(
        url, {"to": "resolved", "resolution_type": "onsite", "resolution_summary": "换压缩机"}
    )
    client.post(url, {"to": "closed"})
    open_request.refresh_from_db()
    assert open_request.status == Status.CLOSED
    assert open_request.assignee == technician
    assert open_request.closed_at is not None
    moves = [e.data["to"] for e in open_request.events.filter(kind="status")]
    assert moves == [
        "triaged", "assigned", "in_progress", "waiting_parts", "in_progress", "resolved", "closed"
    ]  # fmt: skip


def test_refused_transition_shows_why_and_changes_nothing(client, agent, open_request):
    client.force_login(agent)
    response = client.post(
        reverse("service:transition", args=[open_request.number]), {"to": "resolved"}
    )
    assert response.status_code == 400
    assert "Choose how the request was resolved" in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == Status.NEW


def test_stale_transition_is_refused(client, agent, open_request):
    client.force_login(agent)
    services.update_request(open_request, actor=agent, priority="high")
    response = client.post(
        reverse("service:transition", args=[open_request.number]),
        {"to": "triaged", "version": open_request.version},
    )
    assert response.status_code == 400
    assert "Someone else changed" in response.content.decode()


def test_edit_saves_only_changed_fields_and_refuses_stale_version(client, agent, open_request):
    client.force_login(agent)
    url = reverse("service:edit", args=[open_request.number])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["fault_codes"] = []
    data["priority"] = "urgent"
    response = client.post(url, data)
    assert response.status_code == 302
    open_request.refresh_from_db()
    assert open_request.priority == "urgent"
    event = open_request.events.get(kind="fields")
    assert event.data["changes"] == {"priority": ["normal", "urgent"]}
    # shown in the reader's words
    page = client.get(reverse("service:detail", args=[open_request.number])).content.decode()
    assert "<del>Normal</del> → Urgent" in page
    # the same (now stale) form again
    response = client.post(url, {**data, "priority": "low"})
    assert "Someone else changed" in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.priority == "urgent"


def test_technician_edit_form_offers_only_their_fields(client, technician, open_request):
    open_request.assignee = technician
    open_request.save()
    client.force_login(technician)
    form = client.get(reverse("service:edit", args=[open_request.number])).context["form"]
    assert set(form.fields) == {"version", "diagnosis", "fault_cause", "fault_codes", "description"}


def test_comment_internal_and_public(client, agent, open_request):
    client.force_login(agent)
    url = reverse("service:comment", args=[open_request.number])
    client.post(url, {"body": "客户很着急", "visibility": "internal"})
    client.post(url, {"body": "师傅明天上门", "visibility": "public"})
    comments = open_request.events.filter(kind="comment").order_by("id")
    assert [(c.body, c.visibility) for c in comments] == [
        ("客户很着急", "internal"),
        ("师傅明天上门", "public"),
    ]


def test_log_call_on_request(client, agent, open_request):
    client.force_login(agent)
    client.post(
        reverse("service:log_call", args=[open_request.number]),
        {"direction": "outbound", "duration_minutes": 3, "body": "约好明天上午"},
    )
    event = open_request.events.get(kind="call")
    assert event.data == {"direction": "outbound", "duration_minutes": 3}


def test_upload_and_download_attachment(client, agent, partner, open_request):
    client.force_login(agent)
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    client.post(
        reverse("service:upload", args=[open_request.number]),
        {"file": upload, "visibility": "internal"},
    )
    attachment = open_request.attachments.get()
    url = reverse("service:attachment", args=[attachment.token])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    # someone who cannot see the request cannot fetch the file
    client.force_login(partner)
    assert client.get(url).status_code == 404


def test_upload_refuses_disguised_file(client, agent, open_request):
    client.force_login(agent)
    upload = SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(
        reverse("service:upload", args=[open_request.number]),
        {"file": upload, "visibility": "internal"},
    )
    assert "not a file type we accept" in response.content.decode()
    assert not TimelineEvent.objects.filter(kind="attachment").exists()


def test_request_page_shows_the_warranty_decision_and_decides_again(client, agent, open_request):
    client.force_login(agent)
    page = client.get(reverse("service:detail", args=[open_request.number])).content.decode()
    assert 'data-charge="free"' in page
    assert "Within the 12-month repair warranty" in page

    client.post(
        reverse("service:fault_cause", args=[open_request.number]),
        {"fault_cause": "customer_damage", "version": open_request.version},
    )

    open_request.refresh_from_db()
    assert open_request.entitlement["repair_charge"] == "chargeable"
    page = client.get(reverse("service:detail", args=[open_request.number])).content.decode()
    assert 'data-charge="chargeable"' in page
    assert "Damage caused by the customer is not covered" in page


def test_customer_and_partner_cannot_set_the_cause(client, partner, open_request):
    client.force_login(partner)
    url = reverse("service:fault_cause", args=[open_request.number])
    assert client.post(url, {"fault_cause": "wear"}).status_code == 404
