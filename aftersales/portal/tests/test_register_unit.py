"""A customer registers a unit they bought: serial, purchase date, invoice; then its warranty."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aftersales.assets.models import Unit, UnitEvent
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.core.tests import files
from aftersales.portal import services
from aftersales.portal.models import UnitRegistration
from aftersales.portal.tests.conftest import pdf, png

pytestmark = pytest.mark.django_db

BOUGHT = datetime.date(2026, 1, 10)


def register(user, serial="NEW-123", **fields):
    values = {"product": None, "purchased_on": BOUGHT, "invoice": png()} | fields
    return services.register_purchase(user, serial_number=serial, **values)


# --- Rules -------------------------------------------------------------------------------------


def test_an_unknown_serial_becomes_the_customers_unit_with_the_invoice_kept(
    customer_user, customer, product
):
    done = register(customer_user, " new 123 ", product=product)
    assert done.outcome == "created"
    unit = Unit.objects.get(serial_number="NEW123")
    assert (unit.customer, unit.product, unit.purchased_on) == (customer, product, BOUGHT)
    assert unit.events.get().kind == UnitEvent.Kind.REGISTERED
    registration = UnitRegistration.objects.get()
    assert (registration.unit, registration.customer, registration.user) == (
        unit,
        customer,
        customer_user,
    )
    assert registration.purchased_on == BOUGHT
    assert (registration.invoice_name, registration.invoice_type) == ("发票.png", "image/png")
    assert registration.invoice.read() == files.png()


def test_a_pdf_invoice_is_kept_too(customer_user, product):
    done = register(customer_user, product=product, invoice=pdf())
    assert done.registration.invoice_type == "application/pdf"


def test_a_serial_already_the_customers_changes_nothing(customer_user, unit):
    before = Unit.objects.filter(pk=unit.pk).values().get()
    done = register(customer_user, unit.serial_number.lower(), purchased_on=BOUGHT)
    assert (done.outcome, done.unit) == ("already_yours", unit)
    assert Unit.objects.filter(pk=unit.pk).values().get() == before
    assert not UnitRegistration.objects.exists()


def test_a_serial_of_another_customer_is_refused_without_naming_them(
    customer_user, other_unit, product
):
    with pytest.raises(Conflict) as refused:
        register(customer_user, other_unit.serial_number, product=product)
    assert refused.value.code == "registered_elsewhere"
    assert "contact us" in str(refused.value)
    assert other_unit.customer.name not in str(refused.value)
    other_unit.refresh_from_db()
    assert other_unit.customer.name == "李四"
    assert not UnitRegistration.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"product": None}, "product"),
        ({"purchased_on": None}, "purchased_on"),
        ({"purchased_on": "tomorrow"}, "purchased_on"),
        ({"invoice": None}, "invoice"),
        (
            {"invoice": SimpleUploadedFile("invoice.xlsx", files.xlsx())},
            "invoice",
        ),
        ({"invoice": SimpleUploadedFile("fake.png", files.exe())}, "invoice"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(customer_user, product, fields, field):
    fields = {"product": product} | fields
    if fields.get("purchased_on") == "tomorrow":
        fields["purchased_on"] = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        register(customer_user, **fields)
    assert refused.value.field == field
    assert not Unit.objects.exists() and not UnitRegistration.objects.exists()


def test_an_empty_serial_is_refused(customer_user, product):
    with pytest.raises(DomainError) as refused:
        register(customer_user, "  ", product=product)
    assert refused.value.field == "serial_number"


def test_only_customers_register_in_the_portal(agent, product):
    with pytest.raises(NotAllowed):
        register(agent, product=product)


# --- Pages -------------------------------------------------------------------------------------


def test_the_customer_registers_on_the_page_and_sees_the_warranty_end(portal, product):
    response = portal.post(
        reverse("portal:register"),
        {
            "serial_number": "kfr-9",
            "product": product.pk,
            "purchased_on": timezone.localdate() - datetime.timedelta(days=30),
            "invoice": png(),
        },
        follow=True,
    )
    unit = Unit.objects.get(serial_number="KFR-9")
    assert response.redirect_chain[-1][0] == reverse("portal:unit", args=[unit.pk])
    page = response.content.decode()
    assert "Your unit is registered" in page
    assert "Repairs are free under warranty" in page
    ends = response.context["cover"].ends_on
    assert ends and f"Covered until {ends:%Y-%m-%d}" in page


def test_the_page_says_when_the_unit_is_already_theirs(portal, unit):
    response = portal.post(
        reverse("portal:register"),
        {"serial_number": unit.serial_number, "purchased_on": "2026-01-01", "invoice": png()},
        follow=True,
    )
    assert "already registered to you" in response.content.decode()


def test_the_page_refuses_another_customers_serial(portal, other_unit, product):
    response = portal.post(
        reverse("portal:register"),
        {
            "serial_number": other_unit.serial_number,
            "product": product.pk,
            "purchased_on": "2026-01-01",
            "invoice": png(),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "contact us" in page and "李四" not in page


def test_staff_see_the_invoice_on_the_unit_page(client, agent, customer_user, product):
    done = register(customer_user, product=product)
    client.force_login(agent)
    page = client.get(reverse("assets:detail", args=[done.unit.pk])).content.decode()
    link = reverse("portal:invoice", args=[done.registration.pk])
    assert link in page and "2026-01-10" in page
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.png()


def test_only_the_owner_and_staff_open_the_invoice(client, customer_user, other_user, product):
    done = register(customer_user, product=product)
    link = reverse("portal:invoice", args=[done.registration.pk])
    client.force_login(other_user)
    assert client.get(link).status_code == 404
    client.force_login(customer_user)
    assert client.get(link).status_code == 200
