"""What the follow-up app does when a request changes: resolving schedules the call,
reopening by other means drops the call about the old resolution."""

from aftersales.service.choices import Status
from aftersales.service.signals import status_changed


def _on_status_changed(sender, request, source, target, actor, at, **kwargs):
    from aftersales.followup import services

    if target == Status.RESOLVED:
        services.schedule(request, at=at)
    elif source in (Status.RESOLVED, Status.CLOSED) and target not in (Status.CLOSED,):
        services.cancel_open(request)


def connect() -> None:
    status_changed.connect(_on_status_changed, dispatch_uid="followup.status_changed")
