"""Who a message from a channel came from: known customers and contacts are found by
address; strangers become new customers flagged for a person to check."""

import pytest

from aftersales.customers.models import CustomerEvent
from aftersales.customers.services import customer_for_sender, find_sender, mark_reviewed
from aftersales.testing.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "given",
    [
        {"email": "wang@example.com"},
        {"email": "WANG@Example.com"},
        {"phone": "+86 138 0013 8000"},
        {"phone": "13800138000"},
    ],
)
def test_a_known_customer_is_found_by_any_spelling_of_their_address(given):
    known = CustomerFactory(email="wang@example.com", phone="138 0013 8000")

    customer, contact, created = customer_for_sender(**given, source="email")

    assert (customer, contact, created) == (known, None, False)
    assert not customer.needs_review


def test_a_company_contact_is_found_with_their_company():
    contact = ContactFactory(email="li@factory.cn")

    assert find_sender(email="li@factory.cn") == (contact.customer, contact)


def test_a_stranger_becomes_a_new_customer_flagged_for_review():
    customer, contact, created = customer_for_sender(
        email="new@example.com", name="赵六", source="email"
    )

    assert created and contact is None
    assert (customer.name, customer.email, customer.needs_review, customer.source) == (
        "赵六",
        "new@example.com",
        True,
        "email",
    )
    assert customer.events.get().data == {"source": "email", "needs_review": True}
    # The same stranger writing again is the same customer, not a second one.
    assert customer_for_sender(email="new@example.com", source="email")[0] == customer


def test_a_stranger_without_a_name_is_named_by_their_address():
    customer, _, _ = customer_for_sender(phone="13900001111", source="sms")

    assert customer.name == "13900001111"
    assert customer.phone_normalized == "+8613900001111"


def test_a_sender_needs_an_address():
    with pytest.raises(ValueError):
        customer_for_sender(name="  ", source="web")


def test_checking_a_flagged_customer_clears_the_flag_once(manager, client):
    customer, _, _ = customer_for_sender(email="x@example.com", source="web")
    client.force_login(manager)

    page = client.get(f"/customers/{customer.pk}/")
    assert "unknown sender" in page.content.decode()
    listed = client.get("/customers/?review=on")
    assert customer.name in listed.content.decode()

    client.post(f"/customers/{customer.pk}/reviewed/")
    mark_reviewed(customer, actor=manager)

    customer.refresh_from_db()
    assert not customer.needs_review
    assert customer.events.filter(kind=CustomerEvent.Kind.REVIEWED).count() == 1
    assert customer.name not in client.get("/customers/?review=on").content.decode()


def test_only_people_who_manage_customers_may_clear_the_flag(technician, client):
    customer, _, _ = customer_for_sender(email="y@example.com", source="web")
    client.force_login(technician)

    response = client.post(f"/customers/{customer.pk}/reviewed/")

    assert response.status_code in (403, 404)
    customer.refresh_from_db()
    assert customer.needs_review
