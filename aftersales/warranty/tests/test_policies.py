"""Warranty policies: terms that make sense, one policy per scope, longer component terms,
and which products each policy decides for (the same answer as the decision)."""

import pytest
from django.core.exceptions import ValidationError

from aftersales.core.errors import NotAllowed
from aftersales.testing.factories import CategoryFactory, ProductFactory
from aftersales.warranty import selectors, services
from aftersales.warranty.decision import policy_for
from aftersales.warranty.models import ComponentWarranty, WarrantyPolicy
from aftersales.warranty.services import ComponentTerm


@pytest.fixture
def aircon(db):
    return CategoryFactory(code="AC", name="空调")


def save(manager, terms=None, **fields):
    policy = WarrantyPolicy(**({"name": "空调三包"} | fields))
    return services.save_policy(policy, actor=manager, terms=terms)


def stored_policies():
    return (
        list(WarrantyPolicy.objects.order_by("pk").values()),
        list(ComponentWarranty.objects.order_by("pk").values()),
    )


def test_a_category_policy_with_component_terms(manager, aircon):
    # when
    policy = save(
        manager,
        category=aircon,
        return_days=7,
        exchange_days=15,
        repair_months=12,
        terms=[ComponentTerm("压缩机", 36), ComponentTerm(" 主板 ", 24)],
    )

    # then
    policy.refresh_from_db()
    assert policy.scope == "空调"
    terms = {t.component: t.months for t in policy.component_terms.all()}
    assert terms == {"压缩机": 36, "主板": 24}


def test_sending_terms_replaces_them_and_none_keeps_them(manager, aircon):
    policy = save(manager, category=aircon, terms=[ComponentTerm("压缩机", 36)])

    services.save_policy(policy, actor=manager, terms=[ComponentTerm("电机", 24)])
    assert list(policy.component_terms.values_list("component", "months")) == [("电机", 24)]

    policy.notes = "以发票日期为准"
    services.save_policy(policy, actor=manager)
    assert list(policy.component_terms.values_list("component", "months")) == [("电机", 24)]


@pytest.mark.parametrize(
    ("fields", "terms", "errors"),
    [
        (
            {"return_days": 7, "exchange_days": 5},
            None,
            {
                "exchange_days": [
                    "The exchange window (5 days) cannot be shorter than the return window "
                    "(7 days)."
                ]
            },
        ),
        (
            {"exchange_days": 30, "repair_months": 1},
            None,
            {
                "repair_months": [
                    "The repair warranty (1 month) cannot end before the exchange window (30 days)."
                ]
            },
        ),
        (
            {"repair_months": 12},
            [ComponentTerm("压缩机", 12)],
            {
                "component_terms": [
                    "The 压缩机 term (12 months) must be longer than the repair warranty "
                    "(12 months), or it changes nothing."
                ]
            },
        ),
        (
            {},
            [ComponentTerm("压缩机", 36), ComponentTerm("压缩机", 48)],
            {"component_terms": ["压缩机 is listed twice."]},
        ),
        ({"name": ""}, None, {"name": ["This field cannot be blank."]}),
    ],
)
def test_terms_that_make_no_sense_are_refused(manager, aircon, fields, terms, errors):
    before = stored_policies()
    with pytest.raises(ValidationError) as refused:
        save(manager, terms=terms, **({"category": aircon} | fields))
    assert refused.value.message_dict == errors
    assert stored_policies() == before


def test_raising_the_repair_warranty_past_a_component_term_is_refused(manager, aircon):
    policy = save(manager, category=aircon, terms=[ComponentTerm("压缩机", 36)])
    policy.repair_months = 36
    with pytest.raises(ValidationError) as refused:
        services.save_policy(policy, actor=manager)
    assert "The 压缩机 term (36 months) must be longer" in str(refused.value)


def test_a_second_default_policy_is_refused(manager):
    save(manager, name="默认三包")
    before = stored_policies()

    with pytest.raises(ValidationError) as refused:
        save(manager, name="另一个默认")

    assert refused.value.message_dict == {
        "__all__": ["There is already a default policy; give this one a category or product."]
    }
    assert stored_policies() == before


def test_a_second_policy_for_a_category_names_the_first(manager, aircon):
    save(manager, category=aircon, name="空调三包")
    with pytest.raises(ValidationError) as refused:
        save(manager, category=aircon, name="空调新政策")
    assert refused.value.message_dict == {
        "category": ["空调 already has a policy: 空调三包. Change that one instead."]
    }


def test_a_policy_is_for_a_category_or_a_product_not_both(manager, aircon):
    product = ProductFactory(category=aircon)
    with pytest.raises(ValidationError) as refused:
        save(manager, category=aircon, product=product)
    assert refused.value.message_dict == {
        "__all__": ["A policy is for a category or for a product, not both."]
    }


@pytest.mark.parametrize("role", ["agent", "dispatcher", "technician", "partner", "customer"])
def test_only_managers_change_policies(role, users, aircon):
    with pytest.raises(NotAllowed):
        save(users[role], category=aircon)
    assert WarrantyPolicy.objects.count() == 0


def test_coverage_agrees_with_the_decision(manager, aircon):
    # given a default, a category with a subcategory, and a product override
    inverter = CategoryFactory(code="AC-INV", name="变频空调", parent=aircon)
    tv = CategoryFactory(code="TV", name="电视")
    default = save(manager, name="默认三包")
    category = save(manager, name="空调三包", category=aircon)
    products = {
        "split": ProductFactory(category=aircon, name="分体空调"),
        "inverter": ProductFactory(category=inverter, name="变频挂机"),
        "special": ProductFactory(category=inverter, name="商用中央空调"),
        "tv": ProductFactory(category=tv, name="液晶电视"),
    }
    override = save(manager, name="商用三包", product=products["special"])

    # when
    policies = list(WarrantyPolicy.objects.all())
    coverage = selectors.policy_coverage(policies, keep_all=True)

    # then every product is counted under the policy that decides for it
    for product in products.values():
        decided = policy_for(product)
        assert product in coverage[decided.pk].products
    assert coverage[category.pk].count == 2
    assert coverage[override.pk].count == 1
    assert [p.name for p in coverage[default.pk].sample] == ["液晶电视"]


def test_without_any_policy_products_get_the_statutory_terms(db):
    ProductFactory()
    coverage = selectors.policy_coverage([])
    assert coverage[None].count == 1
