"""Phone numbers: stored E.164, parsed with the ``phonenumbers`` library."""

from __future__ import annotations

import phonenumbers


class PhoneError(ValueError):
    """A phone number that cannot be dialled."""


def normalize_phone(raw: str, *, region: str = "US") -> str:
    """``"(312) 555-0142"`` -> ``"+13125550142"``; raises PhoneError naming the problem."""
    text = (raw or "").strip()
    if not text:
        raise PhoneError("phone number is empty")
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise PhoneError("not a phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise PhoneError("phone number has the wrong number of digits")
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneError("phone number is not a valid number for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A stored E.164 number in the national format people read aloud."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
