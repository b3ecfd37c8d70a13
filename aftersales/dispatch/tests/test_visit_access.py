"""Who sees and acts on which visit, role by role."""

import pytest

from aftersales.core.errors import NotAllowed
from aftersales.dispatch import access, services
from aftersales.dispatch.models import Visit
from aftersales.dispatch.tests.test_visit_support import *  # noqa: F403 (fixtures)
from aftersales.field.models import Technician
from aftersales.testing.factories import ServiceRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_visit(partner_center, dispatcher, customer):
    request = ServiceRequestFactory(customer=customer, service_center=partner_center)
    return services.create_visit(request, actor=dispatcher)


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "dispatcher"])
def test_the_back_office_sees_and_manages_every_visit(users, role, scheduled, partner_visit):
    user = users[role]
    assert set(access.visible_visits(user)) == {scheduled, partner_visit}
    assert access.can_manage(user, partner_visit) and access.can_act(user, scheduled)


def test_a_technician_sees_and_acts_on_only_their_own_visits(
    technician, scheduled, partner_visit, center
):
    assert list(access.visible_visits(technician)) == [scheduled]
    assert access.can_act(technician, scheduled)
    assert not access.can_manage(technician, scheduled)
    # a colleague at the same center sees none of it
    colleague = UserFactory(username="colleague", role="technician", service_center=center)
    Technician.objects.create(user=colleague, home_center=center)
    assert not access.visible_visits(colleague).exists()
    assert not access.can_act(colleague, scheduled)


def test_partner_staff_see_and_manage_only_their_centers_visits(partner, scheduled, partner_visit):
    assert list(access.visible_visits(partner)) == [partner_visit]
    assert access.can_manage(partner, partner_visit)
    assert not access.can_manage(partner, scheduled)
    with pytest.raises(NotAllowed):
        services.unschedule(scheduled, actor=partner)


def test_partner_staff_of_another_center_see_nothing(other_partner, partner_visit):
    assert not access.visible_visits(other_partner).exists()
    with pytest.raises(NotAllowed):
        services.cancel(partner_visit, other_partner, "nope")
    assert Visit.objects.get(pk=partner_visit.pk).status == "unscheduled"


def test_customers_see_no_visits(customer_user, scheduled):
    assert not access.visible_visits(customer_user).exists()
    assert not access.can_act(customer_user, scheduled)
    assert not access.can_use(customer_user)
