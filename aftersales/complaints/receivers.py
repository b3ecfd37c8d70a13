"""What the complaints app does when a request moves: it refuses resolving a complaint
before its steps are recorded and closing it without a sign-off, and a reopened complaint
needs a new sign-off."""

from aftersales.service.choices import Kind, Status
from aftersales.service.signals import checking_move, status_changed

REOPENED_FROM = (Status.RESOLVED, Status.CLOSED)


def _on_checking_move(sender, request, source, target, actor, **kwargs):
    from aftersales.complaints import services

    services.check_move(request, target)


def _on_status_changed(sender, request, source, target, actor, at, **kwargs):
    if request.kind != Kind.COMPLAINT:
        return
    if source in REOPENED_FROM and target in (Status.IN_PROGRESS, Status.TRIAGED):
        from aftersales.complaints import services

        services.void_sign_off(request, actor)


def connect() -> None:
    checking_move.connect(_on_checking_move, dispatch_uid="complaints.checking_move")
    status_changed.connect(_on_status_changed, dispatch_uid="complaints.status_changed")
