"""`manage.py generate_data`: what a user of the generated data would check."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.core.scale.calendar import CHINA
from aftersales.core.scale.generator import generate
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.followup.models import Survey
from aftersales.service.choices import OPEN_STATUSES, EventKind, Status
from aftersales.service.models import ServiceRequest, TimelineEvent
from aftersales.service.services import request_number

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def generated():
    return generate(300, seed=7, now=NOW)


def test_counts_and_one_created_event_each(generated):
    assert generated.requests == ServiceRequest.objects.count() == 300
    created = TimelineEvent.objects.filter(kind=EventKind.CREATED)
    assert created.count() == 300
    assert created.values("request").distinct().count() == 300
    assert generated.units and generated.customers and generated.visits and generated.surveys
    assert ServiceRequest.objects.filter(fault_codes__isnull=False).exists()


def test_requests_span_three_years_before_now(generated):
    first = ServiceRequest.objects.order_by("received_at").first().received_at
    last = ServiceRequest.objects.order_by("received_at").last().received_at
    assert NOW - datetime.timedelta(days=3 * 365 + 1) <= first < NOW - datetime.timedelta(days=900)
    assert NOW - datetime.timedelta(days=30) < last <= NOW


def test_status_fits_age(generated):
    old = ServiceRequest.objects.filter(received_at__lt=NOW - datetime.timedelta(days=45))
    assert old.exists()
    assert set(old.values_list("status", flat=True)) <= {Status.CLOSED, Status.CANCELLED}
    assert not ServiceRequest.objects.filter(status__in=OPEN_STATUSES, closed_at__isnull=False)
    closed = ServiceRequest.objects.filter(status=Status.CLOSED)
    assert not closed.filter(resolved_at__isnull=True)
    assert not closed.filter(closed_at__lt=F("resolved_at"))
    assert not ServiceRequest.objects.filter(resolved_at__lt=F("received_at"))
    assert not ServiceRequest.objects.filter(resolved_at__gt=NOW)


def test_sla_flags_follow_the_times(generated):
    for row in ServiceRequest.objects.all():
        if row.first_response_at:
            assert row.response_met == (row.first_response_at <= row.response_due_at)
        else:
            assert row.response_met is None
        if row.resolved_at:
            assert row.resolution_met == (row.resolved_at <= row.resolution_due_at)
        if row.arrived_at:
            assert row.onsite_met == (row.arrived_at <= row.onsite_due_at)
        assert row.status == Status.NEW or row.assignee_id


def test_units_bought_before_their_requests_and_visits_by_the_centers_staff(generated):
    for row in ServiceRequest.objects.select_related("unit"):
        assert row.unit.purchased_on <= row.received_at.astimezone(CHINA).date()
        assert row.customer_id == row.unit.customer_id
    for visit in Visit.objects.select_related("technician"):
        assert visit.technician.home_center_id == visit.center_id
    made = Visit.objects.filter(status=VisitStatus.COMPLETED)
    assert not made.filter(checked_in_at__lt=F("request__received_at"))
    assert set(Survey.objects.values_list("request__status", flat=True)) == {Status.CLOSED}


def test_seasons_show(generated):
    months = Counter(
        moment.astimezone(CHINA).month
        for moment in ServiceRequest.objects.values_list("received_at", flat=True)
    )
    # Summer (air conditioners) is busier than the Spring Festival months.
    assert months[7] + months[8] > 1.4 * (months[1] + months[2])


def test_numbers_unique_and_the_counter_continues(generated):
    numbers = list(ServiceRequest.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 300
    for row in ServiceRequest.objects.all():
        assert row.number.startswith(f"SR-{row.received_at.astimezone(CHINA).year}-")
    latest = max(numbers, key=lambda number: (number[3:7], int(number[8:])))
    year = int(latest[3:7])
    following = request_number(datetime.datetime(year, 6, 1, tzinfo=CHINA))
    assert int(following[8:]) > int(latest[8:])


def test_runs_again_on_its_own_data_and_the_command_reports(generated):
    out = StringIO()
    call_command("generate_data", "--requests", "50", "--seed", "8", "--no-progress", stdout=out)
    assert "50 requests" in out.getvalue()
    assert ServiceRequest.objects.count() == 350
    assert User.objects.filter(username="sim-agent-01").count() == 1


def test_next_to_the_demo_numbers_continue(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())
    demo_requests = ServiceRequest.objects.count()
    generate(200, seed=3)
    assert ServiceRequest.objects.count() == demo_requests + 200
    numbers = ServiceRequest.objects.values_list("number", flat=True)
    assert len(set(numbers)) == len(numbers)
    this_year = timezone.localtime().year
    taken = [int(n[8:]) for n in numbers if n.startswith(f"SR-{this_year}-")]
    following = request_number(timezone.now())
    assert int(following[8:]) > max(taken)
