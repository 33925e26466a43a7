"""Patients' consent to be contacted by channel. Carriers treat a STOP per phone number, so
text-message consent is kept per practice and number (unknown callers and shared family
numbers included); each change is kept, newest last."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from closeloop.lib import placeholders
from closeloop.practices.models import Practice


class ConsentChannel(models.TextChoices):
    SMS = "sms", "Text messages"
    EMAIL = "email", "Email"


class ConsentChange(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    #: E.164 number for SMS, lower-case address for email.
    address = models.CharField(max_length=254)
    opted_in = models.BooleanField()
    #: What said so: "inbound_sms", "unsubscribe_link", "staff".
    source = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["practice", "channel", "address", "at"], name="consent_lookup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.channel} {'in' if self.opted_in else 'out'} at {self.at:%Y-%m-%d}"


class MessagePurpose(models.TextChoices):
    RECEIVED = "received", "We received your message"
    CHECKING = "checking", "What we are checking"
    PENDING_UPDATE = "pending_update", "Pending update"
    CLOSURE = "closure", "Next step / closure"
    REVIEW_REQUEST = "review_request", "Review request"
    CALLBACK_MISSED = "callback_missed", "We tried to reach you"
    EMERGENCY = "emergency", "If this is an emergency (urgent symptoms reported)"
    CLOSURE_QUESTION = "closure_question", "Did we resolve your request? (after closing)"
    MISSED_CALL = "missed_call", "Sorry we missed your call (text-back, office open)"
    MISSED_CALL_CLOSED = "missed_call_closed", "Sorry we missed your call (text-back, closed)"
    #: Outreach before a visit (``closeloop.outreach``): about an appointment, not an item.
    VISIT_CONFIRM = "visit_confirm", "Visit confirmation (reply to confirm or change)"
    VISIT_REMINDER = "visit_reminder", "Visit reminder (the day before)"
    FORMS_REMINDER = "forms_reminder", "Intake forms reminder"
    VIDEO_SETUP = "video_setup", "Video visit setup (link and device test)"
    #: The answer to a reply asking to reschedule or cancel a visit: when we call.
    VISIT_CALLBACK = "visit_callback", "We will call you about your visit"
    FREE = "free", "Written by staff"


#: The purposes written about a visit (rendered from the appointment by ``closeloop.outreach``,
#: never from an item).
VISIT_PURPOSES = frozenset(
    {
        MessagePurpose.VISIT_CONFIRM,
        MessagePurpose.VISIT_REMINDER,
        MessagePurpose.FORMS_REMINDER,
        MessagePurpose.VIDEO_SETUP,
    }
)


class StaffPurpose(models.TextChoices):
    """The purposes staff send by hand ("we tried to reach you" goes out by itself)."""

    RECEIVED = MessagePurpose.RECEIVED.value, MessagePurpose.RECEIVED.label
    CHECKING = MessagePurpose.CHECKING.value, MessagePurpose.CHECKING.label
    PENDING_UPDATE = MessagePurpose.PENDING_UPDATE.value, MessagePurpose.PENDING_UPDATE.label
    CLOSURE = MessagePurpose.CLOSURE.value, MessagePurpose.CLOSURE.label
    REVIEW_REQUEST = MessagePurpose.REVIEW_REQUEST.value, MessagePurpose.REVIEW_REQUEST.label
    FREE = MessagePurpose.FREE.value, MessagePurpose.FREE.label


#: The facts a template may use. Anything else (the patient's words, what we check, the
#: outcome) could be clinical, so templates naming it are refused.
TEMPLATE_FIELDS = frozenset(
    {
        "first_name", "practice", "update_time", "next_step", "callback_number", "review_link",
        "visit_time", "visit_link", "device_test_link",
    }
)  # fmt: skip
#: Purposes whose text must carry a field: a closure states the next step; the others that
#: promise an update state its time (the tracked promise).
REQUIRED_FIELDS: dict[str, str] = {
    "closure": "next_step",
    "received": "update_time",
    "checking": "update_time",
    "pending_update": "update_time",
    "missed_call": "update_time",
    "missed_call_closed": "update_time",
    "review_request": "review_link",
    "visit_callback": "update_time",
    "visit_confirm": "visit_time",
    "visit_reminder": "visit_time",
    "forms_reminder": "visit_time",
    "video_setup": "visit_link",
}


def validate_template_fields(body: str) -> None:
    try:
        names = placeholders.names(body)
    except placeholders.PlaceholderError as exc:
        raise ValidationError(f"template is malformed: {exc}") from None
    unknown = sorted(names - TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError(
            f"templates may only use {', '.join(sorted(TEMPLATE_FIELDS))}; "
            f"not {', '.join(unknown)} (it could carry clinical details)"
        )


class MessageTemplate(models.Model):
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="message_templates"
    )
    #: Empty: used for every category that has no template of its own.
    category = models.ForeignKey(
        "practices.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=20, choices=MessagePurpose.choices)
    language = models.CharField(max_length=3)
    subject = models.CharField(max_length=200, validators=[validate_template_fields])
    body = models.TextField(validators=[validate_template_fields])

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["practice", "category", "purpose", "language"], name="one_template_per_use"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.language})"

    def clean(self) -> None:
        required = REQUIRED_FIELDS.get(self.purpose)
        if required and "{" + required + "}" not in self.body:
            what = self.get_purpose_display().lower()
            raise ValidationError({"body": f"A {what} message must state {{{required}}}."})


class MessageState(models.TextChoices):
    HELD = "held", "Held for quiet hours"
    #: Never sent as it is: its words are not in the patient's language, or the language
    #: lacks what it needs (``messaging.language``); the owner was alerted with the reason.
    NEEDS_OWNER = "needs_owner", "Held for the owner to fix"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    #: Judged again right before it would have left, and no longer true, allowed or fresh:
    #: never sent (``cancel_code`` says why; the item's timeline too).
    CANCELLED = "cancelled", "Cancelled before it was sent"
    #: Written as history (a backfill, an import, the demo's past weeks): never sent.
    RECORDED = "recorded", "Recorded as history (never sent)"


class CancelReason(models.TextChoices):
    """Why a queued message was cancelled right before it would have left (stable codes)."""

    CONSENT_WITHDRAWN = "consent_withdrawn", "The patient opted out of this channel since"
    ITEM_RESOLVED = "item_resolved", "The request was resolved before it could be sent"
    ITEM_REOPENED = "item_reopened", "The request was reopened before it could be sent"
    ITEM_MERGED = "item_merged", "The request was merged into another before it could be sent"
    PROMISE_CHANGED = "promise_changed", "The update time it states is no longer the promise"
    PROMISE_PASSED = "promise_passed", "The update time it states has passed"
    NEXT_STEP_CHANGED = "next_step_changed", "The next step it states has changed"
    STALE = "stale", "Too old to send"
    CLINICAL_ITEM = "clinical_item", "Clinical items are never followed by a review request"
    OPEN_COMPLAINT = "open_complaint", "The patient has an open complaint (it is resolved first)"


class OutboundMessage(models.Model):
    """One message to a patient. The row is the truth; the task only triggers the send."""

    item = models.ForeignKey(
        "support_queue.SupportItem", on_delete=models.PROTECT, related_name="messages"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    purpose = models.CharField(max_length=20, choices=MessagePurpose.choices)
    #: The patient's language the message is written in (checked again when it leaves).
    language = models.CharField(max_length=3, default="en")
    #: The words staff wrote into it (a next step, an edited body), one per line: checked
    #: again when it leaves for the patient's language and third-person shorthand.
    staff_words = models.TextField(blank=True)
    state = models.CharField(
        max_length=12, choices=MessageState.choices, default=MessageState.QUEUED
    )
    send_after = models.DateTimeField(default=timezone.now)
    #: The provider's id (Twilio MessageSid, or the email Message-ID) for status callbacks.
    provider_id = models.CharField(max_length=255, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: The update time the message quoted (it became the item's promise), and the promise it
    #: replaced: a message that is not delivered keeps no promise.
    promised_update_at = models.DateTimeField(null=True, blank=True)
    promise_before = models.DateTimeField(null=True, blank=True)
    #: The message was the item's first response (an undelivered one is not).
    first_response = models.BooleanField(default=False)
    #: When the failure was recorded on the item (once).
    failure_recorded_at = models.DateTimeField(null=True, blank=True)
    #: What made the text true when it was written: the item's status and version right after
    #: the message was recorded on it (``sendtime`` reads what happened since).
    item_status = models.CharField(max_length=20, blank=True)
    item_version = models.PositiveIntegerField(null=True, blank=True)
    #: Cancelled right before it would have left: why, and when.
    cancel_code = models.CharField(max_length=20, choices=CancelReason.choices, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["state", "send_after"], name="message_due_idx")]

    def __str__(self) -> str:
        return f"{self.channel} to item #{self.item_id} ({self.state})"


class ReviewDecision(models.TextChoices):
    """Why a review request was sent or withheld. Never a reason that reads how the patient
    feels (docs/messages.md); the two old ones stay readable on historical rows."""

    SENT = "sent", "Sent"
    NOT_RESOLVED = "not_resolved", "The request is not resolved"
    NO_REVIEW_LINK = "no_review_link", "The practice has no review link"
    CLINICAL_ITEM = "clinical_item", "Clinical items are never followed by a review request"
    OPEN_COMPLAINT = "open_complaint", "The patient has an open complaint"
    TOO_SOON = "too_soon", "A review request was sent to this patient recently"
    OPTED_OUT = "opted_out", "The patient opted out of every channel we have"
    NO_PATIENT = "no_patient", "The caller is not a known patient"
    CANCELLED = "cancelled", "Decided, then cancelled before it was sent (the message says why)"
    #: No longer decided (selecting by the patient's answer is review gating); kept so that
    #: decisions recorded before are still readable.
    NOT_CONFIRMED = "not_confirmed", "Old rule, removed: the patient had not confirmed it"
    NOT_YES = "not_yes", "Old rule, removed (review gating): the patient had not answered Yes"


class ReviewRequest(models.Model):
    """Every decision about asking for a review, sent or withheld, with its reason."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        "support_queue.SupportItem", on_delete=models.CASCADE, related_name="review_requests"
    )
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_requests",
    )
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    message = models.ForeignKey(
        OutboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["patient", "decision", "created_at"], name="review_patient_idx"),
            models.Index(fields=["practice", "created_at"], name="review_practice_idx"),
        ]

    def __str__(self) -> str:
        return f"review request for item #{self.item_id}: {self.decision}"


