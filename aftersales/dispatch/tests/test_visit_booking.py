"""Booking a visit from the request page: the agent agrees a day and a window with the
customer; dispatch then plans who goes when."""

import datetime

from django.urls import reverse
from django.utils import timezone

from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.service import services as service_services
from aftersales.service.choices import Channel
from aftersales.testing.factories import CustomerFactory


def open_request(agent, city="上海市"):
    customer = CustomerFactory(city=city)
    return service_services.create_request(
        actor=agent, customer=customer, subject="空调不制冷", channel=Channel.PHONE
    )


def test_an_agent_books_a_visit_with_a_window(client, agent, center):
    # given a request of a city the center covers
    from aftersales.field import services as network

    network.save_center(center, actor=None, coverage=[network.Coverage(city="上海市")])
    request = open_request(agent)
    client.force_login(agent)
    page = client.get(reverse("service:detail", args=[request.number])).content.decode()
    assert 'id="book-visit"' in page

    # when the agent books tomorrow 14:00–17:00
    day = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("dispatch:book", args=[request.number]),
        {"day": day.isoformat(), "window_from": "14:00", "window_to": "17:00",
         "duration_minutes": "90"},
        follow=True,
    )  # fmt: skip

    # then the visit waits for dispatch, with the window, and the page lists it
    visit = Visit.objects.get(request=request)
    assert (visit.status, visit.day, visit.duration_minutes) == (
        VisitStatus.UNSCHEDULED, day, 90,
    )  # fmt: skip
    assert timezone.localtime(visit.window_start).hour == 14
    html = response.content.decode()
    assert "Visit booked for" in html
    assert f'data-visit="{visit.pk}"' in html
    request.refresh_from_db()
    assert request.needs_visit is True


def test_half_a_window_is_refused_and_nothing_is_booked(client, agent, center):
    request = open_request(agent)
    client.force_login(agent)
    day = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("dispatch:book", args=[request.number]),
        {"day": day.isoformat(), "window_from": "14:00", "duration_minutes": "60"},
        follow=True,
    )
    assert "Give both ends of the time window, or neither." in response.content.decode()
    assert not Visit.objects.exists()


def test_without_a_covering_center_the_agent_is_told(client, agent):
    request = open_request(agent, city="拉萨")
    client.force_login(agent)
    response = client.post(
        reverse("dispatch:book", args=[request.number]),
        {"day": timezone.localdate().isoformat(), "duration_minutes": "60"},
        follow=True,
    )
    assert "No service center covers 拉萨" in response.content.decode()
    assert not Visit.objects.exists()


def test_technicians_and_customers_cannot_book(client, agent, technician, customer_user):
    request = open_request(agent)
    for user in (technician, customer_user):
        client.force_login(user)
        page = client.get(reverse("service:detail", args=[request.number]))
        assert 'id="book-visit"' not in page.content.decode()
        client.post(
            reverse("dispatch:book", args=[request.number]),
            {"day": timezone.localdate().isoformat(), "duration_minutes": "60"},
        )
    assert not Visit.objects.exists()
