"""Storing appointment records: one upsert and one patient matcher for every source."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from closeloop.appointments.models import Appointment, AppointmentStatus, Match, Mode
from closeloop.appointments.records import AppointmentRecord, PatientRecord, RecordError
from closeloop.lib import dates
from closeloop.patients.models import Patient
from closeloop.patients.services import patient_create
from closeloop.practices.models import LANGUAGE_CODE_RE, Practice
from closeloop.support_queue.lifecycle import items_follow_appointment

CANDIDATE_LIMIT = 10


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: (where, reason): nothing was stored for these.
    rejected: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    patients_created: int = 0
    #: Appointments stored without a patient: staff confirm who it is.
    doubtful: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def lines(self) -> list[str]:
        lines = [
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejected)}",
            f"new patients {self.patients_created}; patient to confirm by staff {self.doubtful}",
        ]
        if self.skipped:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items()))
            lines.append(f"not imported (other resource types): {kinds}")
        lines += [f"rejected {where}: {reason}" for where, reason in self.rejected]
        return lines


@dataclass(frozen=True)
class PatientMatch:
    patient: Patient | None
    match: str
    candidates: tuple[int, ...] = ()


def _phone_q(phones: Iterable[str]) -> Q:
    phones = list(phones)
    return Q(phone__in=phones) | Q(alt_phone__in=phones)


def match_patient(practice: Practice, record: PatientRecord) -> PatientMatch:
    """The practice's patient this record is, decided only when the evidence is exact.

    1. the EHR's patient id, remembered from an earlier import;
    2. a medical record number that one patient has;
    3. name, birth date and phone number all agreeing, for exactly one patient.
    Anything less (name and birth date but another phone, phone and birth date but another
    name, several patients) is doubtful: the appointment waits for staff with the candidates.
    No candidate at all: a new patient, when the record says enough to know them again.
    """
    patients = Patient.objects.for_practice(practice)
    if record.ehr_id:
        known = patients.filter(ehr_id=record.ehr_id).first()
        if known is not None:
            return PatientMatch(known, Match.MATCHED)
    if record.mrns:
        by_mrn = list(patients.filter(mrn__in=record.mrns)[:2])
        if len(by_mrn) == 1:
            return PatientMatch(by_mrn[0], Match.MATCHED)
    same_name = Q(first_name__iexact=record.first_name, last_name__iexact=record.last_name)
    if record.has_name and record.birth_date and record.phones:
        exact = list(
            patients.filter(same_name, _phone_q(record.phones), date_of_birth=record.birth_date)[:2]
        )
        if len(exact) == 1:
            return PatientMatch(exact[0], Match.MATCHED)
    partial = Q(pk__in=[])
    if record.has_name and record.birth_date:
        partial |= same_name & Q(date_of_birth=record.birth_date)
    if record.has_name and record.phones:
        partial |= same_name & _phone_q(record.phones)
    if record.birth_date and record.phones:
        partial |= Q(date_of_birth=record.birth_date) & _phone_q(record.phones)
    if record.last_name and record.birth_date:
        partial |= Q(last_name__iexact=record.last_name, date_of_birth=record.birth_date)
    if record.mrns:
        partial |= Q(mrn__in=record.mrns)
    if record.has_name and not (record.birth_date or record.phones or record.mrns):
        partial |= same_name  # a name alone (e.g. only a reference's display text)
    candidates = tuple(
        patients.filter(partial).order_by("pk").values_list("pk", flat=True)[:CANDIDATE_LIMIT]
    )
    if candidates or not _identifiable(record):
        return PatientMatch(None, Match.DOUBTFUL, candidates)
    return PatientMatch(None, Match.CREATED)


def _identifiable(record: PatientRecord) -> bool:
    """Enough to create a patient staff can find again: a name plus one more identifier."""
    return record.has_name and bool(record.birth_date or record.phones or record.mrns)


def create_patient(practice: Practice, record: PatientRecord) -> Patient:
    language = record.language if LANGUAGE_CODE_RE.match(record.language or "") else "en"
    mrn = record.mrns[0] if record.mrns else ""
    if mrn and Patient.objects.filter(practice=practice, mrn=mrn).exists():
        mrn = ""
    return patient_create(
        practice=practice,
        first_name=record.first_name,
        last_name=record.last_name,
        date_of_birth=record.birth_date,
        phone=record.phones[0] if record.phones else "",
        alt_phone=record.phones[1] if len(record.phones) > 1 else "",
        email=record.email,
        preferred_language=language,
        mrn=mrn[:64],
        ehr_id=record.ehr_id,
    )


def remember_ehr_id(patient: Patient, ehr_id: str) -> None:
    """Next import matches this patient exactly by the EHR's id."""
    if ehr_id and not patient.ehr_id:
        taken = Patient.objects.filter(practice_id=patient.practice_id, ehr_id=ehr_id).exists()
        if not taken:
            patient.ehr_id = ehr_id
            patient.save(update_fields=["ehr_id"])


