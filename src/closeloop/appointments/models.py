"""Appointments imported from the practice's EHR (FHIR R4 or a CSV export).

The EHR owns the schedule: rows here are upserted by the EHR's id and never edited by hand,
except the pre-visit telehealth checklist and a staff decision on a doubtful patient match.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from closeloop.patients.models import Patient
from closeloop.practices.models import Practice
from closeloop.practices.tenancy import TenantQuerySet


class AppointmentStatus(models.TextChoices):
    """FHIR R4 ``Appointment.status`` codes; CSV imports use the same vocabulary."""

    PROPOSED = "proposed", "Proposed"
    PENDING = "pending", "Pending"
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    CHECKED_IN = "checked-in", "Checked in"
    WAITLIST = "waitlist", "Waitlist"
    FULFILLED = "fulfilled", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    NOSHOW = "noshow", "No-show"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"


#: The visit is still going to happen (or is happening).
ACTIVE_STATUSES: tuple[str, ...] = (
    AppointmentStatus.PROPOSED,
    AppointmentStatus.PENDING,
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.WAITLIST,
)


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    TELEHEALTH = "telehealth", "Telehealth"


class Source(models.TextChoices):
    FHIR = "fhir", "FHIR"
    CSV = "csv", "CSV"


class Match(models.TextChoices):
    MATCHED = "matched", "Matched"
    CREATED = "created", "New patient created"
    DOUBTFUL = "doubtful", "Needs staff to confirm the patient"
    STAFF = "staff", "Confirmed by staff"


class ConfirmedHow(models.TextChoices):
    TEXT = "text", "Text reply"
    EMAIL = "email", "Email reply"
    STAFF = "staff", "Staff (by phone)"


class AppointmentQuerySet(TenantQuerySet["Appointment"]):
    def active(self) -> AppointmentQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)


class Appointment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="appointments")
    source = models.CharField(max_length=10, choices=Source.choices)
    #: The EHR's id (FHIR ``Appointment.id`` or the CSV's appointment id column).
    external_id = models.CharField(max_length=64)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    match = models.CharField(max_length=10, choices=Match.choices)
    #: What the EHR said about the patient (identifiers, name, birth date, phones) when the
    #: match was doubtful: staff decide from it, and a "new patient" is created from it.
    patient_details = models.JSONField(default=dict, blank=True)
    patient_candidates = models.JSONField(default=list, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=AppointmentStatus.choices)
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    #: Service or appointment type as the EHR names it (e.g. "Follow-up", "Video visit").
    kind = models.CharField(max_length=200, blank=True)
    #: Hash of everything imported: an unchanged re-import writes nothing.
    fingerprint = models.CharField(max_length=64)
    #: The FHIR server the visit's data was last read from, as a fingerprint of its base URL
    #: (``appointments.client.server_fingerprint``); "" for CSV and FHIR files (origin not
    #: known). A confirmation is written back only to this server, and only while it is still
    #: the practice's (``outreach.writeback.judge``).
    fhir_server = models.CharField(max_length=64, blank=True, default="")
    imported_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    # The pre-visit telehealth checklist.
    link_sent_at = models.DateTimeField(null=True, blank=True)
    link_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device_test_offered_at = models.DateTimeField(null=True, blank=True)
    device_test_offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: When the pre-visit check comes due (start minus the practice's hours), and when the
    #: sweep handled it (its claim).
    check_due_at = models.DateTimeField(null=True, blank=True)
    check_reminded_at = models.DateTimeField(null=True, blank=True)

    #: Outreach (``closeloop.outreach``): when the patient was asked to confirm the visit, and
    #: when and how they did. Kept by Closeloop (the EHR's status is not changed by an import);
    #: written back to the EHR when the practice's FHIR server allows it.
    confirmation_asked_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_how = models.CharField(max_length=10, choices=ConfirmedHow.choices, blank=True)
    #: The confirmation was accepted by the practice's FHIR server (participant status).
    confirmation_written_back_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["start", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["practice", "source", "external_id"], name="appointment_once_per_source"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["practice", "start"], name="appointment_practice_start_idx"),
            models.Index(fields=["patient", "start"], name="appointment_patient_start_idx"),
            models.Index(
                fields=["check_reminded_at", "mode", "check_due_at"],
                name="appointment_check_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind or 'Appointment'} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_telehealth(self) -> bool:
        return self.mode == Mode.TELEHEALTH

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def check_complete(self) -> bool:
        return self.link_sent_at is not None and self.device_test_offered_at is not None
