"""The OpenAPI schema and the interactive docs, served without any CDN."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings(tmp_path):
    # when: --fail-on-warn turns every warning into an error
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        "--skip-checks",
    )

    # then
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/auth/me/",
        "/api/v1/customers/",
        "/api/v1/products/",
        "/api/v1/categories/",
        "/api/v1/fault-codes/",
        "/api/v1/spare-parts/",
        "/api/v1/units/",
        "/api/v1/tickets/{id}/transition/",
        "/api/v1/tickets/{id}/timeline/",
    ):
        assert f"{path}:" in schema


def test_the_schema_is_served_to_anyone(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "/api/v1/tickets/" in response.json()["paths"]


def test_the_docs_page_loads_its_assets_from_this_server(db):
    response = APIClient().get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "http://" not in page and "https://" not in page
