from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from closeloop.lib.phones import display_phone
from closeloop.practices.models import Practice, validate_phone
from closeloop.practices.tenancy import TenantQuerySet

#: The oldest birth date taken as real; anything earlier (0001-01-01) is a typo.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def validate_birth_date(value: date | None) -> None:
    """A birth date between 1900 and today (a day's grace for time zones)."""
    if value is None:
        return
    if value < EARLIEST_BIRTH_DATE or value > timezone.now().date() + timedelta(days=1):
        raise ValidationError(
            "Enter a date of birth between 1900-01-01 and today.", code="birth_date_range"
        )


class PatientQuerySet(TenantQuerySet["Patient"]):
    pass


class Patient(models.Model):
    """A patient of one practice. Phone numbers are E.164 (see ``closeloop.lib.phones``)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True, validators=[validate_birth_date])
    phone = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    alt_phone = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=3, default="en")
    mrn = models.CharField("MRN", max_length=64, blank=True)
    external_ids = models.JSONField(default=dict, blank=True)
    #: The EHR's id for this patient (FHIR ``Patient.id``): imports match on it first.
    ehr_id = models.CharField("EHR patient id", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["last_name", "first_name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["practice", "mrn"],
                condition=~models.Q(mrn=""),
                name="patient_mrn_unique_per_practice",
            ),
            models.UniqueConstraint(
                fields=["practice", "ehr_id"],
                condition=~models.Q(ehr_id=""),
                name="patient_ehr_id_unique_per_practice",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["practice", "phone"], name="patient_phone_idx"),
            models.Index(fields=["practice", "alt_phone"], name="patient_alt_phone_idx"),
            models.Index(fields=["practice", "last_name", "first_name"], name="patient_name_idx"),
            models.Index(fields=["practice", "date_of_birth"], name="patient_dob_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)
