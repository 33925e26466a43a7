"""Database ids from untrusted text: 64-bit and positive, or nothing.

A number beyond 64 bits overflows SQLite's integer binding (a 500), and can never be an id.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


def is_digits(text: str) -> bool:
    """Only ASCII digits: ``"²".isdigit()`` is True, yet ``int("²")`` raises."""
    return text.isascii() and text.isdigit()


def parse_id(value: object) -> int | None:
    """``"42"`` or ``42`` -> 42; anything else (including huge numbers) -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and is_digits(value) and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None
