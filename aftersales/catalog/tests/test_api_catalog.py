"""The catalog through the JSON API: everyone reads, managers add and change."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.tokens import issue_token
from aftersales.catalog.models import Category, Product
from aftersales.testing.factories import (
    CategoryFactory,
    FaultCodeFactory,
    ProductFactory,
    SparePartFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


@pytest.fixture
def catalog(db):
    fridges = CategoryFactory(code="FRIDGE", name="冰箱")
    phones = CategoryFactory(code="PHONE", name="手机")
    fridge = ProductFactory(
        sku="BCD-520", name="对开门冰箱", category=fridges, requires_installation=True
    )
    phone = ProductFactory(sku="P-60", name="智能手机", category=phones)
    part = SparePartFactory(part_number="CMP-1", name="压缩机", category=fridges)
    part.products.add(fridge)
    code = FaultCodeFactory(category=fridges, code="E1", symptom="不制冷")
    return {
        "fridges": fridges,
        "phones": phones,
        "fridge": fridge,
        "phone": phone,
        "part": part,
        "code": code,
    }


ROLES = ["admin", "manager", "agent", "dispatcher", "technician", "partner", "customer"]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_catalog(users, catalog, role):
    client = api(users[role])

    categories = client.get("/api/v1/categories/").json()["results"]
    products = client.get("/api/v1/products/").json()["results"]
    codes = client.get("/api/v1/fault-codes/").json()["results"]
    parts = client.get("/api/v1/spare-parts/").json()["results"]

    assert {"id", "code", "name"} <= set(categories[0])
    assert [c["code"] for c in categories] == ["FRIDGE", "PHONE"]
    fridge = next(p for p in products if p["sku"] == "BCD-520")
    assert fridge == {
        "id": catalog["fridge"].pk,
        "sku": "BCD-520",
        "name": "对开门冰箱",
        "category": catalog["fridges"].pk,
        "brand": "",
        "requires_installation": True,
        "active": True,
    }
    assert codes[0]["code"] == "E1"
    assert codes[0]["kind"] == "hardware"
    assert parts[0]["unit_price"] == "99.00"
    assert parts[0]["currency"] == "CNY"
    assert parts[0]["products"] == [catalog["fridge"].pk]


def test_products_filter_by_category_and_text(agent, catalog):
    client = api(agent)

    by_category = client.get("/api/v1/products/", {"category": catalog["phones"].pk}).json()
    by_text = client.get("/api/v1/products/", {"q": "bcd"}).json()

    assert [p["sku"] for p in by_category["results"]] == ["P-60"]
    assert [p["sku"] for p in by_text["results"]] == ["BCD-520"]


def test_spare_parts_and_fault_codes_filter_by_product_and_category(agent, catalog):
    client = api(agent)

    fits_phone = client.get("/api/v1/spare-parts/", {"product": catalog["phone"].pk}).json()
    fits_fridge = client.get("/api/v1/spare-parts/", {"product": catalog["fridge"].pk}).json()
    phone_codes = client.get("/api/v1/fault-codes/", {"category": catalog["phones"].pk}).json()

    assert fits_phone["count"] == 0
    assert fits_fridge["count"] == 1
    assert phone_codes["count"] == 0


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_managers_add_and_change_categories_and_products(users, catalog, role):
    client = api(users[role])

    category = client.post("/api/v1/categories/", {"code": "AC", "name": "空调"}, format="json")
    product = client.post(
        "/api/v1/products/",
        {
            "sku": "KFR-35",
            "name": "挂式空调",
            "category": category.json()["id"],
            "requires_installation": True,
        },
        format="json",
    )
    renamed = client.patch(
        f"/api/v1/products/{product.json()['id']}/", {"name": "变频挂式空调"}, format="json"
    )

    assert category.status_code == 201
    assert product.status_code == 201
    assert renamed.status_code == 200
    assert Product.objects.get(sku="KFR-35").name == "变频挂式空调"


def test_a_duplicate_sku_is_refused(manager, catalog):
    response = api(manager).post(
        "/api/v1/products/",
        {"sku": "BCD-520", "name": "x", "category": catalog["fridges"].pk},
        format="json",
    )

    assert response.status_code == 400
    assert "sku" in response.json()["errors"]


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_other_roles_may_not_change_the_catalog(users, catalog, role):
    client = api(users[role])

    created = client.post("/api/v1/categories/", {"code": "X", "name": "x"}, format="json")
    changed = client.patch(
        f"/api/v1/products/{catalog['fridge'].pk}/", {"name": "x"}, format="json"
    )

    assert created.status_code == 403
    assert changed.status_code == 403
    assert "managers" in created.json()["detail"]
    assert not Category.objects.filter(code="X").exists()


def test_nothing_in_the_catalog_is_deleted_or_written_through_read_only_lists(admin_user, catalog):
    client = api(admin_user)

    assert client.delete(f"/api/v1/products/{catalog['fridge'].pk}/").status_code == 405
    assert client.post("/api/v1/fault-codes/", {}, format="json").status_code == 405
    assert client.post("/api/v1/spare-parts/", {}, format="json").status_code == 405


def test_catalog_lists_need_few_queries(agent, django_assert_max_num_queries):
    products = ProductFactory.create_batch(15)
    for n in range(15):
        SparePartFactory().products.set(products[: n % 4])
        FaultCodeFactory()
    client = APIClient()
    client.force_authenticate(agent)

    for path in ("/api/v1/spare-parts/", "/api/v1/products/", "/api/v1/fault-codes/"):
        for size in (1, 15):
            with django_assert_max_num_queries(3):
                response = client.get(path, {"page_size": size})
            assert len(response.json()["results"]) == size
