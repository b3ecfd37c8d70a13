"""The portal's pages: who gets in, what the customer sees first, and nobody else's things."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.service.choices import Status
from aftersales.testing.factories import ServiceRequestFactory, UnitFactory
from aftersales.warranty.dates import add_months

pytestmark = pytest.mark.django_db


def test_customers_landing_on_home_go_to_the_portal(portal):
    assert portal.get(reverse("home")).url == reverse("portal:home")


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "dispatcher", "technician"])
def test_staff_opening_the_portal_are_sent_to_the_staff_pages(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url == reverse("home")


def test_anonymous_visitors_are_sent_to_login(client):
    for name in ("portal:home", "portal:units", "portal:new", "portal:requests"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_customer_login_without_a_customer_is_refused(client, django_user_model):
    from aftersales.testing.factories import UserFactory

    client.force_login(UserFactory(role="customer", customer=None))
    assert client.get(reverse("portal:home")).status_code == 403


def test_home_shows_open_requests_first_then_finished_and_the_units(portal, customer, unit, center):
    done = ServiceRequestFactory(customer=customer, subject="已修好的", status=Status.CLOSED)
    waiting = ServiceRequestFactory(
        customer=customer, subject="等您回复", status=Status.WAITING_CUSTOMER
    )
    new = ServiceRequestFactory(customer=customer, subject="刚提交的", unit=unit)
    Visit.objects.create(
        request=new,
        center=center,
        status=VisitStatus.SCHEDULED,
        planned_start=timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30)),
    )
    page = portal.get(reverse("portal:home")).content.decode()
    assert page.index(new.subject) < page.index(done.subject)
    assert page.index(waiting.subject) < page.index(done.subject)
    assert "We need an answer from you" in page
    assert "We have received your request" in page
    assert "Visit booked: 2026-03-02 09:30" in page
    assert "Ask for service" in page
    repair_until = add_months(unit.purchased_on, 12)
    assert unit.serial_number in page
    assert f"Warranty until {repair_until:%Y-%m-%d}" in page


def test_nobody_else_s_requests_or_units_show(portal, other_request, other_unit):
    for name in ("portal:home", "portal:requests", "portal:units"):
        page = portal.get(reverse(name)).content.decode()
        assert other_request.number not in page
        assert other_unit.serial_number not in page


def test_another_customers_request_or_unit_in_the_url_is_not_found(
    portal, other_request, other_unit
):
    number = other_request.number
    assert portal.get(reverse("portal:request", args=[number])).status_code == 404
    assert portal.get(reverse("portal:unit", args=[other_unit.pk])).status_code == 404
    for name in ("portal:reply", "portal:cancel"):
        assert (
            portal.post(reverse(name, args=[number]), {"body": "x", "reason": "x"}).status_code
            == 404
        )
    assert portal.get(reverse("portal:request", args=["SR-2026-999999"])).status_code == 404


def test_a_company_contacts_login_sees_the_companys_units(client, product):
    from aftersales.customers.models import CustomerKind
    from aftersales.testing.factories import CustomerFactory, UserFactory

    company = CustomerFactory(kind=CustomerKind.COMPANY, name="华东制造")
    unit = UnitFactory(customer=company, product=product)
    client.force_login(UserFactory(role="customer", customer=company))
    assert unit.serial_number in client.get(reverse("portal:units")).content.decode()


def _fill(customer, product, center, n):
    for i in range(n):
        unit = UnitFactory(customer=customer, product=product)
        request = ServiceRequestFactory(customer=customer, unit=unit)
        Visit.objects.create(
            request=request,
            center=center,
            status=VisitStatus.SCHEDULED,
            day=datetime.date(2026, 3, i + 1),
        )
        ServiceRequestFactory(customer=customer, status=Status.CLOSED)


@pytest.mark.parametrize("name", ["portal:home", "portal:requests", "portal:units"])
def test_lists_take_a_bounded_number_of_queries(
    portal, customer, product, center, name, django_assert_max_num_queries
):
    _fill(customer, product, center, 3)
    with django_assert_max_num_queries(14) as few:
        portal.get(reverse(name))
    _fill(customer, product, center, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        portal.get(reverse(name))
