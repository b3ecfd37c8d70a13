import django_filters
import pytest

from aftersales.core.lists import filtered_rows
from aftersales.customers.models import Customer
from aftersales.testing.factories import CustomerFactory


class CreatedFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")

    class Meta:
        model = Customer
        fields: list = []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (None, 2),  # no filter: the whole list
        ({"since": "2000-01-01"}, 2),  # a filter: what matches
        ({"since": "2999-01-01"}, 0),
        ({"since": "not a date"}, 0),  # an invalid filter: nothing, not everything
    ],
)
def test_a_list_shows_what_its_filters_select(params, expected):
    CustomerFactory.create_batch(2)

    rows = filtered_rows(CreatedFilter(params, queryset=Customer.objects.all()))

    assert rows.count() == expected
