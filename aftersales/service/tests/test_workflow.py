"""The state machine on its own: which status may follow which, and what each move needs."""

import itertools

import pytest

from aftersales.service import workflow
from aftersales.service.choices import DONE_STATUSES, OPEN_STATUSES, Status

S = Status

# The workflow as the issue describes it, written out pair by pair so that a change to
# the table in workflow.py has to be made here too, on purpose.
ALLOWED = {
    (S.NEW, S.TRIAGED),
    (S.NEW, S.ASSIGNED),
    (S.NEW, S.IN_PROGRESS),
    (S.NEW, S.RESOLVED),
    (S.NEW, S.CANCELLED),
    (S.TRIAGED, S.ASSIGNED),
    (S.TRIAGED, S.IN_PROGRESS),
    (S.TRIAGED, S.RESOLVED),
    (S.TRIAGED, S.CANCELLED),
    (S.ASSIGNED, S.IN_PROGRESS),
    (S.ASSIGNED, S.TRIAGED),
    (S.ASSIGNED, S.RESOLVED),
    (S.ASSIGNED, S.CANCELLED),
    (S.IN_PROGRESS, S.WAITING_CUSTOMER),
    (S.IN_PROGRESS, S.WAITING_PARTS),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.WAITING_CUSTOMER, S.IN_PROGRESS),
    (S.WAITING_CUSTOMER, S.RESOLVED),
    (S.WAITING_CUSTOMER, S.CANCELLED),
    (S.WAITING_PARTS, S.IN_PROGRESS),
    (S.WAITING_PARTS, S.CANCELLED),
    (S.RESOLVED, S.CLOSED),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.RESOLVED, S.TRIAGED),
    (S.CLOSED, S.IN_PROGRESS),
    (S.CLOSED, S.TRIAGED),
}
ALL_PAIRS = list(itertools.product(Status.values, repeat=2))


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_transition_table(source, target):
    # given a pair of statuses
    # when the workflow is asked whether the move is allowed
    allowed = workflow.is_allowed(source, target)

    # then it answers as the state machine says
    assert allowed == ((source, target) in ALLOWED)
    assert (target in workflow.next_statuses(source)) == allowed


def test_every_status_has_an_entry_and_cancelled_is_final():
    # given / when / then
    assert set(workflow.TRANSITIONS) == set(Status.values)
    assert workflow.next_statuses(S.CANCELLED) == ()
    assert workflow.next_statuses("no-such-status") == ()


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_anything_open_can_be_cancelled(status):
    assert workflow.is_allowed(status, S.CANCELLED)


@pytest.mark.parametrize("status", sorted(DONE_STATUSES))
def test_finished_requests_cannot_be_cancelled(status):
    assert not workflow.is_allowed(status, S.CANCELLED)


@pytest.mark.parametrize(
    ("source", "target", "needs"),
    [
        (S.NEW, S.ASSIGNED, {"assignee"}),
        (S.TRIAGED, S.IN_PROGRESS, {"assignee"}),
        (S.IN_PROGRESS, S.RESOLVED, {"resolution"}),
        (S.NEW, S.CANCELLED, {"reason"}),
        (S.RESOLVED, S.IN_PROGRESS, {"reason", "assignee", "reopen"}),
        (S.CLOSED, S.TRIAGED, {"reason", "reopen"}),
        (S.RESOLVED, S.CLOSED, set()),
        (S.IN_PROGRESS, S.WAITING_PARTS, set()),
        (S.ASSIGNED, S.TRIAGED, {"clears_assignee"}),
    ],
)
def test_what_a_move_needs(source, target, needs):
    # given a move
    move = workflow.Move(source, target)

    # when / then its requirements are exactly these
    assert move.needs_assignee == ("assignee" in needs)
    assert move.needs_resolution == ("resolution" in needs)
    assert move.needs_reason == ("reason" in needs)
    assert move.is_reopen == ("reopen" in needs)
    assert move.clears_assignee == ("clears_assignee" in needs)


@pytest.mark.parametrize(
    ("source", "target", "label"),
    [
        (S.NEW, S.TRIAGED, "Triage"),
        (S.NEW, S.ASSIGNED, "Assign"),
        (S.ASSIGNED, S.IN_PROGRESS, "Start work"),
        (S.WAITING_PARTS, S.IN_PROGRESS, "Resume work"),
        (S.WAITING_CUSTOMER, S.IN_PROGRESS, "Resume work"),
        (S.ASSIGNED, S.TRIAGED, "Unassign"),
        (S.RESOLVED, S.IN_PROGRESS, "Reopen"),
        (S.CLOSED, S.TRIAGED, "Reopen for triage"),
        (S.RESOLVED, S.CLOSED, "Close"),
        (S.NEW, S.CANCELLED, "Cancel request"),
    ],
)
def test_button_labels(source, target, label):
    assert workflow.Move(source, target).label == label


@pytest.mark.parametrize("pair", sorted(ALLOWED))
def test_every_allowed_move_has_a_label(pair):
    assert workflow.Move(*pair).label
