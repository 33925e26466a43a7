"""Writes on appointments made by staff and by the sweep (never the schedule itself)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from closeloop.appointments.importer import create_patient, remember_ehr_id
from closeloop.appointments.models import ACTIVE_STATUSES, Appointment, Match, Mode
from closeloop.appointments.records import PatientRecord
from closeloop.patients.models import Patient
from closeloop.practices.defaults import TELEHEALTH_CATEGORY
from closeloop.practices.models import Category
from closeloop.queue import lifecycle
from closeloop.queue.models import OPEN_STATUSES, Channel, SupportItem
from closeloop.security import audit
from closeloop.security.models import Action

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
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def appointment_check_step(*, appointment: Appointment, actor: Any, step: str) -> Appointment:
    """Tick one step of the pre-visit telehealth check (once; the first tick is kept)."""
    if step not in CHECK_STEPS:
        raise AppointmentError(f"Unknown checklist step {step!r}.")
    if appointment.mode != Mode.TELEHEALTH:
        raise AppointmentError("Only telehealth visits have a pre-visit check.")
    at_field, by_field = CHECK_STEPS[step]
    ticked = Appointment.objects.filter(pk=appointment.pk, **{f"{at_field}__isnull": True}).update(
        **{at_field: timezone.now(), by_field: actor}
    )
    appointment.refresh_from_db()
    if ticked:  # a conditional UPDATE sends no model signal: the audit row is written here
        audit.record(Action.UPDATE, appointment, fields=[at_field, f"{by_field}_id"])
    return appointment


@transaction.atomic
def appointment_confirm_patient(
    *, appointment: Appointment, actor: Any, patient: Patient | None
) -> Appointment:
    """Staff decide a doubtful match: one of the candidates, or a new patient from the EHR's
    details. The decision is kept by later imports."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    details = PatientRecord.from_json(appointment.patient_details or {})
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


def _check_summary(appointment: Appointment) -> str:
    missing = [
        CHECK_LABELS[step].lower()
        for step, (at_field, _) in CHECK_STEPS.items()
        if getattr(appointment, at_field) is None
    ]
    return f"Pre-visit telehealth check: {' and '.join(missing)} still to do"


def visit_checks_due(now: datetime) -> int:
    """Telehealth visits whose pre-visit check came due unfinished become telehealth items,
    linked to the visit (so they are due before it and escalate if still open). Claimed with
    a conditional update: one item per visit, however many workers run this."""
    due = Appointment.objects.filter(
        check_reminded_at__isnull=True,
        mode=Mode.TELEHEALTH,
        check_due_at__lte=now,
        start__gt=now,
        status__in=ACTIVE_STATUSES,
    ).values_list("pk", flat=True)
    created = 0
    for appointment_id in list(due):
        with transaction.atomic():
            won = Appointment.objects.filter(
                pk=appointment_id, check_reminded_at__isnull=True
            ).update(check_reminded_at=now)
            if not won:
                continue
            appointment = Appointment.objects.select_related("practice", "patient").get(
                pk=appointment_id
            )
            if appointment.check_complete or appointment.patient is None:
                continue
            already = SupportItem.objects.filter(
                appointment=appointment,
                status__in=OPEN_STATUSES,
                category__code=TELEHEALTH_CATEGORY,
            ).exists()
            if already:
                continue
            _open_check_item(appointment)
            created += 1
    return created


def _open_check_item(appointment: Appointment) -> SupportItem:
    from closeloop.triage.services import after_intake

    category = Category.objects.get(practice=appointment.practice, code=TELEHEALTH_CATEGORY)
    item = lifecycle.item_create(
        practice=appointment.practice,
        category=category,
        channel=Channel.INTERNAL,
        actor=None,
        summary=_check_summary(appointment),
        patient=appointment.patient,
    )
    item = lifecycle.item_link_appointment(item=item, actor=None, appointment=appointment)
    return after_intake(item)
