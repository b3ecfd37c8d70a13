"""Several people at once: two complaints of one customer at the same moment are counted
(one is a repeat), a complaint is signed off once, steps at once never overwrite each
other silently. PostgreSQL only (real concurrent connections)."""

import pytest

from aftersales.complaints import services
from aftersales.complaints.models import Complaint, ComplaintEvent
from aftersales.complaints.tests.conftest import handle, open_complaint
from aftersales.core.errors import Conflict
from aftersales.testing.concurrency import needs_postgres, run_together

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def test_two_complaints_of_one_customer_at_once_flag_the_second(agent, manager, customer):
    results = run_together(
        lambda user: open_complaint(user, customer, subject="同时投诉"), [(agent,), (manager,)]
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(Complaint.objects.values_list("repeat", flat=True)) == [False, True]


def test_a_complaint_is_signed_off_once(agent, manager, admin_user, customer):
    complaint = handle(open_complaint(agent, customer), agent)
    results = run_together(
        lambda user: services.sign_off(complaint, user), [(manager,), (admin_user,)]
    )
    done = [r for r in results if isinstance(r, Complaint)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(done), len(refused)) == (1, 1), results
    assert ComplaintEvent.objects.filter(action="signed_off").count() == 1


def test_root_causes_written_at_once_from_the_same_version_keep_one(agent, manager, customer):
    complaint = open_complaint(agent, customer)

    def write(user, cause):
        return services.record_cause(
            complaint, user, root_cause=cause, corrective_action=cause, expected_version=1
        )

    results = run_together(write, [(agent, "late"), (manager, "price")])
    done = [r for r in results if isinstance(r, Complaint)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(done), len(refused)) == (1, 1), results
    complaint.refresh_from_db()
    assert complaint.root_cause == done[0].root_cause and complaint.version == 2
