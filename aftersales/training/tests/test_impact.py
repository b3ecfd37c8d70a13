"""The impact page: operation-error requests before and after a customer's first
attended session, per customer and overall, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.testing.factories import (
    ContactFactory,
    ServiceRequestFactory,
    TrainingSessionFactory,
)
from aftersales.training import impact
from aftersales.training.models import Enrolment

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


def _trained(course, customer, days_ago, attendance="attended"):
    session = TrainingSessionFactory(
        course=course, starts_at=NOW - days_ago * DAY, status="held"
    )  # fmt: skip
    Enrolment.objects.create(
        session=session, contact=ContactFactory(customer=customer), customer=customer,
        attendance=attendance,
    )  # fmt: skip
    return session


def _errors(customer, *days_ago, diagnosis="operation"):
    for d in days_ago:
        ServiceRequestFactory(customer=customer, diagnosis=diagnosis, received_at=NOW - d * DAY)


@pytest.fixture
def data(course):
    a = ContactFactory(customer__name="甲公司").customer
    b = ContactFactory(customer__name="乙公司").customer
    c = ContactFactory(customer__name="丙公司").customer
    _trained(course, a, 200)
    _trained(course, a, 100)  # a later session: the first one counts
    _errors(a, 390, 350, 250, 210, 150)  # 390: too early; 350, 250, 210 before; 150 after
    _errors(a, 300, diagnosis="hardware")  # not an operation error
    _trained(course, b, 30)
    _errors(b, 40, 10, 5)
    _trained(course, c, 20, attendance="absent")  # never attended: not counted
    _errors(c, 10)
    return a, b, c


def test_counts_before_and_after(data, django_assert_max_num_queries):
    a, b, c = data
    with django_assert_max_num_queries(3):
        figures = impact.impact(180, now=NOW)
    rows = {r.customer_id: r for r in figures.rows}
    assert set(rows) == {a.pk, b.pk}
    assert (rows[a.pk].before, rows[a.pk].after, rows[a.pk].complete) == (3, 1, True)
    assert (rows[b.pk].before, rows[b.pk].after, rows[b.pk].complete) == (1, 2, False)
    assert (figures.before, figures.after, figures.change) == (4, 3, -1)


def test_window_is_a_parameter(data):
    a, b, _c = data
    rows = {r.customer_id: r for r in impact.impact(30, now=NOW).rows}
    assert (rows[a.pk].before, rows[a.pk].after) == (1, 0)  # 210 days ago only
    assert (rows[b.pk].before, rows[b.pk].after) == (1, 2)


def test_page_and_downloads(client, manager, data):
    client.force_login(manager)
    html = client.get(reverse("training:impact")).content.decode()
    assert 'id="total-before">4<' in html and 'id="total-after">3<' in html
    csv = client.get(reverse("training:impact"), {"days": 180, "export": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert "甲公司" in text and "乙公司" in text and "丙公司" not in text
    assert client.get(reverse("training:impact"), {"export": "xlsx"}).status_code == 200


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "dispatcher"])
def test_back_office_reads_impact(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("training:impact")).status_code == 200


@pytest.mark.parametrize("role", ["technician", "partner", "customer"])
def test_others_refused_impact(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("training:impact")).status_code == 403
