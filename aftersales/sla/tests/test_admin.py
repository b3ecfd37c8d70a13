"""The admin for SLA data: pages open, and its forms apply the services' rules."""

import pytest
from django.urls import reverse

from aftersales.sla.models import CityTier


@pytest.mark.parametrize(
    "name",
    ["businesscalendar", "citytier", "slapolicy", "configversion"],
)
def test_admin_lists_and_forms_open(client, admin_user, default_policy, name):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:sla_{name}_changelist")).status_code == 200


def test_admin_change_pages_open(client, admin_user, working_days, default_policy):
    client.force_login(admin_user)
    assert (
        client.get(reverse("admin:sla_businesscalendar_change", args=[working_days.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:sla_slapolicy_change", args=[default_policy.pk])).status_code
        == 200
    )


def test_admin_refuses_a_city_listed_twice(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:sla_citytier_add"), {"city": "北京市", "tier": "tier2"})
    assert response.status_code == 200
    assert "北京 is already listed" in response.content.decode()
    assert CityTier.objects.get(city="北京").tier == "tier1"
