"""Outreach before a visit: each practice's plan (what is sent, when), and one delivery row per
(visit, purpose, scheduled time) — the truth about what was sent. The row's unique key is what
makes two workers, or a restart, send once; a visit that moves gets new keys (the old ones are
no longer due, and one still waiting is cancelled when it would leave)."""

from __future__ import annotations

from datetime import time
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from closeloop.appointments.models import Appointment
from closeloop.messaging.models import ConsentChannel, MessagePurpose
from closeloop.practices.models import Practice


class PlanMode(models.TextChoices):
    ANY = "any", "Every visit"
    IN_PERSON = "in_person", "In-person visits"
    TELEHEALTH = "telehealth", "Video visits"


class OutreachPlan(models.Model):
    """What a practice sends before a visit of one appointment type (``kind``, as the EHR names
    it; empty: every type without a plan of its own) and mode."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="outreach_plans")
    kind = models.CharField("appointment type", max_length=200, blank=True)
    mode = models.CharField(max_length=12, choices=PlanMode.choices, default=PlanMode.ANY)
    active = models.BooleanField(default=True)
    #: The confirmation request goes this many days before the visit (0: none).
    confirm_days = models.PositiveSmallIntegerField(
        "confirmation, days before", default=2, validators=[MaxValueValidator(14)]
    )
    reminder = models.BooleanField("reminder the day before", default=True)
    #: Sent when the patient's intake forms are missing (an open new-patient intake item).
    forms_days = models.PositiveSmallIntegerField(
        "intake-forms reminder, days before (0: none)",
        default=3,
        validators=[MaxValueValidator(14)],
    )
    #: Video visits: the link and the device test this many hours before (0: none).
    video_hours = models.PositiveSmallIntegerField(
        "video setup reminder, hours before (0: none)", default=24,
        validators=[MaxValueValidator(72)],
    )  # fmt: skip
    #: The local time of day day-based messages go out (the practice's time zone).
    send_at = models.TimeField("send at (local time)", default=time(10, 0))
    #: Links the patient opens (never fetched by Closeloop).
    video_link = models.URLField("video visit link", blank=True)
    device_test_link = models.URLField("device test link", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["practice", "kind", "mode"], name="one_outreach_plan_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"outreach plan {self.kind or 'every type'} ({self.mode})"

    def clean(self) -> None:
        if self.video_hours and self.mode != PlanMode.IN_PERSON:
            missing = {
                name: "A video setup reminder needs this link."
                for name in ("video_link", "device_test_link")
                if not getattr(self, name)
            }
            if missing:
                raise ValidationError(missing)
        if self.confirm_days < 0 or self.video_hours < 0:
            raise ValidationError("Days and hours before the visit are not negative.")


class SendState(models.TextChoices):
    QUEUED = "queued", "Queued"
    HELD = "held", "Held for quiet hours"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    #: Judged again when it would have left and no longer right: never sent.
    CANCELLED = "cancelled", "Not sent"
    #: Written as history (the demo's past): never sent.
    RECORDED = "recorded", "Recorded as history (never sent)"


class SkipReason(models.TextChoices):
    """Why an outreach message was not sent (stable codes)."""

    VISIT_CANCELLED = "visit_cancelled", "The visit was cancelled"
    VISIT_MOVED = "visit_moved", "The visit moved (the new time has its own messages)"
    VISIT_STARTED = "visit_started", "The visit has started or passed"
    ALREADY_CONFIRMED = "already_confirmed", "The patient already confirmed"
    FORMS_DONE = "forms_done", "The intake forms are no longer missing"
    NO_CONTACT = "no_contact", "No number or email we may use"
    NO_TEMPLATE = "no_template", "No template in the patient's language"
    PLAN_CHANGED = "plan_changed", "The outreach plan no longer sends it"


class OutreachSend(models.Model):
    """One outreach message for one visit. Unique per (visit, purpose, scheduled time)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="outreach_sends"
    )
    purpose = models.CharField(max_length=20, choices=MessagePurpose.choices)
    #: When the plan said it goes (UTC): part of the key, so a moved visit re-times.
    scheduled_for = models.DateTimeField()
    #: The visit's start the message was written for.
    visit_start = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices, blank=True)
    to = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=3, default="en")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=SendState.choices, default=SendState.QUEUED)
    send_after = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=255, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    skip_code = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["appointment", "purpose", "scheduled_for"], name="outreach_send_once"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "send_after"], name="outreach_due_idx"),
            models.Index(fields=["practice", "channel", "to", "sent_at"], name="outreach_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} for visit #{self.appointment_id} ({self.state})"


class WriteBackState(models.TextChoices):
    QUEUED = "queued", "Waiting to be written"
    SENDING = "sending", "Being written"
    WRITTEN = "written", "Written to the EHR"
    #: The EHR refused (no write access, no such appointment) or kept failing: never retried.
    FAILED = "failed", "Failed"
    #: Judged again when it would have been written and no longer right: never written.
    SKIPPED = "skipped", "Not written"


class WriteBack(models.Model):
    """One write of a visit's confirmation to the practice's FHIR server: the patient
    participant's status on the EHR's Appointment. Unique per (visit, the visit's start it was
    confirmed for, status): a second worker, a retry or a repeated confirmation finds it
    written and leaves it; a visit that moved is confirmed, and written, anew."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="write_backs"
    )
    visit_start = models.DateTimeField()
    #: The FHIR ``Appointment.participant.status`` written (``accepted``).
    participant_status = models.CharField(max_length=20)
    state = models.CharField(
        max_length=12, choices=WriteBackState.choices, default=WriteBackState.QUEUED
    )
    send_after = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: The server's answer to the last attempt (None: no answer — a timeout, a refused address).
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    written_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["appointment", "visit_start", "participant_status"],
                name="write_back_once",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "send_after"], name="write_back_due_idx"),
            models.Index(fields=["practice", "last_attempt_at"], name="write_back_last_idx"),
        ]

    def __str__(self) -> str:
        return f"write-back {self.participant_status} for visit #{self.appointment_id}"
