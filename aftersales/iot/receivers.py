"""What the monitoring app hears from the service app: a request done frees its alarm."""

from aftersales.service.choices import DONE_STATUSES
from aftersales.service.signals import status_changed


def _on_status_changed(sender, request, source, target, actor=None, at=None, **kwargs):
    """Resolved, closed or cancelled: the unit's next hit of the rule opens a new request."""
    if target in DONE_STATUSES:
        from aftersales.iot.services import clear_for_request

        clear_for_request(request, at)


def connect() -> None:
    status_changed.connect(_on_status_changed, dispatch_uid="iot.status_changed")
