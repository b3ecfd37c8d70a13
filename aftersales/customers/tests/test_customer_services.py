"""Creating and editing customers and contacts; each change lands in the customer's history."""

import pytest
from django.core.exceptions import ValidationError

from aftersales.customers import services
from aftersales.customers.models import BuyingRole, Contact, Customer, CustomerEvent
from aftersales.testing.factories import ContactFactory, CustomerFactory

Kind = CustomerEvent.Kind


def test_a_company_is_created_with_its_buying_contacts(agent):
    # when
    company = services.create_customer(
        actor=agent,
        kind="company",
        name="上海某酒店管理有限公司",
        phone="021-6888 8888",
        province="上海市",
        city="上海市",
        contacts=[
            {"name": "陈总", "role": BuyingRole.DECISION_MAKER, "is_primary": True},
            {"name": "小李", "role": BuyingRole.USER, "phone": "13900001111"},
        ],
    )

    # then
    company.refresh_from_db()
    assert company.phone_normalized == "+862168888888"
    assert [(c.name, c.role) for c in company.contacts.all()] == [
        ("陈总", BuyingRole.DECISION_MAKER),
        ("小李", BuyingRole.USER),
    ]
    history = list(company.events.order_by("id"))
    assert [e.kind for e in history] == [Kind.CREATED, Kind.CONTACT_ADDED, Kind.CONTACT_ADDED]
    assert {e.actor for e in history} == {agent}
    assert [e.body for e in history[1:]] == ["陈总", "小李"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "王五", "email": "not-an-email"}, "email"),
        ({"name": "王五", "kind": "robot"}, "kind"),
    ],
)
def test_an_invalid_customer_is_refused_and_nothing_is_kept(fields, field, agent):
    # when
    with pytest.raises(ValidationError) as refused:
        services.create_customer(actor=agent, **fields)

    # then
    assert field in refused.value.message_dict
    assert not Customer.objects.exists()
    assert not CustomerEvent.objects.exists()


def test_a_bad_contact_undoes_the_whole_creation(agent):
    # when
    with pytest.raises(ValidationError):
        services.create_customer(
            actor=agent, kind="company", name="某公司", contacts=[{"name": "", "role": "user"}]
        )

    # then
    assert not Customer.objects.exists()
    assert not Contact.objects.exists()


def test_an_edit_records_old_and_new(agent, customer):
    # when
    services.update_customer(customer, actor=agent, city="深圳市", phone="139 0000 0002")

    # then
    customer.refresh_from_db()
    assert customer.city == "深圳市"
    assert customer.phone_normalized == "+8613900000002"
    event = customer.events.get(kind=Kind.UPDATED)
    assert event.actor == agent
    assert event.data["changes"] == {
        "city": ["广州市", "深圳市"],
        "phone": ["13800138000", "139 0000 0002"],
    }


def test_an_edit_that_changes_nothing_writes_no_history(agent, customer):
    # when
    services.update_customer(customer, actor=agent, name=customer.name)

    # then
    assert not customer.events.exists()


def test_an_invalid_edit_changes_nothing(agent, customer):
    # when
    with pytest.raises(ValidationError):
        services.update_customer(customer, actor=agent, email="wang@", city="深圳市")

    # then
    customer.refresh_from_db()
    assert customer.city == "广州市"
    assert not customer.events.exists()


def test_fields_that_are_not_details_cannot_be_edited(agent, customer):
    with pytest.raises(ValueError, match="Not editable: phone_normalized"):
        services.update_customer(customer, actor=agent, phone_normalized="+8610")


def test_a_new_primary_contact_replaces_the_old_one(agent):
    # given
    company = CustomerFactory(kind="company")
    first = ContactFactory(customer=company, is_primary=True)

    # when
    second = services.add_contact(company, actor=agent, name="新联系人", is_primary=True)

    # then there is one primary contact
    first.refresh_from_db()
    assert not first.is_primary
    assert second.is_primary
    assert company.contacts.filter(is_primary=True).count() == 1
    event = company.events.get(kind=Kind.CONTACT_ADDED)
    assert event.data == {"contact_id": second.pk, "role": BuyingRole.USER}


def test_a_note_goes_on_the_customers_history(agent, customer):
    # when
    note = services.add_note(customer, actor=agent, body="大客户，优先安排")

    # then
    assert list(customer.events.all()) == [note]
    assert (note.kind, note.actor, note.body) == (Kind.NOTE, agent, "大客户，优先安排")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("王小明", {"王小明"}),
        ("小明", {"王小明"}),
        ("陈经理", {"某公司"}),  # a contact's name finds the company
        ("CHEN@example.com", {"某公司"}),
        ("wang@example.com", {"王小明"}),
        ("", set()),
        ("   ", set()),
        ("张", set()),
    ],
)
def test_search_by_name_and_email(query, found, customer):
    # given
    customer.email = "wang@example.com"
    customer.save()
    company = CustomerFactory(kind="company", name="某公司")
    ContactFactory(customer=company, name="陈经理", email="chen@example.com")
    ContactFactory(customer=company, name="陈经理助理")

    # when
    result = list(services.search_customers(query))

    # then each customer appears once
    assert sorted(c.name for c in result) == sorted(found)


def test_search_stays_within_the_given_customers(customer):
    # given a user who may see only some customers
    CustomerFactory(name="王小明", phone="13700000000")

    # when
    result = services.search_customers("王小明", Customer.objects.filter(pk=customer.pk))

    # then
    assert list(result) == [customer]
