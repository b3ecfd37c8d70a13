"""A visit's life in the services: create, schedule, the technician's steps, refusals."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.dispatch import services
from aftersales.dispatch.models import Visit, VisitStatus
from aftersales.dispatch.tests.test_visit_support import *  # noqa: F403 (fixtures)
from aftersales.dispatch.tests.test_visit_support import (
    check_out_fields,
    signature_png,
    today_at,
    tomorrow_at,
)
from aftersales.field.models import Absence, CenterCoverage, Technician
from aftersales.followup.models import FollowUp
from aftersales.notifications.models import OutboundMessage
from aftersales.notifications.services import deliver
from aftersales.service.choices import EventKind
from aftersales.service.models import Attachment
from aftersales.testing.factories import (
    CategoryFactory,
    ServiceCenterFactory,
    ServiceRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def visit_actions(request):
    return [e.data["action"] for e in request.events.filter(kind=EventKind.VISIT)]


def test_a_new_visit_takes_its_defaults_from_the_request(sr, dispatcher, aircon, center):
    # when a dispatcher creates a visit for a request with a unit
    visit = services.create_visit(sr, actor=dispatcher)
    # then it is unscheduled at the request's center, needs the unit's skill, and carries
    # the on-site deadline and the customer's address
    assert visit.status == VisitStatus.UNSCHEDULED
    assert visit.center == center
    assert visit.skill == aircon
    assert visit.onsite_due_at == sr.onsite_due_at
    assert "天河路 1 号" in visit.address
    assert visit_actions(sr) == ["created"]


def test_a_visit_for_a_request_without_a_center_goes_to_the_center_covering_the_city(
    dispatcher, customer
):
    # given a center covering Shanghai and a request that does not need a visit yet
    shanghai = ServiceCenterFactory(code="SH", name="上海中心")
    CenterCoverage.objects.create(center=shanghai, city="上海")
    customer.city = "上海市"
    customer.save()
    request = ServiceRequestFactory(customer=customer)
    # when a visit is created with a window
    window = (tomorrow_at(9), tomorrow_at(12))
    visit = services.create_visit(request, actor=dispatcher, window=window, duration_minutes=90)
    # then the covering center takes it, the request now needs a visit at that center
    request.refresh_from_db()
    assert visit.center == shanghai
    assert visit.day == tomorrow_at(9).date()
    assert visit.duration_minutes == 90
    assert request.needs_visit is True
    assert request.service_center == shanghai


def test_no_visit_when_no_center_covers_the_city(dispatcher, customer):
    customer.city = "拉萨"
    customer.save()
    request = ServiceRequestFactory(customer=customer)
    with pytest.raises(DomainError, match="No service center covers 拉萨"):
        services.create_visit(request, actor=dispatcher)
    assert not Visit.objects.exists()


def test_a_window_that_ends_before_it_starts_is_refused(sr, dispatcher):
    with pytest.raises(DomainError, match="window must end after it starts"):
        services.create_visit(sr, actor=dispatcher, window=(tomorrow_at(12), tomorrow_at(9)))
    assert not Visit.objects.exists()


def test_a_visit_knows_where_it_goes_when_told(sr, dispatcher):
    visit = services.create_visit(sr, actor=dispatcher, location=(31.2304, 121.4737))
    assert (float(visit.latitude), float(visit.longitude)) == (31.2304, 121.4737)


def test_a_position_off_the_map_is_refused_and_nothing_changes(sr, dispatcher):
    version = sr.version
    with pytest.raises(DomainError, match="atitude"):
        services.create_visit(sr, actor=dispatcher, location=(131.0, 121.0))
    sr.refresh_from_db()
    assert not Visit.objects.exists()
    assert sr.version == version


def test_technicians_and_customers_cannot_create_visits(sr, technician, customer_user):
    for user in (technician, customer_user):
        with pytest.raises(NotAllowed):
            services.create_visit(sr, actor=user)
    assert not Visit.objects.exists()


def test_scheduling_tells_the_customer_who_comes_when(visit, tech, dispatcher, sr):
    # when the dispatcher schedules the visit
    start = today_at(10)
    visit = services.schedule(visit, actor=dispatcher, technician=tech, planned_start=start)
    # then it is scheduled for that day and the customer's message is queued
    assert (visit.status, visit.technician, visit.day) == (
        VisitStatus.SCHEDULED,
        tech,
        start.date(),
    )
    message = OutboundMessage.objects.get(event="visit_booked")
    assert message.customer == sr.customer
    assert "13912345678" in message.body
    assert visit_actions(sr) == ["created", "scheduled"]


def test_the_technician_hears_of_a_visit_booked_onto_their_day(visit, tech, dispatcher, sr):
    # given a technician with an email address
    tech.user.email = "li.shifu@example.com"
    tech.user.save(update_fields=["email"])
    # when the dispatcher schedules the visit, then moves it an hour later
    visit = services.schedule(visit, actor=dispatcher, technician=tech, planned_start=today_at(10))
    services.schedule(visit, actor=dispatcher, technician=tech, planned_start=today_at(11))
    # then the technician has two messages, the latest with the new time and the address
    messages = OutboundMessage.objects.filter(event="visit_assigned").order_by("id")
    assert [m.user for m in messages] == [tech.user, tech.user]
    assert messages[0].to_address == tech.user.email
    assert sr.customer.name in messages[1].subject
    assert f"/visits/{visit.pk}/" in messages[1].body
    assert visit.address in messages[1].body


def test_a_technician_without_the_skill_cannot_be_scheduled(visit, center, dispatcher):
    other = Technician.objects.create(
        user=UserFactory(username="washer-tech", role="technician", service_center=center),
        home_center=center,
    )
    other.skills.create(category=CategoryFactory(code="WM", name="洗衣机"))
    with pytest.raises(DomainError, match="has no skill for 空调"):
        services.schedule(visit, actor=dispatcher, technician=other, planned_start=today_at(10))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.UNSCHEDULED and visit.technician is None
    assert not OutboundMessage.objects.filter(event="visit_booked").exists()


def test_an_absent_technician_cannot_be_scheduled(visit, tech, dispatcher):
    day = tomorrow_at(10).date()
    Absence.objects.create(technician=tech, starts_on=day, ends_on=day, reason="sick")
    with pytest.raises(DomainError, match="is absent on"):
        services.schedule(visit, actor=dispatcher, technician=tech, planned_start=tomorrow_at(10))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.UNSCHEDULED


def test_a_technician_of_another_center_cannot_be_scheduled(visit, dispatcher, other_center):
    stranger = Technician.objects.create(
        user=UserFactory(username="far", role="technician", service_center=other_center),
        home_center=other_center,
    )
    with pytest.raises(DomainError, match="another service center"):
        services.schedule(visit, actor=dispatcher, technician=stranger, planned_start=today_at(9))


def test_planned_start_outside_the_window_is_refused(sr, tech, dispatcher):
    visit = services.create_visit(sr, actor=dispatcher, window=(tomorrow_at(9), tomorrow_at(12)))
    with pytest.raises(DomainError, match="outside the window"):
        services.schedule(visit, actor=dispatcher, technician=tech, planned_start=tomorrow_at(14))


def test_a_stale_version_is_refused(visit, tech, dispatcher):
    services.schedule(visit, actor=dispatcher, technician=tech, planned_start=today_at(10))
    with pytest.raises(Conflict):
        services.unschedule(visit, actor=dispatcher, expected_version=1)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED


def test_unschedule_and_cancel(scheduled, dispatcher, sr):
    visit = services.unschedule(scheduled, actor=dispatcher)
    assert (visit.status, visit.technician, visit.planned_start) == (
        VisitStatus.UNSCHEDULED,
        None,
        None,
    )
    with pytest.raises(DomainError, match="Say why"):
        services.cancel(visit, dispatcher, "  ")
    visit = services.cancel(visit, dispatcher, "客户已自行修好")
    assert visit.status == VisitStatus.CANCELLED
    assert visit_actions(sr)[-2:] == ["unscheduled", "cancelled"]
    with pytest.raises(DomainError, match="cannot be cancelled"):
        services.cancel(visit, dispatcher, "again")


def test_check_in_stops_the_on_site_clock_and_records_the_position(scheduled, technician, sr):
    # given the technician travelling to a visit whose on-site deadline is tomorrow
    services.start_travel(scheduled, technician)
    # when they check in at the customer's
    visit = services.check_in(scheduled, technician, "31.230000", "121.470000")
    # then the visit is on site, the request's on-site clock stopped in time
    sr.refresh_from_db()
    assert visit.status == VisitStatus.ON_SITE
    assert sr.arrived_at == visit.checked_in_at
    assert sr.onsite_met is True
    # and the technician's last position is where they checked in
    profile = Technician.objects.get(user=technician)
    assert str(profile.last_latitude) == "31.230000"
    assert visit_actions(sr)[-2:] == ["travel_started", "checked_in"]


def test_check_in_works_without_a_position(scheduled, technician):
    visit = services.check_in(scheduled, technician)
    assert visit.status == VisitStatus.ON_SITE and visit.check_in_latitude is None


def test_a_position_out_of_range_is_refused(scheduled, technician):
    with pytest.raises(DomainError, match="latitude must be between"):
        services.check_in(scheduled, technician, "123", "121")
    scheduled.refresh_from_db()
    assert scheduled.status == VisitStatus.SCHEDULED


def test_steps_out_of_order_are_refused(visit, technician, dispatcher):
    with pytest.raises(DomainError, match="unscheduled cannot be started"):
        services.start_travel(visit, dispatcher)
    with pytest.raises(DomainError, match="cannot be checked out"):
        services.check_out(visit, dispatcher, **check_out_fields())


def test_another_technician_cannot_take_the_steps(scheduled, center):
    stranger = UserFactory(username="someone", role="technician", service_center=center)
    with pytest.raises(NotAllowed):
        services.start_travel(scheduled, stranger)


def test_check_out_completes_the_visit(on_site, technician, sr):
    # when the technician checks out with the customer's signature
    visit = services.check_out(on_site, technician, **check_out_fields())
    # then the visit is completed with everything recorded
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED
    assert visit.customer_rating == 5 and visit.first_time_fix is True
    assert visit.signature.read().startswith(b"\x89PNG")
    # and the work done is a public timeline entry
    done = sr.events.get(kind=EventKind.VISIT, data__action="checked_out")
    assert done.is_public and "更换启动电容" in done.body
    # and the signed form is filed on the request for the customer to read
    form = Attachment.objects.get(request=sr)
    assert form.content_type == "application/pdf" and form.visibility == "public"
    # and the customer's message is queued
    message = OutboundMessage.objects.get(event="request_resolved", customer=sr.customer)
    assert "更换启动电容" in message.body
    # with the signed form attached to the email, which goes out with the PDF
    assert list(message.attachments.all()) == [form]
    deliver(message.pk)
    sent = mail.outbox[-1]
    assert sent.to == [sr.customer.email]
    [(name, content, mimetype)] = sent.attachments
    assert (name, mimetype) == (form.original_name, "application/pdf")
    assert content.startswith(b"%PDF")
    # and a follow-up call is due three days later at 18:00 local time
    follow_up = FollowUp.objects.get(visit=visit)
    due = timezone.localtime(follow_up.due_at)
    assert due.date() == timezone.localdate(visit.checked_out_at) + datetime.timedelta(days=3)
    assert (due.hour, due.minute) == (18, 0)
    assert follow_up.status == "open"


def test_a_visit_completed_at_a_partner_center_earns_its_fee(on_site, technician, sr):
    from decimal import Decimal

    from aftersales.settlement.models import FeeAccrual, FeeRate

    # given the visit's center is an authorised partner paid 80 for a repair
    center = on_site.center
    center.kind = "partner"
    center.save()
    FeeRate.objects.create(
        center=None, kind=sr.kind, amount=Decimal("80"), valid_from=datetime.date(2020, 1, 1)
    )
    # when the technician checks out
    services.check_out(on_site, technician, **check_out_fields())
    # then the partner's fee is accrued for this month's statement
    accrual = FeeAccrual.objects.get(visit=on_site)
    assert (accrual.center, accrual.amount) == (center, Decimal("80.00"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"work_done": " "}, "Describe the work done"),
        ({"customer_rating": 6}, "rating is 1 to 5"),
        ({"customer_rating": "x"}, "rating is 1 to 5"),
        ({"first_time_fix": False}, "why it was not fixed"),
        ({"signature_png_bytes": b""}, "customer must sign"),
        ({"signed_by": ""}, "Write who signed"),
        ({"signature_png_bytes": b"GIF89a not a png"}, "not a PNG"),
        ({"signature_png_bytes": "data:image/png;base64,@@@"}, "not a PNG"),
        ({"signature_png_bytes": b"\x89PNG" + b"0" * (1024 * 1024)}, "larger than 1 MB"),
    ],
)
def test_check_out_refusals_change_nothing(on_site, technician, sr, overrides, message):
    with pytest.raises(DomainError, match=message):
        services.check_out(on_site, technician, **check_out_fields(**overrides))
    on_site.refresh_from_db()
    assert on_site.status == VisitStatus.ON_SITE and not on_site.signature
    assert not FollowUp.objects.exists()
    assert not Attachment.objects.exists()
    assert not OutboundMessage.objects.filter(event="request_resolved").exists()


def test_no_signature_needed_when_the_customer_is_absent(on_site, technician):
    visit = services.check_out(
        on_site,
        technician,
        **check_out_fields(
            first_time_fix=False,
            not_fixed_reason="customer_absent",
            signature_png_bytes=b"",
            signed_by="",
            customer_rating=None,
        ),
    )
    assert visit.status == VisitStatus.COMPLETED
    assert visit.not_fixed_reason == "customer_absent" and not visit.signature


def test_a_visit_that_could_not_fix_it_is_reported_not_resolved(on_site, technician, sr):
    # when the technician finds the compressor broken and needs the part
    services.check_out(
        on_site,
        technician,
        **check_out_fields(
            first_time_fix=False, not_fixed_reason="parts", work_done="检测为压缩机故障"
        ),
    )
    # then the customer is not told the request is resolved, but gets the visit's report
    # with the reason and the signed form
    assert not OutboundMessage.objects.filter(event="request_resolved").exists()
    report = OutboundMessage.objects.get(event="visit_report", customer=sr.customer)
    assert "检测为压缩机故障" in report.body and "需要配件" in report.body
    assert report.attachments.get().content_type == "application/pdf"


def test_a_signature_as_a_data_url_is_decoded(on_site, technician):
    import base64

    url = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    services.check_out(on_site, technician, **check_out_fields(signature_png_bytes=url))
    on_site.refresh_from_db()
    assert on_site.signature.read().startswith(b"\x89PNG")
