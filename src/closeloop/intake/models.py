from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from closeloop.practices.models import Practice
from closeloop.queue.models import SupportItem


class InboundKind(models.TextChoices):
    TWILIO_RECORDING = "twilio_recording", "Voicemail recording (Twilio)"
    TWILIO_TRANSCRIPTION = "twilio_transcription", "Voicemail transcript (Twilio)"
    TWILIO_SMS = "twilio_sms", "Text message (Twilio)"
    TWILIO_CALL = "twilio_call", "Missed call (Twilio call status)"
    EMAIL = "email", "Email"
    WEB_FORM = "web_form", "Web form"
    STATUS_PAGE = "status_page", "Reply on the status page"
    API = "api", "API"


class InboundMessage(models.Model):
    """One inbound contact exactly once: providers retry, and a retry must change nothing.

    ``external_id`` is the provider's id (RecordingSid, MessageSid, Message-ID, a form's
    submission id); the unique constraint makes the second delivery a no-op.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=InboundKind.choices)
    external_id = models.CharField(max_length=255)
    item = models.ForeignKey(
        SupportItem, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound"
    )
    #: The provider's fields as received (raw message bytes are kept for email, capped).
    payload = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    #: Seconds the caller waited on hold, when the phone system reported it (Twilio's
    #: ``QueueTime``): kept per contact for a hold-time measure.
    hold_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["practice", "kind", "external_id"], name="inbound_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id}"
