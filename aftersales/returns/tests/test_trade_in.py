"""Trade-in (折价回收): the valuation table a manager edits, valuation by model, age and
condition, credits issued for the old unit and used on a new purchase; the pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.assets.models import UnitStatus
from aftersales.core.errors import Conflict, DomainError, NotAllowed
from aftersales.returns import services
from aftersales.returns.models import TradeInCredit, TradeInRate
from aftersales.testing.factories import UnitFactory
from aftersales.warranty.dates import add_months

pytestmark = pytest.mark.django_db


def unit_aged(customer, product, months, days=0):
    bought = add_months(timezone.localdate(), -months) - datetime.timedelta(days=days)
    return UnitFactory(customer=customer, product=product, purchased_on=bought)


def test_age_in_whole_months():
    assert services.age_in_months(datetime.date(2026, 3, 15), datetime.date(2026, 4, 14)) == 0
    assert services.age_in_months(datetime.date(2026, 3, 15), datetime.date(2026, 4, 15)) == 1
    assert services.age_in_months(datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)) == 1
    assert services.age_in_months(datetime.date(2025, 11, 1), datetime.date(2026, 11, 1)) == 12


def test_the_most_specific_rate_for_the_age_and_condition_values_the_unit(
    customer, phone_model, trade_in_rates
):
    young = unit_aged(customer, phone_model, 3)
    assert services.valuation(young, "as_new").value == Decimal("2200")  # product rate
    assert services.valuation(young, "good").value == Decimal("1500")  # category, 0–12
    old = unit_aged(customer, phone_model, 30)
    assert services.valuation(old, "good").value == Decimal("800")  # category, 12+
    with pytest.raises(DomainError, match="No trade-in rate"):
        services.valuation(old, "as_new")
    old.purchased_on = None
    with pytest.raises(DomainError, match="purchase date"):
        services.valuation(old, "good")


def test_a_credit_is_issued_once_and_used_once(agent, customer, phone_model, trade_in_rates):
    old = unit_aged(customer, phone_model, 14)
    credit = services.issue_credit(agent, old, "good")
    assert credit.number.startswith("TI-") and credit.value == Decimal("800")
    assert credit.age_months == 14
    old.refresh_from_db()
    assert old.status == UnitStatus.RETURNED
    with pytest.raises(DomainError):
        services.issue_credit(agent, old, "good")
    with pytest.raises(DomainError, match="new unit or the purchase"):
        services.use_credit(agent, credit)
    stranger = UnitFactory(product=phone_model)
    with pytest.raises(DomainError, match="another customer"):
        services.use_credit(agent, credit, new_unit=stranger)
    credit = services.use_credit(agent, credit, reference="JD-20261124-01")
    assert credit.status == "used" and credit.used_reference == "JD-20261124-01"
    with pytest.raises(Conflict):
        services.use_credit(agent, credit, reference="again")


def test_only_managers_change_the_rate_table(agent, manager, phones):
    rate = TradeInRate(category=phones, condition="fair", min_age_months=0, value=Decimal("300"))
    with pytest.raises(NotAllowed):
        services.save_rate(rate, agent)
    services.save_rate(rate, manager)
    clash = TradeInRate(category=phones, condition="fair", min_age_months=24, value=Decimal("1"))
    with pytest.raises(Conflict):
        services.save_rate(clash, manager)
    band = TradeInRate(
        category=phones, condition="poor", min_age_months=6, max_age_months=6, value=Decimal("1")
    )
    with pytest.raises(DomainError, match="age band"):
        services.save_rate(band, manager)


def test_valuation_page_values_and_issues_the_credit(
    client, agent, customer, phone_model, trade_in_rates
):
    old = unit_aged(customer, phone_model, 2)
    client.force_login(agent)
    url = reverse("returns:trade_in")
    page = client.get(url, {"serial_number": old.serial_number, "condition": "good"})
    assert "1500.00 CNY" in page.content.decode()
    response = client.post(url, {"serial_number": old.serial_number, "condition": "good"})
    assert response.status_code == 302
    credit = TradeInCredit.objects.get()
    page = client.get(url).content.decode()
    assert f'data-credit="{credit.number}"' in page
    new = UnitFactory(customer=customer, product=phone_model)
    use = reverse("returns:credit_use", args=[credit.number])
    assert client.post(use, {"new_serial": new.serial_number}).status_code == 302
    credit.refresh_from_db()
    assert credit.status == "used" and credit.used_on_unit == new
    response = client.get(url, {"serial_number": "NOPE", "condition": "good"})
    assert response.status_code == 400


def test_managers_edit_the_rate_and_deduction_tables_in_the_ui(client, manager, agent, phones):
    client.force_login(agent)
    assert client.get(reverse("returns:rates")).status_code == 200
    assert client.get(reverse("returns:rate_create")).status_code == 403
    assert client.get(reverse("returns:deduction_create")).status_code == 403
    client.force_login(manager)
    response = client.post(
        reverse("returns:rate_create"),
        {"category": phones.pk, "condition": "good", "min_age_months": "0", "value": "999"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("returns:deduction_create"),
        {"name": "耳机", "amount": "20", "percent": "5", "active": "on"},
    )
    assert response.status_code == 400
    assert "either a fixed amount or a percentage" in response.content.decode()
    response = client.post(
        reverse("returns:deduction_create"), {"name": "耳机", "percent": "5", "active": "on"}
    )
    assert response.status_code == 302
    page = client.get(reverse("returns:deductions")).content.decode()
    assert "耳机" in page and "5.00 %" in page
