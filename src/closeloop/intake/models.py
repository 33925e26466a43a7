from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from closeloop.core.secrets_at_rest import SealedBinaryField
from closeloop.practices.models import Practice
from closeloop.support_queue.models import SupportItem


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


#: Twilio accepts at most 5 MB of media in a message: one picture is never more.
MAX_BYTES = 5 * 1024 * 1024
#: Twilio delivers at most ten media per message; an email may carry more, refused past it.
MAX_FILES = 10
#: Why a file was not kept: stable codes, and the words the timeline shows.
REFUSALS = {
    "type": "not a picture or a PDF",
    "too_large": f"larger than {MAX_BYTES // (1024 * 1024)} MB",
    "too_many": f"more than {MAX_FILES} files in one message",
    "empty": "empty",
    "not_twilio": "its address is not the practice's Twilio account",
    "fetch_failed": "it could not be fetched from the phone company",
}


class FileSource(models.TextChoices):
    MMS = "mms", "Picture message (MMS)"
    EMAIL = "email", "Email attachment"
    DEMO = "demo", "Demo"


class FileState(models.TextChoices):
    #: An MMS picture waiting to be fetched from the provider.
    PENDING = "pending", "Waiting to be fetched"
    SENDING = "sending", "Being fetched"  # ``core.claims.SENDING``: a worker holds the lease
    STORED = "stored", "Stored"
    REFUSED = "refused", "Not accepted"
    #: Retention removed the bytes (the row stays: the timeline refers to it).
    PURGED = "purged", "Removed after the retention period"


class Attachment(models.Model):
    """A picture or PDF a patient sent about an item, kept encrypted at rest beside it.

    The bytes are a Fernet token in the database (``core.secrets_at_rest``'s keys and rotation); the
    page serves them only to people who may read the item, and each view is audited.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(SupportItem, on_delete=models.PROTECT, related_name="files")
    inbound = models.ForeignKey(
        InboundMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    source = models.CharField(max_length=10, choices=FileSource.choices)
    #: Its position in the message (MMS ``MediaUrl<N>``, the email's Nth part): the retry key.
    position = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=FileState.choices, default=FileState.PENDING)
    #: Where the provider keeps an MMS picture until we fetch it (cleared once fetched).
    source_url = models.URLField(max_length=500, blank=True)
    #: What the sender said it was, and what its bytes are (only the latter is trusted).
    declared_type = models.CharField(max_length=100, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    #: The bytes: plain in Python, a Fernet token in the database (``core.secrets_at_rest``).
    data = SealedBinaryField(null=True, blank=True, editable=False)
    #: Why it was not kept (a stable code: ``intake.attachments.REFUSALS``).
    refused = models.CharField(max_length=30, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    fetch_after = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["inbound", "position"], name="attachment_once")
        ]
        indexes: ClassVar = [
            models.Index(
                fields=["fetch_after"],
                name="attachment_pending_idx",
                condition=models.Q(state__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"file {self.pk} on #{self.item_id}"

    @property
    def refused_reason(self) -> str:
        return REFUSALS.get(self.refused, self.refused)

    @property
    def is_image(self) -> bool:
        return self.state == FileState.STORED and self.content_type.startswith("image/")
