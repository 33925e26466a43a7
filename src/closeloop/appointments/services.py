"""Writes on appointments made by staff and by the sweep (never the schedule itself)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from closeloop.appointments.importer import create_patient, remember_ehr_id
from closeloop.appointments.models import Appointment, Match
from closeloop.appointments.records import PatientRecord
from closeloop.core.types import Actor
from closeloop.patients.models import Patient
from closeloop.security import audit
from closeloop.security.models import AuditAction

#: The pre-visit telehealth checklist: step -> (when, by whom) columns.
CHECK_STEPS: dict[str, tuple[str, str]] = {
    "link_sent": ("link_sent_at", "link_sent_by"),
    "device_test_offered": ("device_test_offered_at", "device_test_offered_by"),
}
CHECK_LABELS = {
    "link_sent": "Visit link sent",
    "device_test_offered": "Device and connection test offered",
}


class AppointmentError(ValueError):
    """A refusal; ``code`` names a state the action does not apply to ("" for a bad value)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@transaction.atomic
def appointment_check_step(*, appointment: Appointment, actor: Actor, step: str) -> Appointment:
    """Tick one step of the pre-visit telehealth check (once; the first tick is kept)."""
    if step not in CHECK_STEPS:
        raise AppointmentError(f"Unknown checklist step {step!r}.")
    if not appointment.is_telehealth:
        raise AppointmentError("Only telehealth visits have a pre-visit check.", "not_telehealth")
    at_field, by_field = CHECK_STEPS[step]
    ticked = Appointment.objects.filter(pk=appointment.pk, **{f"{at_field}__isnull": True}).update(
        **{at_field: timezone.now(), by_field: actor}
    )
    appointment.refresh_from_db()
    if ticked:  # a conditional UPDATE sends no model signal: the audit row is written here
        audit.record(AuditAction.UPDATE, appointment, fields=[at_field, f"{by_field}_id"])
    return appointment


@transaction.atomic
def appointment_confirm_patient(
    *, appointment: Appointment, actor: Actor, patient: Patient | None
) -> Appointment:
    """Staff decide a doubtful match: one of the candidates, or a new patient from the EHR's
    details. The decision is kept by later imports."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    details = PatientRecord.from_json(appointment.patient_details or {})
    if patient is None and details.ehr_id:
        # A patient made earlier from the same EHR patient (another of their visits): the
        # EHR's id is theirs, the import's exact match; a second patient would break its rule.
        patient = Patient.objects.filter(
            practice_id=appointment.practice_id, ehr_id=details.ehr_id
        ).first()
    if patient is None:
        if not details.has_name:
            raise AppointmentError("The EHR sent no name for this patient: pick a candidate.")
        patient = create_patient(appointment.practice, details)
    elif patient.practice_id != appointment.practice_id:
        raise AppointmentError("The patient belongs to another practice.")
    remember_ehr_id(patient, details.ehr_id)
    appointment.patient = patient
    appointment.match = Match.STAFF
    appointment.patient_candidates = []
    appointment.patient_details = {}
    appointment.save(update_fields=["patient", "match", "patient_candidates", "patient_details"])
    return appointment
