"""The admin opens for every registered model, and records kept by services are read-only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from aftersales.testing.factories import ServiceRequestFactory, UnitFactory

OUR_APPS = ("accounts", "customers", "catalog", "assets", "field", "service")


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in OUR_APPS],
    ids=lambda m: m._meta.label,
)
def test_every_changelist_opens(client, admin_user, model):
    UnitFactory()
    ServiceRequestFactory()
    client.force_login(admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


def test_requests_cannot_be_changed_in_the_admin(client, admin_user):
    request = ServiceRequestFactory()
    client.force_login(admin_user)
    url = reverse("admin:service_servicerequest_change", args=[request.pk])
    response = client.post(url, {"status": "closed"})
    request.refresh_from_db()
    assert request.status == "new"
    assert response.status_code in (200, 403)
