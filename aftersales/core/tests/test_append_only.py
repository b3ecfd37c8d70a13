"""History rows are written once: no update or delete, by instance or by queryset."""

import pytest
from django.db import transaction

from aftersales.assets.models import UnitEvent
from aftersales.customers.models import CustomerEvent
from aftersales.service.models import TimelineEvent
from aftersales.testing.factories import CustomerFactory, ServiceRequestFactory, UnitFactory


def timeline_event(agent):
    request = ServiceRequestFactory()
    return TimelineEvent.objects.create(request=request, kind="comment", actor=agent, body="原文")


def customer_event(agent):
    return CustomerEvent.objects.create(
        customer=CustomerFactory(), kind="note", actor=agent, body="原文"
    )


def unit_event(agent):
    return UnitEvent.objects.create(unit=UnitFactory(), kind="registered", actor=agent, body="原文")


HISTORIES = [
    pytest.param(timeline_event, id="TimelineEvent"),
    pytest.param(customer_event, id="CustomerEvent"),
    pytest.param(unit_event, id="UnitEvent"),
]


def stored(event):
    return type(event).objects.filter(pk=event.pk).values().get()


@pytest.mark.parametrize("make", HISTORIES)
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda e: (setattr(e, "body", "改过"), e.save()), id="instance.save"),
        pytest.param(lambda e: e.save(update_fields=["body"]), id="instance.save(update_fields)"),
        pytest.param(lambda e: e.delete(), id="instance.delete"),
        pytest.param(lambda e: type(e).objects.filter(pk=e.pk).update(body="改过"), id="qs.update"),
        pytest.param(lambda e: type(e).objects.all().delete(), id="qs.delete"),
        pytest.param(
            lambda e: type(e).objects.bulk_update([e], ["body"]), id="manager.bulk_update"
        ),
        pytest.param(
            lambda e: type(e).objects.update_or_create(pk=e.pk, defaults={"body": "改过"}),
            id="manager.update_or_create",
        ),
    ],
)
def test_history_cannot_be_changed_or_deleted(make, change, agent):
    # given a history row
    event = make(agent)
    before = stored(event)

    # when someone tries to change or remove it
    with pytest.raises(TypeError, match="rows are history and cannot be"), transaction.atomic():
        change(event)

    # then it is still there, as written
    assert stored(event) == before


def test_history_cannot_be_changed_through_its_owner(agent):
    # given
    event = timeline_event(agent)
    request = event.request

    # when / then: the related manager is the same append-only kind
    with pytest.raises(TypeError):
        request.events.update(body="改过")
    with pytest.raises(TypeError):
        request.events.all().delete()
    assert stored(event)["body"] == "原文"


@pytest.mark.parametrize("make", HISTORIES)
def test_history_can_be_appended_and_read(make, agent):
    # when
    event = make(agent)

    # then
    assert type(event).objects.filter(pk=event.pk, body="原文").exists()
    assert type(event).objects.bulk_create([type(event)(**_copy(event))])


def _copy(event):
    fields = {f.attname: getattr(event, f.attname) for f in event._meta.concrete_fields}
    fields.pop("id")
    return fields
