import pytest


@pytest.fixture
def request_in(db, technician):
    """Build a request already in `status`, with what that status implies (assignee, dates)."""
    from django.utils import timezone

    from aftersales.service.choices import ResolutionType, Status
    from aftersales.testing.factories import ServiceRequestFactory

    def build(status=Status.NEW, **fields):
        now = timezone.now()
        values = {"status": status, "version": 1}
        if status not in (Status.NEW, Status.TRIAGED):
            values["assignee"] = technician
        if status in (Status.RESOLVED, Status.CLOSED):
            values |= {
                "resolved_at": now,
                "resolution_type": ResolutionType.REMOTE,
                "resolution_summary": "重启后恢复正常",
            }
        if status == Status.CLOSED:
            values["closed_at"] = now
        if status == Status.CANCELLED:
            values["cancel_reason"] = "客户已自行解决"
        return ServiceRequestFactory(**(values | fields))

    return build


@pytest.fixture
def row_of():
    """Everything stored about a request (its row, fault codes and events), to compare."""
    from aftersales.service.models import ServiceRequest

    def snapshot(request):
        row = ServiceRequest.objects.filter(pk=request.pk).values().get()
        codes = sorted(request.fault_codes.values_list("pk", flat=True))
        events = list(request.events.values_list("pk", flat=True))
        return row, codes, events

    return snapshot
