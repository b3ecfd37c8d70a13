"""Operation errors → training: the request page offers courses for operators of the
unit's product and sends the customer one message per course, recorded on the timeline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.notifications.models import OutboundMessage
from aftersales.service.models import TimelineEvent
from aftersales.testing.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ServiceRequestFactory,
    TrainingCourseFactory,
    TrainingSessionFactory,
    UnitFactory,
)
from aftersales.training.models import CourseSuggestion


@pytest.fixture
def op_request(product):
    customer = CustomerFactory(email="buyer@example.com", language="en")
    unit = UnitFactory(product=product, customer=customer)
    return ServiceRequestFactory(customer=customer, unit=unit, diagnosis="operation")


@pytest.fixture
def courses(product, category):
    for_model = TrainingCourseFactory(title="KFR operation", product=product, category=category)
    for_category = TrainingCourseFactory(title="Air conditioner basics", category=category)
    general = TrainingCourseFactory(title="Using your product safely")
    TrainingCourseFactory(title="IT staff course", category=category, audience="it_staff")
    TrainingCourseFactory(title="Washing machines", category=CategoryFactory(code="WM"))
    TrainingCourseFactory(title="Other model", product=ProductFactory(category=category))
    TrainingSessionFactory(
        course=for_model, starts_at=timezone.now() + datetime.timedelta(days=10),
        address="Shanghai training room 3",
    )  # fmt: skip
    return for_model, for_category, general


def _page(client, request):
    return client.get(reverse("service:detail", args=[request.number])).content.decode()


def test_panel_lists_operator_courses_for_the_unit(client, agent, op_request, courses):
    client.force_login(agent)
    html = _page(client, op_request)
    assert 'id="training-suggestions"' in html
    for course in courses:
        assert f'data-course="{course.pk}"' in html
    for title in ("IT staff course", "Washing machines", "Other model"):
        assert title not in html


def test_no_panel_unless_operation_error(client, agent, product, courses):
    client.force_login(agent)
    hardware = ServiceRequestFactory(unit=UnitFactory(product=product), diagnosis="hardware")
    assert 'id="training-suggestions"' not in _page(client, hardware)


def test_suggest_sends_message_in_customer_language_and_notes_timeline(
    client, agent, op_request, courses
):
    client.force_login(agent)
    course = courses[0]
    url = reverse("training:suggest", args=[op_request.number])
    response = client.post(url, {"course": course.pk})
    assert response.status_code == 302
    message = OutboundMessage.objects.get()
    assert message.event == "course_suggested" and message.to_address == "buyer@example.com"
    assert "KFR operation" in message.body
    assert "Shanghai training room 3" in message.body
    assert "we suggest the course" in message.body  # English: the customer's language
    event = TimelineEvent.objects.get(request=op_request, data__training_course=course.pk)
    assert "KFR operation" in event.body
    assert "Suggested" in _page(client, op_request)
    # Once per request and course.
    client.post(url, {"course": course.pk})
    assert OutboundMessage.objects.count() == 1
    assert CourseSuggestion.objects.count() == 1
    assert TimelineEvent.objects.filter(data__training_course=course.pk).count() == 1


def test_chinese_customer_gets_chinese(client, agent, op_request, courses):
    op_request.customer.language = "zh-hans"
    op_request.customer.save()
    client.force_login(agent)
    client.post(reverse("training:suggest", args=[op_request.number]), {"course": courses[1].pk})
    body = OutboundMessage.objects.get().body
    assert "Air conditioner basics" in body and "为您推荐培训课程" in body


def test_course_for_another_product_refused(client, agent, op_request, courses):
    client.force_login(agent)
    other = TrainingCourseFactory(title="Washer", category=CategoryFactory(code="WX"))
    client.post(reverse("training:suggest", args=[op_request.number]), {"course": other.pk})
    assert not CourseSuggestion.objects.exists()
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("role", ["technician", "partner", "customer"])
def test_field_and_customers_may_not_suggest(client, users, role, op_request, courses):
    client.force_login(users[role])
    response = client.post(
        reverse("training:suggest", args=[op_request.number]), {"course": courses[0].pk}
    )
    assert response.status_code == 403
    assert not CourseSuggestion.objects.exists()
