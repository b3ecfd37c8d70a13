"""The technician's phone pages: today's route, one visit with its steps, the signed PDF,
and who may open them."""

import base64
import io

import pytest
from pypdf import PdfReader

from aftersales.dispatch import services
from aftersales.dispatch.models import VisitStatus
from aftersales.dispatch.tests.test_visit_support import *  # noqa: F403 (fixtures)
from aftersales.dispatch.tests.test_visit_support import (
    check_out_fields,
    signature_png,
    today_at,
)
from aftersales.testing.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_visit(partner_center, dispatcher, customer):
    request = ServiceRequestFactory(customer=customer, service_center=partner_center)
    return services.create_visit(request, actor=dispatcher)


def test_today_lists_the_technicians_visits_in_route_order(
    client, technician, scheduled, sr, dispatcher, tech, django_assert_max_num_queries
):
    # given a second, earlier visit in the route and an earlier repair of the unit
    ServiceRequestFactory(customer=sr.customer, unit=sr.unit, subject="去年换过电容")
    second = services.create_visit(sr, actor=dispatcher)
    services.schedule(
        second, actor=dispatcher, technician=tech, planned_start=today_at(8), sequence=1
    )
    services.unschedule(scheduled, actor=dispatcher)
    services.schedule(
        scheduled, actor=dispatcher, technician=tech, planned_start=today_at(10), sequence=2
    )
    client.force_login(technician)
    with django_assert_max_num_queries(12):
        response = client.get("/visits/")
    assert response.status_code == 200
    html = response.content.decode()
    # then both visits show in route order with the customer's phone and the unit's history
    assert html.index(f'id="visit-{second.pk}"') < html.index(f'id="visit-{scheduled.pk}"')
    assert f"tel:{sr.customer.phone}" in html
    assert "去年换过电容" in html


def test_today_takes_a_bounded_number_of_queries(
    client, dispatcher, sr, tech, django_assert_max_num_queries
):
    for hour in range(8, 14):
        visit = services.create_visit(sr, actor=dispatcher)
        services.schedule(visit, actor=dispatcher, technician=tech, planned_start=today_at(hour))
    client.force_login(dispatcher)
    with django_assert_max_num_queries(12):
        response = client.get("/visits/")
    assert response.content.decode().count('class="card mb-3 tech-visit"') == 6


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("manager", 200),
        ("agent", 200),
        ("dispatcher", 200),
        ("technician", 200),
        ("partner", 404),
        ("customer", 403),
    ],
)
def test_who_may_open_a_visit(client, users, role, status, scheduled):
    client.force_login(users[role])
    assert client.get(f"/visits/{scheduled.pk}/").status_code == status


def test_partner_staff_open_their_centers_visit_but_not_anothers(
    client, partner, other_partner, partner_visit
):
    client.force_login(partner)
    assert client.get(f"/visits/{partner_visit.pk}/").status_code == 200
    client.force_login(other_partner)
    assert client.get(f"/visits/{partner_visit.pk}/").status_code == 404


def test_customers_cannot_open_the_day(client, customer_user):
    client.force_login(customer_user)
    assert client.get("/visits/").status_code == 403


def test_the_technician_takes_the_steps_on_the_page(client, technician, scheduled, sr):
    client.force_login(technician)
    url = f"/visits/{scheduled.pk}/"
    page = client.get(url).content.decode()
    assert 'id="start-travel"' in page and "dispatch/visit.js" in page
    response = client.post(url + "start-travel/", {"version": scheduled.version})
    assert response.status_code == 302
    response = client.post(
        url + "check-in/", {"version": scheduled.version + 1, "latitude": "31.2", "longitude": ""}
    )
    scheduled.refresh_from_db()
    assert scheduled.status == VisitStatus.TRAVELLING  # half a position is refused
    response = client.post(
        url + "check-in/",
        {"version": scheduled.version, "latitude": "31.2", "longitude": "121.4"},
    )
    scheduled.refresh_from_db()
    assert scheduled.status == VisitStatus.ON_SITE
    page = client.get(url).content.decode()
    assert "data-signature-pad" in page
    data_url = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    response = client.post(
        url + "check-out/",
        {
            "version": scheduled.version,
            "work_done": "更换四通阀",
            "fixed": "yes",
            "customer_rating": "5",
            "signed_by": "王小明",
            "signature": data_url,
        },
    )
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == VisitStatus.COMPLETED and scheduled.signature


def test_a_check_out_without_signature_shows_the_error(client, technician, on_site):
    client.force_login(technician)
    response = client.post(
        f"/visits/{on_site.pk}/check-out/",
        {"version": on_site.version, "work_done": "清洗", "fixed": "yes", "signed_by": "王"},
    )
    assert response.status_code == 400
    assert "The customer must sign." in response.content.decode()
    on_site.refresh_from_db()
    assert on_site.status == VisitStatus.ON_SITE


def test_a_stale_step_says_so(client, technician, scheduled):
    client.force_login(technician)
    response = client.post(f"/visits/{scheduled.pk}/start-travel/", {"version": 1}, follow=True)
    assert "Someone else changed this visit" in response.content.decode()


def test_the_signed_form_pdf_has_the_customer_and_the_work(client, technician, on_site, sr):
    services.check_out(on_site, technician, **check_out_fields())
    client.force_login(technician)
    response = client.get(f"/visits/{on_site.pk}/form.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert sr.customer.name in text
    assert "更换启动电容" in text
    assert reader.pages[0].images  # the signature is drawn on the form


def test_the_pdf_is_refused_to_others(client, other_partner, customer_user, on_site, technician):
    services.check_out(on_site, technician, **check_out_fields())
    client.force_login(other_partner)
    assert client.get(f"/visits/{on_site.pk}/form.pdf").status_code == 404
    client.force_login(customer_user)
    assert client.get(f"/visits/{on_site.pk}/form.pdf").status_code == 403


def test_no_pdf_before_the_visit_is_done(client, technician, on_site):
    client.force_login(technician)
    assert client.get(f"/visits/{on_site.pk}/form.pdf").status_code == 404
