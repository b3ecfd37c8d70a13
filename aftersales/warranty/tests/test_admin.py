"""The admin for warranty data: every list opens; contracts, claims and extended
warranties are read-only there; policies and plans are checked like on their pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from aftersales.testing.factories import CategoryFactory, ProductFactory, ServiceRequestFactory
from aftersales.warranty.models import (
    ContractStatus,
    ServiceContract,
    SupplierWarranty,
    VendorClaim,
    WarrantyPolicy,
)


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label == "warranty"],
    ids=lambda m: m._meta.label,
)
def test_every_changelist_opens(client, admin_user, model, contract_in):
    contract_in(ContractStatus.ACTIVE)
    cover = SupplierWarranty.objects.create(
        supplier="某供应商", product=ProductFactory(), months=12
    )
    VendorClaim.objects.create(request=ServiceRequestFactory(), supplier_warranty=cover)
    client.force_login(admin_user)
    url = reverse(f"admin:warranty_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


def test_contracts_cannot_be_changed_in_the_admin(client, admin_user, contract_in):
    contract = contract_in(ContractStatus.QUOTE)
    client.force_login(admin_user)
    url = reverse("admin:warranty_servicecontract_change", args=[contract.pk])
    assert client.get(url).status_code == 200  # to read, with its history
    response = client.post(url, {"status": "active"})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.QUOTE
    assert response.status_code in (200, 403)
    assert client.get(reverse("admin:warranty_servicecontract_add")).status_code == 403
    assert ServiceContract.objects.count() == 1


def test_the_admin_applies_the_policy_rules(client, admin_user):
    category = CategoryFactory(name="洗衣机")
    client.force_login(admin_user)
    data = {
        "name": "洗衣机三包", "category": category.pk, "return_days": "7", "exchange_days": "5",
        "repair_months": "12", "failed_repairs_for_exchange": "2",
        "after_failed_repairs": "exchange", "component_terms-TOTAL_FORMS": "1",
        "component_terms-INITIAL_FORMS": "0", "component_terms-0-component": "电机",
        "component_terms-0-months": "6",
    }  # fmt: skip
    response = client.post(reverse("admin:warranty_warrantypolicy_add"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "cannot be shorter than the return window" in body
    assert not WarrantyPolicy.objects.exists()

    response = client.post(
        reverse("admin:warranty_warrantypolicy_add"), data | {"exchange_days": "15"}
    )
    assert "The 电机 term (6 months) must be longer than the repair warranty" in (
        response.content.decode()
    )
    assert not WarrantyPolicy.objects.exists()

    data |= {"exchange_days": "15", "component_terms-0-months": "24"}
    response = client.post(reverse("admin:warranty_warrantypolicy_add"), data)
    assert response.status_code == 302
    policy = WarrantyPolicy.objects.get()
    assert list(policy.component_terms.values_list("component", "months")) == [("电机", 24)]
