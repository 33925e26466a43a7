"""Finding patients, always within the practices the user serves."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from closeloop.core.types import Viewer
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.patients.models import Patient

LOOKUP_LIMIT = 10
Row = TypeVar("Row", bound=Model)
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%d.%m.%Y")


def as_date(text: str) -> date | None:
    """A calendar date typed the ways staff and spreadsheets write them, or None."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007  (a calendar date)
        except ValueError:
            continue
    return None


#: Longer than any name, MRN or phone number: such a query matches nobody (and SQLite refuses
#: a LIKE pattern of 50,000 bytes with an error).
MAX_QUERY = 200


def patient_search(
    user: Viewer, query: str, *, practice_id: int | None = None
) -> QuerySet[Patient]:
    """Patients matching a phone number, a date of birth, an MRN or name words.

    Phone: the full number in any format, or at least four trailing digits. Names: every word
    must match the start of the first or last name.
    """
    patients = Patient.objects.for_user(user).select_related("practice")
    if practice_id is not None:
        patients = patients.filter(practice_id=practice_id)
    text = query.strip()
    if not text or len(text) > MAX_QUERY:
        return patients.none()
    birth_date = as_date(text)
    digits = re.sub(r"\D", "", text)
    if birth_date is not None:
        condition = Q(date_of_birth=birth_date)
    elif digits and len(digits) >= 4 and len(digits) >= len(re.sub(r"[\s()+.-]", "", text)):
        try:
            full = normalize_phone(text)
            condition = Q(phone=full) | Q(alt_phone=full)
        except PhoneError:
            condition = Q(phone__endswith=digits) | Q(alt_phone__endswith=digits)
    else:
        condition = Q(mrn__iexact=text)
        words = Q()
        for word in text.split()[:3]:
            words &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
        condition |= words
    return patients.filter(condition).order_by("last_name", "first_name", "id")[:LOOKUP_LIMIT]


def get_patient_for_user(user: Viewer, pk: int) -> Patient:
    """The patient, or ``Patient.DoesNotExist`` when missing *or* of another practice."""
    return Patient.objects.for_user(user).select_related("practice").get(pk=pk)


def one_patients_latest(rows: QuerySet[Row], patient: str) -> Row | None:
    """The first of ``rows`` (questions sent to one number, latest first) when every one of
    them was asked of the same patient (``patient``: the lookup path to the patient's id), else
    None. A number shared by several patients (a household) with questions open for more than
    one of them answers none: "C" or "No" cannot say whose question it answers, so the text is
    filed for a person. The one rule for every reply read by the number it came from."""
    latest = rows.first()
    if latest is None:
        return None
    asked = set(rows.order_by().values_list(patient, flat=True).distinct()[:2])
    return latest if len(asked) == 1 and None not in asked else None
