"""The admin lists stock tables; the ledger and its derived tables are read-only there."""

import pytest
from django.urls import reverse

from aftersales.parts.tests.conftest import stock

pytestmark = pytest.mark.django_db

MODELS = [
    "stocklocation",
    "reorderrule",
    "stocklevel",
    "stockmove",
    "reservation",
    "partusage",
    "defectivepart",
]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_each_table(client, admin_user, manager, warehouse, compressor, model):
    stock(compressor, warehouse, 1, manager)
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:parts_{model}_changelist")).status_code == 200


def test_the_ledger_cannot_be_added_to_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:parts_stockmove_add")).status_code == 403
