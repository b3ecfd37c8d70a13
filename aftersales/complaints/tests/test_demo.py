"""The demo loader gives complaint requests their complaints, once."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from aftersales.complaints.models import Complaint
from aftersales.service.choices import Status
from aftersales.testing.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


def test_demo_complaints_have_their_steps_and_repeat_flag(manager, customer, repair):
    now = timezone.now()
    first = ServiceRequestFactory(
        customer=customer, kind="complaint", status=Status.CLOSED, closed_at=now,
        received_at=now - datetime.timedelta(days=10),
    )  # fmt: skip
    second = ServiceRequestFactory(customer=customer, kind="complaint", status=Status.NEW)
    call_command("load_complaints_demo")
    closed, new = first.complaint, Complaint.objects.get(request=second)
    assert closed.signed_off_by == manager and closed.root_cause and closed.apology_at
    assert closed.about_request is None and new.about_request == repair  # the earlier one
    assert closed.repeat is False and new.repeat is True and new.previous == closed
    assert list(closed.events.values_list("action", flat=True)) == [
        "opened", "apology", "cause", "signed_off",
    ]  # fmt: skip
    call_command("load_complaints_demo")
    assert Complaint.objects.count() == 2
