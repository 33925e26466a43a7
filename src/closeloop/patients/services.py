"""Writes for patients."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.patients.models import Patient
from closeloop.practices.models import LANGUAGE_CODE_RE, Practice


def _phone_field(field: str, raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except PhoneError as exc:
        raise ValidationError({field: str(exc)}) from None


@transaction.atomic
def patient_create(
    *,
    practice: Practice,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    phone: str = "",
    alt_phone: str = "",
    email: str = "",
    preferred_language: str = "en",
    mrn: str = "",
    external_ids: dict[str, str] | None = None,
    ehr_id: str = "",
) -> Patient:
    """Create a patient; phone numbers are normalised to E.164 or refused with the reason."""
    if not LANGUAGE_CODE_RE.match(preferred_language):
        raise ValidationError({"preferred_language": "use an ISO 639 code such as en or es"})
    patient = Patient(
        practice=practice,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        phone=_phone_field("phone", phone),
        alt_phone=_phone_field("alt_phone", alt_phone),
        email=email.strip(),
        preferred_language=preferred_language,
        mrn=mrn.strip(),
        external_ids=external_ids or {},
        ehr_id=ehr_id,
    )
    patient.full_clean()
    patient.save()
    return patient