class StatusLink(models.Model):
    """A patient's private link to one item's status page (``/s/<token>``). Only the token's
    SHA-256 is stored; a link works until it expires, is revoked, or a few days after the item
    was resolved. Failed date-of-birth checks count per patient (``BirthDateLock``)."""

    item = models.ForeignKey(
        "support_queue.SupportItem", on_delete=models.CASCADE, related_name="status_links"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"status link for item #{self.item_id}"


class BirthDateLock(models.Model):
    """A patient's failed date-of-birth checks on their status pages, across all their links
    (every text about an open item mints a new one): after ``status_links.MAX_FAILED_CHECKS`` in a
    row, none of their links takes a reply until ``locked_until``."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="birth_date_lock"
    )
    failed = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"date-of-birth checks of patient #{self.patient_id}"


class RecoveryAnswer(models.TextChoices):
    YES = "yes", "Yes, resolved"
    NO = "no", "No, not resolved"


class RecoveryCheck(models.Model):
    """The one question after a resolution the patient confirmed: "Did we resolve your
    request?" Who owned it, on which team and category, is kept as it was at resolution (the
    metric counts recoveries confirmed by patients per category, team and person)."""

    item = models.ForeignKey(
        "support_queue.SupportItem", on_delete=models.CASCADE, related_name="recovery_checks"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("practices.Category", on_delete=models.PROTECT, related_name="+")
    team = models.CharField(max_length=20)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        OutboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=3, choices=RecoveryAnswer.choices, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    #: How the answer came: a text reply, or the status page.
    answered_by = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["practice", "answered_at"], name="recovery_practice_idx")
        ]

    def __str__(self) -> str:
        return f"recovery check for item #{self.item_id}: {self.answer or 'unanswered'}"
