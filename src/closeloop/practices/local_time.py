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

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from closeloop.core.languages import SOURCE, words

#: How a promise reads to a patient, in Django's date format characters (each catalog writes
#: its language's: "el martes 17 de noviembre a las 11:30"), and at one o'clock ("a la 1:30").
PATIENT_FORMAT = words(
    "a date and time told to a patient (Django date format characters)",
    r"l, F j \a\t g:i A",
)
PATIENT_FORMAT_AT_ONE = words(
    "the same, when the hour is 1 (Spanish says 'a la 1:30', not 'a las')",
    r"l, F j \a\t g:i A",
)
#: The same for a time in another year than the patient's current one ("Tuesday, January 5,
#: 2027 at 11:30 AM"): a date without its year is wrong for a year.
PATIENT_FORMAT_WITH_YEAR = words(
    "a date and time told to a patient, in another year (Django date format characters)",
    r"l, F j, Y \a\t g:i A",
)
PATIENT_FORMAT_WITH_YEAR_AT_ONE = words(
    "the same with the year, when the hour is 1 (Spanish says 'a la 1:30', not 'a las')",
    r"l, F j, Y \a\t g:i A",
)
STAFF_FORMAT = "D M j, g:i A T"
#: The same for a time in another year than the reader's current one (a far deadline, an
#: absence until next spring, last December's sign-in).
STAFF_FORMAT_WITH_YEAR = "D M j, Y, g:i A T"


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(practice: Any, when: datetime) -> datetime:
    """``when`` on the practice's clock."""
    return when.astimezone(zone(practice.timezone))


def for_patient(practice: Any, when: datetime, language: str) -> str:
    """'Monday, November 30 at 12:00 PM' / 'el lunes 30 de noviembre a las 12:00'; with the
    year when it is not the current year on the practice's clock."""
    language = language if PATIENT_FORMAT.translated_in(language) else SOURCE
    moment = local(practice, when)
    if moment.year == local(practice, timezone.now()).year:
        pattern = PATIENT_FORMAT_AT_ONE if moment.hour == 1 else PATIENT_FORMAT
    else:
        at_one = moment.hour == 1
        pattern = PATIENT_FORMAT_WITH_YEAR_AT_ONE if at_one else PATIENT_FORMAT_WITH_YEAR
    with translation.override(language):
        return date_format(moment, pattern.said_in(language))


def for_staff(practice: Any, when: datetime | None, fmt: str = STAFF_FORMAT) -> str:
    """'Mon Nov 30, 12:00 PM CST': the practice's time, labelled with its zone; with the year
    ('Tue Mar 4, 2031, 9:00 AM CST') when it is not the current year on that clock."""
    if when is None:
        return ""
    moment = local(practice, when)
    if fmt == STAFF_FORMAT:
        # The staff screens' one format, built directly: a queue page states ~100 times and
        # switching the translation for each cost more than the rest of the row.
        hour = moment.hour % 12 or 12
        year = "" if moment.year == local(practice, timezone.now()).year else f", {moment.year}"
        return (
            f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day}{year}, "
            f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'} {moment.tzname()}"
        )
    with translation.override("en"):
        return date_format(moment, fmt)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
