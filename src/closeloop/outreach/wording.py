"""What staff read to a patient on a confirmation call (the VA's call list), in the patient's
language: a catalog string like every word a patient hears."""

from __future__ import annotations

from closeloop.appointments.models import Appointment
from closeloop.core.languages import words
from closeloop.practices.local_time import for_patient

CALL_SCRIPT = words(
    "confirmation call script, read to the patient",
    "Hello {first_name}, this is {practice}. I am calling to confirm your visit on {visit_time}. "
    "Can you still come? If not, we can find another time now.",
)


def call_script(visit: Appointment) -> tuple[str, str]:
    """(language, the script in it) for the visit's patient; English when the catalog lacks
    the patient's language."""
    patient = visit.patient
    language = patient.preferred_language if patient else "en"
    if not CALL_SCRIPT.translated_in(language):
        language = "en"
    return language, CALL_SCRIPT.said_in(language).format(
        first_name=patient.first_name if patient else "",
        practice=visit.practice.name,
        visit_time=for_patient(visit.practice, visit.start, language),
    )
