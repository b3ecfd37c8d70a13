"""The warranty administration pages: who may open which, the forms, and bounded queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.testing.factories import (
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    ServiceRequestFactory,
    UnitFactory,
)
from aftersales.warranty.models import (
    ClaimStatus,
    ContractStatus,
    ExtendedWarranty,
    ServiceContract,
    ServicePlan,
    SupplierWarranty,
    VendorClaim,
    WarrantyPolicy,
)

S = ContractStatus


@pytest.fixture
def world(gold, contract_in, customer):
    category = CategoryFactory(code="AC", name="空调")
    policy = WarrantyPolicy.objects.create(name="空调三包", category=category)
    product = ProductFactory(category=category, name="分体空调")
    cover = SupplierWarranty.objects.create(
        supplier="格力压缩机厂", product=product, months=36, labour_rate=Decimal("280")
    )
    claim = VendorClaim.objects.create(
        request=ServiceRequestFactory(customer=customer), supplier_warranty=cover
    )
    return {
        "policy": policy,
        "plan": gold,
        "contract": contract_in(S.QUOTE),
        "cover": cover,
        "claim": claim,
        "customer": customer,
    }


def read_pages(w):
    return [
        reverse("warranty:home"),
        reverse("warranty:policy_list"),
        reverse("warranty:plan_list"),
        reverse("warranty:contract_list"),
        reverse("warranty:contract_detail", args=[w["contract"].number]),
        reverse("warranty:renewals"),
        reverse("warranty:supplier_list"),
        reverse("warranty:claim_list"),
        reverse("warranty:claim_detail", args=[w["claim"].pk]),
    ]


def manager_pages(w):
    return [
        reverse("warranty:policy_create"),
        reverse("warranty:policy_edit", args=[w["policy"].pk]),
        reverse("warranty:plan_create"),
        reverse("warranty:plan_edit", args=[w["plan"].pk]),
        f"{reverse('warranty:contract_create')}?customer={w['customer'].pk}",
        reverse("warranty:contract_edit", args=[w["contract"].number]),
        reverse("warranty:supplier_create"),
        reverse("warranty:supplier_edit", args=[w["cover"].pk]),
    ]


ROLES = {
    # role: (read pages, manager pages)
    "admin": (200, 200),
    "manager": (200, 200),
    "agent": (200, 403),
    "dispatcher": (200, 403),
    "technician": (403, 403),
    "partner": (403, 403),
    "customer": (403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_page_access_per_role(client, users, world, role):
    client.force_login(users[role])
    reads, changes = ROLES[role]
    for url in read_pages(world):
        assert client.get(url).status_code == reads, url
    for url in manager_pages(world):
        assert client.get(url).status_code == changes, url


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_post_changes(client, users, world, role):
    client.force_login(users[role])
    contract = world["contract"]
    posts = [
        reverse("warranty:contract_action", args=[contract.number, "accept"]),
        reverse("warranty:policy_edit", args=[world["policy"].pk]),
        reverse("warranty:claim_detail", args=[world["claim"].pk]),
    ]
    for url in posts:
        assert client.post(url, {"to": "submitted"}).status_code == 403, url
    contract.refresh_from_db()
    assert contract.status == S.QUOTE
    world["claim"].refresh_from_db()
    assert world["claim"].status == ClaimStatus.OPEN


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(reverse("warranty:contract_list"))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_the_nav_shows_warranty_to_the_back_office_only(client, users):
    client.force_login(users["agent"])
    assert reverse("warranty:home") in client.get(reverse("customers:list")).content.decode()
    client.force_login(users["technician"])
    assert (
        reverse("warranty:home")
        not in client.get(reverse("service:queue") + "?open=true").content.decode()
    )


# --- Policies -----------------------------------------------------------------------------


def policy_data(**fields):
    data = {
        "name": "冰箱三包",
        "category": "",
        "product": "",
        "return_days": "7",
        "exchange_days": "15",
        "repair_months": "12",
        "failed_repairs_for_exchange": "2",
        "after_failed_repairs": "exchange_or_refund",
        "excludes_consumables": "on",
        "out_of_warranty_repair": "on",
        "terms-TOTAL_FORMS": "2",
        "terms-INITIAL_FORMS": "0",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "1000",
        "terms-0-component": "压缩机",
        "terms-0-months": "36",
        "terms-1-component": "",
        "terms-1-months": "",
    }
    return data | fields


def test_a_manager_creates_a_policy_with_component_terms(client, manager):
    category = CategoryFactory(code="FR", name="冰箱")
    client.force_login(manager)

    response = client.post(reverse("warranty:policy_create"), policy_data(category=category.pk))

    assert response.status_code == 302
    policy = WarrantyPolicy.objects.get(name="冰箱三包")
    assert policy.category == category
    assert list(policy.component_terms.values_list("component", "months")) == [("压缩机", 36)]


def test_a_policy_that_makes_no_sense_is_shown_back_with_the_reason(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("warranty:policy_create"), policy_data(return_days="7", exchange_days="5")
    )

    assert response.status_code == 200
    assert (
        "The exchange window (5 days) cannot be shorter than the return window (7 days)."
        in response.content.decode()
    )
    assert not WarrantyPolicy.objects.exists()


def test_the_policy_list_shows_what_each_policy_covers(client, agent, world):
    ProductFactory(category=world["policy"].category, name="挂式空调")
    client.force_login(agent)
    body = client.get(reverse("warranty:policy_list")).content.decode()
    assert "空调三包" in body
    assert "2 products" in body
    assert "分体空调" in body and "挂式空调" in body


def test_the_policy_page_lists_the_products_it_decides_for(client, manager, world):
    client.force_login(manager)
    body = client.get(reverse("warranty:policy_edit", args=[world["policy"].pk])).content.decode()
    assert 'id="covered-products"' in body
    assert "分体空调" in body


# --- Plans --------------------------------------------------------------------------------


def test_a_manager_edits_a_plan(client, manager, gold):
    client.force_login(manager)
    data = {
        "code": "gold", "name": "金牌服务", "rank": "3", "response_hours": "1",
        "resolution_hours": "12", "onsite_hours": "4", "pm_visits_per_year": "6",
        "parts_promise": "关键备件 24 小时到位", "covers_repairs": "on", "price": "4000",
        "currency": "CNY", "active": "on",
    }  # fmt: skip
    response = client.post(reverse("warranty:plan_edit", args=[gold.pk]), data)
    assert response.status_code == 302
    gold.refresh_from_db()
    assert (gold.response_hours, gold.price) == (1, Decimal("4000.00"))

    response = client.post(
        reverse("warranty:plan_edit", args=[gold.pk]), data | {"onsite_hours": "48"}
    )
    assert "cannot be later than the resolution target" in response.content.decode()


# --- Contracts ----------------------------------------------------------------------------


def test_a_manager_quotes_a_contract_for_chosen_units(client, manager, customer, gold):
    units = [UnitFactory(customer=customer), UnitFactory(customer=customer)]
    client.force_login(manager)
    url = f"{reverse('warranty:contract_create')}?customer={customer.pk}"
    page = client.get(url).content.decode()
    assert units[0].serial_number in page

    response = client.post(
        url,
        {"plan": gold.pk, "starts_on": "2026-03-01", "units": [units[0].pk], "notes": "年度维保"},
    )

    contract = ServiceContract.objects.get()
    assert response.url == reverse("warranty:contract_detail", args=[contract.number])
    assert (contract.ends_on, contract.price) == (datetime.date(2027, 2, 28), Decimal("3650.00"))
    assert list(contract.units.all()) == [units[0]]
    detail = client.get(response.url).content.decode()
    assert 'data-action="accept"' in detail
    assert 'data-kind="quoted"' in detail


def test_another_customers_unit_cannot_be_chosen(client, manager, customer, gold):
    other = UnitFactory(customer=CustomerFactory())
    client.force_login(manager)
    url = f"{reverse('warranty:contract_create')}?customer={customer.pk}"
    response = client.post(url, {"plan": gold.pk, "starts_on": "2026-03-01", "units": [other.pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ServiceContract.objects.exists()


def test_a_new_contract_needs_a_customer(client, manager, gold):
    client.force_login(manager)
    response = client.get(reverse("warranty:contract_create"))
    assert response.url == reverse("customers:list")


def test_accept_then_cancel_from_the_contract_page(client, manager, contract_in):
    contract = contract_in(S.QUOTE)
    client.force_login(manager)
    url = reverse("warranty:contract_action", args=[contract.number, "accept"])

    client.post(url, {"version": contract.version})
    contract.refresh_from_db()
    assert contract.status == S.ACTIVE

    cancel = reverse("warranty:contract_action", args=[contract.number, "cancel"])
    response = client.post(cancel, {"version": contract.version, "reason": ""}, follow=True)
    assert "Say why the contract is cancelled." in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == S.ACTIVE

    client.post(cancel, {"version": contract.version, "reason": "客户资金困难"})
    contract.refresh_from_db()
    assert contract.status == S.CANCELLED
    body = client.get(reverse("warranty:contract_detail", args=[contract.number])).content.decode()
    assert "客户资金困难" in body
    assert f"Cancelled on {contract.cancelled_on:%Y-%m-%d}: no cover from that day." in body
    assert 'data-action="' not in body  # nothing more to do


def test_an_illegal_move_from_a_stale_page_is_explained(client, manager, contract_in):
    contract = contract_in(S.DECLINED)
    client.force_login(manager)
    url = reverse("warranty:contract_action", args=[contract.number, "accept"])
    response = client.post(url, {}, follow=True)
    assert "Only a quote can be accepted" in response.content.decode()


def test_renew_from_the_page_opens_the_new_quote(client, manager, contract_in):
    contract = contract_in(S.ACTIVE)
    client.force_login(manager)
    response = client.post(reverse("warranty:contract_action", args=[contract.number, "renew"]))
    renewal = ServiceContract.objects.get(renewal_of=contract)
    assert response.url == reverse("warranty:contract_detail", args=[renewal.number])


def test_the_quote_can_be_changed_until_answered(client, manager, contract_in, silver):
    contract = contract_in(S.QUOTE)
    client.force_login(manager)
    url = reverse("warranty:contract_edit", args=[contract.number])
    data = {
        "plan": silver.pk,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "price": "1500",
        "all_units": "on",
        "version": contract.version,
    }
    assert client.post(url, data).status_code == 302
    contract.refresh_from_db()
    assert (contract.plan, contract.price) == (silver, Decimal("1500.00"))


def test_contract_list_filters(client, agent, contract_in, today, customer):
    soon = contract_in(S.ACTIVE, ends_on=today + datetime.timedelta(days=20))
    later = contract_in(S.ACTIVE, ends_on=today + datetime.timedelta(days=200))
    quote = contract_in(S.QUOTE)
    other = contract_in(S.ACTIVE, customer=CustomerFactory(name="华强电子"))
    client.force_login(agent)
    url = reverse("warranty:contract_list")

    def listed(**params):
        body = client.get(url, params).content.decode()
        return {c.number for c in (soon, later, quote, other) if c.number in body}

    assert listed() == {soon.number, later.number, quote.number, other.number}
    assert listed(status="quote") == {quote.number}
    assert listed(ending_within=60) == {soon.number}
    assert listed(q="华强") == {other.number}
    assert listed(q=soon.number) == {soon.number}
    assert listed(customer=customer.pk) == {soon.number, later.number, quote.number}
    assert listed(sort="-ends") == listed()


def test_contract_list_queries_are_bounded(
    client, agent, contract_in, customer, django_assert_max_num_queries
):
    for index in range(30):
        contract = contract_in(S.ACTIVE if index % 2 else S.QUOTE)
        if index % 3 == 0:
            contract.all_units = False
            contract.save()
            contract.units.set([UnitFactory(customer=customer)])
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("warranty:contract_list"), {"sort": "customer"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name", ["home", "policy_list", "plan_list", "renewals", "supplier_list", "claim_list"]
)
def test_list_pages_use_a_bounded_number_of_queries(
    client, manager, name, contract_in, today, django_assert_max_num_queries
):
    category = CategoryFactory()
    for index in range(20):
        contract_in(S.ACTIVE, ends_on=today + datetime.timedelta(days=index + 1))
        ServicePlan.objects.create(
            code=f"p{index}", name=f"方案{index}", rank=10 + index, response_hours=1,
            resolution_hours=8, onsite_hours=4,
        )  # fmt: skip
        product = ProductFactory(category=category)
        policy = WarrantyPolicy.objects.create(name=f"政策{index}", product=product)
        policy.component_terms.create(component="压缩机", months=36)
        cover = SupplierWarranty.objects.create(
            supplier=f"供应商{index}", product=product, months=12
        )
        VendorClaim.objects.create(request=ServiceRequestFactory(), supplier_warranty=cover)
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        assert client.get(reverse(f"warranty:{name}")).status_code == 200


# --- Extended warranties on the unit page -------------------------------------------------------


@pytest.fixture
def unit(customer):
    return UnitFactory(customer=customer, purchased_on=datetime.date(2024, 5, 1))


def test_the_unit_page_shows_cover_and_the_add_form(client, agent, unit, contract_in):
    ExtendedWarranty.objects.create(
        unit=unit, name="延保两年", starts_on=datetime.date(2025, 5, 2),
        ends_on=datetime.date(2027, 5, 1),
    )  # fmt: skip
    contract = contract_in(S.ACTIVE)
    client.force_login(agent)
    body = client.get(reverse("assets:detail", args=[unit.pk])).content.decode()
    assert "延保两年" in body
    assert contract.number in body
    assert reverse("warranty:extended_add", args=[unit.pk]) in body
    assert 'value="2025-05-02"' in body  # suggested: the day after the 12-month warranty


@pytest.mark.parametrize("role", ["dispatcher", "technician"])
def test_others_see_the_cover_without_the_form(client, users, unit, role):
    ServiceRequestFactory(customer=unit.customer, unit=unit, assignee=users["technician"])
    client.force_login(users[role])
    body = client.get(reverse("assets:detail", args=[unit.pk])).content.decode()
    assert 'id="unit-cover"' in body
    assert reverse("warranty:extended_add", args=[unit.pk]) not in body


def ew_data(**fields):
    return {
        "name": "延保三年",
        "reference": "EW-001",
        "starts_on": "2025-05-02",
        "ends_on": "2028-05-01",
        "price": "399",
        "currency": "CNY",
    } | fields


def test_adding_an_extended_warranty_from_the_unit_page(client, agent, unit):
    client.force_login(agent)
    response = client.post(reverse("warranty:extended_add", args=[unit.pk]), ew_data())
    assert response.url == f"{reverse('assets:detail', args=[unit.pk])}#unit-cover"
    assert unit.extended_warranties.get().name == "延保三年"


def test_a_refused_extended_warranty_comes_back_with_the_reason(client, agent, unit):
    client.force_login(agent)
    response = client.post(
        reverse("warranty:extended_add", args=[unit.pk]),
        ew_data(ends_on="2025-05-01"),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The cover must end after it starts (2025-05-02)." in body
    assert 'value="延保三年"' in body  # what was typed is kept
    assert not unit.extended_warranties.exists()


def test_the_card_is_swapped_with_the_new_cover(client, agent, unit):
    client.force_login(agent)
    response = client.post(
        reverse("warranty:extended_add", args=[unit.pk]), ew_data(), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Extended warranty 延保三年 added." in body
    assert 'id="unit-cover"' in body


@pytest.mark.parametrize("role", ["dispatcher", "technician", "partner", "customer"])
def test_others_cannot_add_extended_warranties(client, users, unit, role):
    client.force_login(users[role])
    response = client.post(reverse("warranty:extended_add", args=[unit.pk]), ew_data())
    assert response.status_code == 403
    assert not unit.extended_warranties.exists()


# --- Customer page, supplier cover and claims --------------------------------------------------


def test_the_customer_page_links_to_its_contracts(client, users, customer):
    client.force_login(users["manager"])
    body = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert f"{reverse('warranty:contract_list')}?customer={customer.pk}" in body
    assert f"{reverse('warranty:contract_create')}?customer={customer.pk}" in body
    client.force_login(users["agent"])
    body = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert f"{reverse('warranty:contract_list')}?customer={customer.pk}" in body
    assert reverse("warranty:contract_create") not in body


def test_a_manager_records_supplier_cover(client, manager):
    product = ProductFactory()
    client.force_login(manager)
    data = {
        "supplier": "华南机电安装公司", "product": product.pk, "months": "24",
        "counts_from": "installation", "labour_rate": "150", "active": "on",
    }  # fmt: skip
    assert client.post(reverse("warranty:supplier_create"), data).status_code == 302
    response = client.post(reverse("warranty:supplier_create"), data | {"product": ""})
    assert "Say what the supplier answers for" in response.content.decode()
    assert SupplierWarranty.objects.count() == 1


def test_claims_are_filtered_and_moved(client, manager, world):
    other = VendorClaim.objects.create(
        request=ServiceRequestFactory(),
        supplier_warranty=SupplierWarranty.objects.create(
            supplier="其他供应商", product=ProductFactory(), months=12
        ),
        status=ClaimStatus.PAID,
    )
    client.force_login(manager)
    body = client.get(reverse("warranty:claim_list"), {"status": "open"}).content.decode()
    assert world["claim"].request.number in body
    assert other.request.number not in body
    body = client.get(reverse("warranty:claim_list"), {"supplier": "其他"}).content.decode()
    assert other.request.number in body
    assert world["claim"].request.number not in body

    url = reverse("warranty:claim_detail", args=[world["claim"].pk])
    response = client.post(url, {"to": "submitted", "reference": "GL-88", "amount": "300"})
    assert response.status_code == 302
    world["claim"].refresh_from_db()
    assert (world["claim"].status, world["claim"].amount) == (ClaimStatus.SUBMITTED, 300)

    response = client.post(url, {"to": "rejected"})
    assert "Say why the claim was rejected." in response.content.decode()
