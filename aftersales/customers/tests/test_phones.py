"""Phone numbers: every common spelling of a number finds the same customer."""

import pytest

from aftersales.customers.phones import digits, looks_like_phone, normalize_phone
from aftersales.customers.services import search_customers
from aftersales.testing.factories import ContactFactory, CustomerFactory

MOBILE = [
    "13800138000",
    "138 0013 8000",
    "138-0013-8000",
    "+86 138 0013 8000",
    "+86-138-0013-8000",
    "0086 13800138000",
    "8613800138000",
    "86 138 0013 8000",
    " 13800138000 ",
    "１３８００１３８０００",  # full-width, as Chinese input methods type it
    "＋８６ １３８ ００１３ ８０００",
]
LANDLINE = [
    "(010) 6552-9988",
    "010-65529988",
    "010 6552 9988",
    "+86 10 6552 9988",
    "0086 10 65529988",
    "861065529988",
    "（０１０）６５５２－９９８８",
    "010-65529988 转 8001",  # an extension: callers come in through the switchboard
    "010-65529988转8001",
    "010 6552 9988 分机 12",
    "(010) 6552-9988 ext. 12",
]


@pytest.mark.parametrize("spelling", MOBILE)
def test_mobile_spellings_are_one_number(spelling):
    assert normalize_phone(spelling) == "+8613800138000"


@pytest.mark.parametrize("spelling", LANDLINE)
def test_landline_spellings_are_one_number(spelling):
    assert normalize_phone(spelling) == "+861065529988"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0755-8888 6666", "+8675588886666"),
        ("400-800-8888", "+864008008888"),
        ("+852 2345 6789", "+85223456789"),
        ("+1 415 555 2671", "+14155552671"),
        ("001 415 555 2671", "+14155552671"),
        # not a valid number: its digits are kept so it is still found by them
        ("6552 9988", "65529988"),
        ("95533", "95533"),
        ("138 0013 800", "1380013800"),
        ("", ""),
        ("   ", ""),
        ("无", ""),
        (None, ""),
    ],
)
def test_other_numbers(raw, normalized):
    assert normalize_phone(raw) == normalized


def test_the_default_region_decides_numbers_without_a_country_code(settings):
    # given a service desk in Hong Kong
    settings.PHONE_DEFAULT_REGION = "HK"

    # when / then
    assert normalize_phone("2345 6789") == "+85223456789"


@pytest.mark.parametrize(
    ("query", "is_phone"),
    [
        ("138 0013 8000", True),
        ("(010) 6552-9988", True),
        ("+86 138", True),
        ("8000", True),
        ("８０００", True),
        ("800", False),
        ("王小明", False),
        ("SN12345678", False),
        ("wang@example.com", False),
        ("", False),
    ],
)
def test_what_looks_like_a_phone_number(query, is_phone):
    assert looks_like_phone(query) == is_phone


def test_digits_are_ascii():
    assert digits("（０１０）６５５２－９９８８") == "01065529988"


# --- Finding the caller --------------------------------------------------------------------


@pytest.fixture
def callers(db):
    return {
        "mobile": CustomerFactory(name="王小明", phone="138-0013-8000"),
        "landline": CustomerFactory(name="北京某公司", kind="company", phone="(010) 6552-9988"),
        "other": CustomerFactory(name="李四", phone="13900000001"),
    }


@pytest.mark.parametrize("spelling", MOBILE)
def test_any_spelling_finds_the_mobile_caller(spelling, callers):
    assert list(search_customers(spelling)) == [callers["mobile"]]


@pytest.mark.parametrize("spelling", [s for s in LANDLINE if looks_like_phone(s)])
def test_any_spelling_finds_the_landline_caller(spelling, callers):
    assert list(search_customers(spelling)) == [callers["landline"]]


def test_a_contacts_number_finds_their_company(callers):
    # given a contact at the company with their own mobile
    ContactFactory(customer=callers["landline"], name="采购 陈经理", phone="+86 137 1234 5678")

    # when / then
    assert list(search_customers("137 1234 5678")) == [callers["landline"]]


@pytest.mark.parametrize(
    ("part", "found"),
    [
        ("8000", {"mobile"}),
        ("0013 8000", {"mobile"}),
        ("138 0013", {"mobile"}),
        ("6552-9988", {"landline"}),
        ("010 6552", {"landline"}),
        ("0001", {"other"}),
        ("1234", set()),
    ],
)
def test_part_of_a_number_finds_the_callers_that_contain_it(part, found, callers):
    assert {n for n, c in callers.items() if c in search_customers(part)} == found


def test_a_stored_spelling_is_normalised_again_when_changed(callers):
    # given
    customer = callers["mobile"]

    # when
    customer.phone = "0086 139 0000 0002"
    customer.save()

    # then
    customer.refresh_from_db()
    assert customer.phone == "0086 139 0000 0002"  # shown as the customer gave it
    assert customer.phone_normalized == "+8613900000002"


@pytest.mark.parametrize("typed", ["+86 194 1234 5678", "0086 19412345678", "194 1234 5678"])
def test_a_number_newer_than_the_metadata_is_one_number_with_or_without_country_code(typed):
    # 194… is not a range the phone-number library knows; it must not become two customers
    assert normalize_phone(typed) == "19412345678"
