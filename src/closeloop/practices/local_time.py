"""Times as people read them: in the practice's time zone, in the reader's language.

Every time stated to a patient (scripts, texts, emails, pages) comes from ``for_patient`` and
the item's tracked promise; staff screens use ``for_staff`` (labelled with the zone's
abbreviation). Never format an aware UTC datetime directly.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.dateformat import format as date_format

#: How a promise reads to a patient, per language (Django's date format characters).
PATIENT_FORMATS = {
    "en": r"l, F j \a\t g:i A",
    "es": r"\e\l l j \d\e F \a \l\a\s G:i",
}
STAFF_FORMAT = "D M j, g:i A T"


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(practice: Any, when: datetime) -> datetime:
    """``when`` on the practice's clock."""
    return when.astimezone(zone(practice.timezone))


def for_patient(practice: Any, when: datetime, language: str) -> str:
    """'Monday, November 30 at 12:00 PM' / 'el lunes 30 de noviembre a las 12:00'."""
    language = language if language in PATIENT_FORMATS else "en"
    moment = local(practice, when)
    with translation.override(language):
        text = date_format(moment, PATIENT_FORMATS[language])
    if language == "es" and moment.hour == 1:
        text = text.replace(" a las 1:", " a la 1:")
    return text


def for_staff(practice: Any, when: datetime | None, fmt: str = STAFF_FORMAT) -> str:
    """'Mon Nov 30, 12:00 PM CST': the practice's time, labelled with its zone."""
    if when is None:
        return ""
    moment = local(practice, when)
    if fmt == STAFF_FORMAT:
        # The staff screens' one format, built directly: a queue page states ~100 times and
        # switching the translation for each cost more than the rest of the row.
        hour = moment.hour % 12 or 12
        return (
            f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day}, "
            f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'} {moment.tzname()}"
        )
    with translation.override("en"):
        return date_format(moment, fmt)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