def _check(record: AppointmentRecord) -> None:
    if not record.external_id or len(record.external_id) > 64:
        raise RecordError("an appointment id of 1 to 64 characters is required")
    if record.status not in AppointmentStatus.values:
        raise RecordError(f"unknown appointment status {record.status!r}")
    if record.mode not in Mode.values:
        raise RecordError(f"unknown appointment mode {record.mode!r}")
    if timezone.is_naive(record.start) or (record.end and timezone.is_naive(record.end)):
        raise RecordError("appointment times need a time zone")
    for moment in (record.start, record.end):
        # Far dates overflow when converted between time zones (the one range of lib.dates).
        if moment is not None and not dates.in_range(moment):
            raise RecordError(f"the date {moment:%Y-%m-%d} is out of range: {dates.OUT_OF_RANGE}")
    if record.end is not None and record.end < record.start:
        raise RecordError("the appointment ends before it starts")


def _check_due(practice: Practice, record: AppointmentRecord) -> datetime | None:
    if record.mode != Mode.TELEHEALTH:
        return None
    return record.start - timedelta(hours=practice.telehealth_check_hours)


def _match_patient(
    appointment: Appointment, practice: Practice, record: AppointmentRecord, summary: ImportSummary
) -> None:
    """Who the visit is for, from the EHR's details: a patient matched (their EHR id
    remembered), a new patient made, or a doubt kept for staff (the candidates and details)."""
    found = match_patient(practice, record.patient)
    patient = found.patient
    if found.match == Match.CREATED:
        patient = create_patient(practice, record.patient)
        summary.patients_created += 1
    elif patient is not None:
        remember_ehr_id(patient, record.patient.ehr_id)
    appointment.patient = patient
    appointment.match = found.match
    appointment.patient_candidates = list(found.candidates)
    appointment.patient_details = record.patient.as_json() if found.match == Match.DOUBTFUL else {}
    if found.match == Match.DOUBTFUL:
        summary.doubtful += 1


def _ask_again(appointment: Appointment) -> None:
    """A confirmation was for the old time (or the old server's visit): the visit is
    reminded and asked for again (outreach)."""
    appointment.check_reminded_at = None
    appointment.confirmation_asked_at = None
    appointment.confirmed_at, appointment.confirmed_how = None, ""
    appointment.confirmation_written_back_at = None


@transaction.atomic
def upsert_appointment(
    practice: Practice,
    record: AppointmentRecord,
    source: str,
    summary: ImportSummary,
    *,
    fhir_server: str = "",
) -> Appointment | None:
    """Create or update one appointment (and its new patient) in one transaction.

    An unchanged record from the same server writes nothing. A staff decision about the
    patient is kept while the visit is read from the same server. ``fhir_server`` is where
    the record was read (``client.server_fingerprint``, "" for a file or a CSV): the visit's
    data is now that server's, so a confirmation is written back only there.
    """
    _check(record)
    now = timezone.now()
    fingerprint = record.fingerprint()
    existing = (
        Appointment.objects.select_for_update()
        .filter(practice=practice, source=source, external_id=record.external_id)
        .first()
    )
    if (
        existing is not None
        and existing.fingerprint == fingerprint
        and existing.fhir_server == fhir_server
    ):
        summary.count("unchanged")
        return existing
    appointment = existing or Appointment(
        practice=practice, source=source, external_id=record.external_id, imported_at=now
    )
    # Read from another server, the same id may be another person's visit: staff's choice of
    # patient and the confirmation were about the first server's.
    other_server = existing is not None and existing.fhir_server != fhir_server
    if existing is None or existing.match != Match.STAFF or other_server:
        _match_patient(appointment, practice, record, summary)
    if existing is not None and (existing.start != record.start or other_server):
        _ask_again(appointment)
    appointment.start = record.start
    appointment.end = record.end
    appointment.status = record.status
    appointment.mode = record.mode
    appointment.kind = record.kind
    appointment.check_due_at = _check_due(practice, record)
    appointment.fingerprint = fingerprint
    appointment.fhir_server = fhir_server
    appointment.updated_at = now
    appointment.save()
    if existing is not None:
        items_follow_appointment(appointment)
    summary.count("updated" if existing is not None else "created")
    return appointment


Progress = Callable[[int], None]


def import_records(
    practice: Practice,
    records: Iterable[tuple[str, Callable[[], AppointmentRecord]]],
    source: str,
    summary: ImportSummary,
    progress: Progress | None = None,
    *,
    fhir_server: str = "",
) -> ImportSummary:
    """Each record is built and stored on its own: a bad one is rejected with its reason and
    nothing of it is stored; the others go on."""
    for where, build in records:
        try:
            upsert_appointment(practice, build(), source, summary, fhir_server=fhir_server)
        except RecordError as exc:
            summary.rejected.append((where, str(exc)))
        except ValidationError as exc:
            summary.rejected.append((where, f"the patient could not be created: {_message(exc)}"))
        if progress is not None:
            progress(1)
    return summary


def _message(exc: Any) -> str:
    messages = getattr(exc, "message_dict", None)
    if messages:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in messages.items())
    return str(exc)
