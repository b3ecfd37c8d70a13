"""Phone numbers: one canonical spelling so that a caller is found however it was typed.

"138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "0086 13800138000" and
"8613800138000" all become "+8613800138000"; "(010) 6552-9988" becomes "+861065529988".
A number that cannot be parsed keeps its digits, so it is still found by them.
"""

import re
import unicodedata

import phonenumbers
from django.conf import settings

_NON_DIGITS = re.compile(r"\D+", re.ASCII)
# An extension after the number: "010-6552 9988 转 8001", "分机 8001", "ext. 8001", "x8001".
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*\d+\s*$", re.IGNORECASE)


def _halfwidth(raw: str) -> str:
    # Chinese input methods often type full-width digits and signs ("（０１０）６５５２－９９８８");
    # NFKC turns them into the ASCII ones.
    return unicodedata.normalize("NFKC", raw or "")


def digits(raw: str) -> str:
    return _NON_DIGITS.sub("", _halfwidth(raw))


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return the E.164 form of `raw`, its bare digits if not a valid number, or ''.

    An extension is left out: a caller dials in through the switchboard's number.
    """
    raw = _EXTENSION.sub("", _halfwidth(raw).strip())
    only_digits = digits(raw)
    if not only_digits:
        return ""
    region = region or settings.PHONE_DEFAULT_REGION
    candidates = [raw]
    # People often write the country code without '+' or '00' ("86 138...").
    country_code = str(phonenumbers.country_code_for_region(region))
    if not raw.startswith(("+", "00")) and only_digits.startswith(country_code):
        candidates.append("+" + only_digits)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return _national_digits(raw, only_digits, country_code)


def _national_digits(raw: str, only_digits: str, country_code: str) -> str:
    """The digits of a number we cannot validate, without our own country code.

    A range newer than the phone-number metadata ("+86 194…") must still match the same
    number typed without the code ("194…"), or one caller becomes two customers.
    """
    for prefix in (f"00{country_code}", country_code):
        explicit = raw.startswith(("+", "00")) or prefix.startswith("00")
        if only_digits.startswith(prefix) and explicit:
            return only_digits[len(prefix) :]
    return only_digits


def looks_like_phone(query: str) -> bool:
    """True when a search box entry is mostly a number (digits, spaces, + - ( ))."""
    query = _halfwidth(query).strip()
    return len(digits(query)) >= 4 and not re.search(r"[^\d\s+\-()]", query)
