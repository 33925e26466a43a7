"""The dates Closeloop accepts from anyone, through any door: one range, one message.

Python's dates end at year 9999 and begin at year 1, so an instant near either end overflows
when it is converted between time zones or moved by business-hours arithmetic (which searches
up to ten years ahead). Years outside ``FIRST_YEAR``..``LAST_YEAR`` are typos or attacks: the
API, the pages, the query parameters and the importers refuse them with ``OUT_OF_RANGE``.
Pure functions, no Django.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

FIRST_YEAR, LAST_YEAR = 1900, 2999
OUT_OF_RANGE = f"year must be between {FIRST_YEAR} and {LAST_YEAR}"

#: How a browser's ``datetime-local`` input sends a time (``2026-11-30T09:15``), also with a
#: space, and optional seconds.
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

D = TypeVar("D", date, datetime)


class DateOutOfRange(ValueError):
    def __init__(self) -> None:
        super().__init__(OUT_OF_RANGE)


def in_range(value: date) -> bool:
    return FIRST_YEAR <= value.year <= LAST_YEAR


def check(value: D) -> D:
    """``value`` itself, or ``DateOutOfRange``."""
    if not in_range(value):
        raise DateOutOfRange
    return value


def parse_day(text: str) -> date:
    """``2026-11-30`` -> a date in range; ``ValueError`` saying what is wrong otherwise."""
    text = text.strip()
    try:
        if not _DAY.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"use a date as YYYY-MM-DD, not {text[:20]!r}") from None
    return check(day)


def parse_local(text: str, zone: ZoneInfo) -> datetime:
    """A local date and time (``2026-11-30T09:15``) on ``zone``'s clock, in range;
    ``ValueError`` saying what is wrong otherwise."""
    text = text.strip()
    for layout in LOCAL_FORMATS:
        try:
            moment = datetime.strptime(text, layout)  # noqa: DTZ007  (the zone follows)
        except ValueError:
            continue
        return check(moment).replace(tzinfo=zone)
    raise ValueError(f"use a date and time as YYYY-MM-DD HH:MM, not {text[:20]!r}")
