"""Read-side queries of the warranty pages and API, with a bounded number of SQL queries."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from aftersales.catalog.models import Category, Product
from aftersales.warranty.models import ContractEvent, ServiceContract, WarrantyPolicy

SAMPLE = 5


def contract_rows(queryset: QuerySet[ServiceContract]) -> QuerySet[ServiceContract]:
    """What a contract list row shows, fetched with the rows: one query per page."""
    return queryset.select_related("customer", "plan").annotate(unit_count=Count("units"))


def contract_history(contract: ServiceContract) -> QuerySet[ContractEvent]:
    return contract.events.select_related("actor")


@dataclass
class Coverage:
    """The products a policy decides for: how many, and the first few by name."""

    count: int = 0
    sample: list[Product] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)


def policy_coverage(
    policies: list[WarrantyPolicy], keep_all: bool = False
) -> dict[int | None, Coverage]:
    """Which products each policy applies to, keyed by policy id (None: the statutory terms).

    The same choice as `warranty.decision.policy_for` — the product's own policy, else the
    nearest category's up the tree, else the default — made for the whole catalogue in
    three queries instead of a few per product.
    """
    by_product = {p.product_id: p for p in policies if p.product_id}
    by_category = {p.category_id: p for p in policies if p.category_id}
    defaults = sorted((p for p in policies if not p.product_id and not p.category_id), key=_pk)
    default = defaults[0] if defaults else None
    parents = dict(Category.objects.values_list("id", "parent_id"))

    def for_category(category_id):
        seen = set()
        while category_id is not None and category_id not in seen:
            seen.add(category_id)
            if category_id in by_category:
                return by_category[category_id]
            category_id = parents.get(category_id)
        return None

    result: dict[int | None, Coverage] = {}
    products = Product.objects.only("id", "sku", "name", "category_id").order_by("name", "id")
    for product in products:
        policy = by_product.get(product.pk) or for_category(product.category_id) or default
        coverage = result.setdefault(policy.pk if policy else None, Coverage())
        coverage.count += 1
        if len(coverage.sample) < SAMPLE:
            coverage.sample.append(product)
        if keep_all:
            coverage.products.append(product)
    return result


def _pk(policy: WarrantyPolicy) -> int:
    return policy.pk or 0


def policy_rows() -> list[WarrantyPolicy]:
    """Every policy with its scope, component terms and the products it covers."""
    policies = list(
        WarrantyPolicy.objects.select_related("category", "product").prefetch_related(
            "component_terms"
        )
    )
    coverage = policy_coverage(policies)
    for policy in policies:
        policy.coverage = coverage.get(policy.pk, Coverage())
    policies.sort(key=lambda p: (2 if p.product_id else 1 if p.category_id else 0, p.name))
    return policies
