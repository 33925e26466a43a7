"""Support items and their append-only timeline.

Status changes only through ``closeloop.support_queue.lifecycle``; nothing else assigns ``status``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from closeloop.patients.models import Patient
from closeloop.practices.choices import Channel, Team, Urgency
from closeloop.practices.defaults import COMPLAINT_CATEGORY
from closeloop.practices.models import Category, Practice, validate_phone
from closeloop.practices.tenancy import TenantQuerySet


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES: tuple[str, ...] = (
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.WAITING,
)


class WaitingOn(models.TextChoices):
    PATIENT = "patient", "Patient"
    OTHER_OFFICE = "other_office", "Another office"
    INSURER = "insurer", "Insurer"
    PROVIDER = "provider", "Provider"


class ContactOutcome(models.TextChoices):
    """What came of a call. The first two reach the patient (a contact); the rest are
    attempts, which keep nothing: the promise stands and the next attempt comes due."""

    REACHED = "reached", "Reached the patient"
    VOICEMAIL_LEFT = "voicemail_left", "Left a voicemail with the update"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    VOICEMAIL_NO_DETAILS = "voicemail_no_details", "Left a voicemail asking to call back"


class ContactResult(models.TextChoices):
    """The outcomes of a contact (the patient heard from us): a subset of ``ContactOutcome``."""

    REACHED = ContactOutcome.REACHED.value, ContactOutcome.REACHED.label
    VOICEMAIL_LEFT = ContactOutcome.VOICEMAIL_LEFT.value, ContactOutcome.VOICEMAIL_LEFT.label


class AttemptResult(models.TextChoices):
    """The outcomes of a call attempt (not reached): the rest of ``ContactOutcome``."""

    NO_ANSWER = ContactOutcome.NO_ANSWER.value, ContactOutcome.NO_ANSWER.label
    WRONG_NUMBER = ContactOutcome.WRONG_NUMBER.value, ContactOutcome.WRONG_NUMBER.label
    VOICEMAIL_NO_DETAILS = (
        ContactOutcome.VOICEMAIL_NO_DETAILS.value,
        ContactOutcome.VOICEMAIL_NO_DETAILS.label,
    )


CONTACT_OUTCOMES = frozenset(ContactResult.values)
ATTEMPT_OUTCOMES = frozenset(AttemptResult.values)


class ReceiptHow(models.TextChoices):
    """How the patient learned that their request was received (the first response)."""

    CALL = "call", "Phone call"
    IN_PERSON = "in_person", "In person"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    VOICEMAIL = "voicemail", "Voicemail left"
    AUTOMATIC = "automatic", "Automatic reply"


class Direction(models.TextChoices):
    INBOUND = "inbound", "Patient contacted us"
    OUTBOUND = "outbound", "We contacted the patient"


class EventCode(models.TextChoices):
    """Stable timeline codes. Labels may be translated; codes never change."""

    CREATED = "item.created", "Item created"
    ACKNOWLEDGED = "item.acknowledged", "Receipt confirmed"
    NOTE = "item.note", "Note"
    CONTACT = "item.contact", "Contact"
    UPDATE_WINDOW = "item.update_window", "Plan and update time set"
    ASSIGNED = "item.assigned", "Routed"
    STARTED = "item.started", "Work started"
    WAITING = "item.waiting", "Waiting"
    ESCALATED = "item.escalated", "Escalated"
    RESOLVED = "item.resolved", "Resolved"
    CLOSED = "item.closed", "Closed"
    REOPENED = "item.reopened", "Reopened"
    MERGED = "item.merged", "Merged"
    HANDED_OFF = "item.handed_off", "Handed off"
    HANDOFF_ACCEPTED = "item.handoff_accepted", "Handoff accepted"
    HANDOFF_LATE = "item.handoff_late", "Handoff not accepted in time"
    ATTEMPT = "item.attempt", "Call attempt"
    ATTEMPT_DUE = "item.attempt_due", "Next call attempt due"
    ATTEMPTS_EXHAUSTED = "item.attempts_exhausted", "Call attempts used up"
    MESSAGE_FAILED = "item.message_failed", "Message not delivered"
    MESSAGE_CANCELLED = "item.message_cancelled", "Message cancelled before it was sent"
    LOOP_REPAIRED = "item.loop_repaired", "No next deadline: due now"
    REPEAT_CONTACT = "item.repeat_contact", "Patient contacted us again"
    PATIENT_LINKED = "item.patient_linked", "Patient identified"
    RED_FLAG = "item.red_flag", "Urgent symptoms reported"
    STAFF_ALERTED = "item.staff_alerted", "Clinicians alerted"
    CATEGORIZED = "item.categorized", "Category changed"
    MESSAGE_SENT = "item.message", "Message to the patient"
    PROMISE_BROKEN = "item.promise_broken", "Promised update time passed without contact"
    PROMISE_ESCALATED = "item.promise_escalated", "Broken promise escalated"
    FIRST_RESPONSE_LATE = "item.first_response_late", "First response target passed"
    RESOLUTION_LATE = "item.resolution_late", "Resolution target passed"
    APPOINTMENT_LINKED = "item.appointment_linked", "Linked to an appointment"
    APPOINTMENT_UNLINKED = "item.appointment_unlinked", "Unlinked from the appointment"
    APPOINTMENT_CHANGED = "item.appointment_changed", "The appointment changed"
    BEFORE_APPOINTMENT = "item.before_appointment", "Still open shortly before the appointment"
    REQUEST_ASKED = "item.request", "Request to a colleague"
    REQUEST_ANSWERED = "item.request_answered", "Request answered"
    REQUEST_ESCALATED = "item.request_escalated", "Request not answered in time"
    STATUS_LINKS_REVOKED = "item.status_links_revoked", "Status links turned off"
    FILE_RECEIVED = "item.file", "File received from the patient"
    FILE_REFUSED = "item.file_refused", "File from the patient not kept"
    CHECKLIST_STEP = "item.checklist_step", "Checklist step answered"


#: Items whose details and work belong to clinical staff: urgent symptoms, the clinical team,
#: or a clinical category. The one definition, as a query (``SupportItem.is_clinical`` below
#: is the same rule on one row).
CLINICAL = (
    models.Q(red_flag=True)
    | models.Q(team=Team.CLINICAL)
    | models.Q(category__default_team=Team.CLINICAL)
)
#: Complaints: the category practices keep under the complaint code.
COMPLAINT = models.Q(category__code=COMPLAINT_CATEGORY)


#: How a repeat contact reads on the timeline (and as the reason an item reopens), by channel.
CONTACTED_AGAIN: dict[str, str] = {
    Channel.PHONE: "The patient called again.",
    Channel.VOICEMAIL: "The patient left a voicemail again.",
    Channel.SMS: "The patient texted again.",
    Channel.EMAIL: "The patient emailed again.",
    Channel.WEB_FORM: "The patient wrote again.",
    Channel.PORTAL: "The patient wrote again.",
    Channel.IN_PERSON: "The patient came in again.",
}


def contacted_again(channel: str) -> str:
    return CONTACTED_AGAIN.get(channel, "The patient contacted us again.")


class SupportItemQuerySet(TenantQuerySet["SupportItem"]):
    def open(self) -> SupportItemQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def clinical(self) -> SupportItemQuerySet:
        return self.filter(CLINICAL)

    def complaints(self) -> SupportItemQuerySet:
        return self.filter(COMPLAINT)


class SupportItem(models.Model):
    """One patient need, from first contact until the loop is closed."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="items")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    #: Patients an inbound number or address matched when it matched more than one: staff pick.
    patient_candidates = models.JSONField(default=list, blank=True)
    caller_name = models.CharField(max_length=200, blank=True)
    callback_number = models.CharField(max_length=20, blank=True, validators=[validate_phone])
    #: Reply address of a sender who is not (yet) a known patient.
    contact_email = models.EmailField(blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    language = models.CharField(max_length=3, default="en")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_items",
    )
    team = models.CharField(max_length=20, choices=Team.choices)
    #: The team the item was filed to (routing at intake included): a complaint filed to the
    #: supervisors is theirs from the start, not escalated to them later.
    intake_team = models.CharField(max_length=20, choices=Team.choices, blank=True)

    summary = models.CharField("what the patient needs", max_length=300)
    details = models.TextField(blank=True)
    checking = models.TextField("what we are checking", blank=True)
    next_step = models.TextField(blank=True)
    next_step_changed_at = models.DateTimeField(null=True, blank=True)
    #: When a logged contact told the patient the current next step.
    next_step_given_at = models.DateTimeField(null=True, blank=True)
    waiting_on = models.CharField(max_length=20, choices=WaitingOn.choices, blank=True)

    promised_update_at = models.DateTimeField(null=True, blank=True)
    #: When a broken promise goes to a supervisor: the promise plus the practice's grace period
    #: in business time, computed when the promise is made so the sweep is a range scan.
    promise_escalate_at = models.DateTimeField(null=True, blank=True)
    # Deadline work already done for the current promise / targets (the sweep's claims).
    promise_reminded_at = models.DateTimeField(null=True, blank=True)
    promise_escalated_at = models.DateTimeField(null=True, blank=True)
    first_response_alerted_at = models.DateTimeField(null=True, blank=True)
    resolution_alerted_at = models.DateTimeField(null=True, blank=True)
    #: Waiting on another office, an insurer or a provider stops the resolution clock (not the
    #: patient's update clock) from this moment.
    resolution_paused_at = models.DateTimeField(null=True, blank=True)
    #: How receipt was confirmed: the first response's way (a call, a text…) once a person
    #: responded; "automatic" while only the practice's automatic reply did.
    acknowledged_how = models.CharField(max_length=12, choices=ReceiptHow.choices, blank=True)
    #: When an automatic reply ("we got your message") confirmed receipt. Reported beside the
    #: first response, never as it: the first-response deadline stays open for a person.
    auto_replied_at = models.DateTimeField(null=True, blank=True)
    # A handoff to a named owner: accepted by them, or escalated when the deadline passes.
    handed_off_at = models.DateTimeField(null=True, blank=True)
    handed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handoff_due_at = models.DateTimeField(null=True, blank=True)
    handoff_escalated_at = models.DateTimeField(null=True, blank=True)
    # Call attempts that did not reach the patient since the last contact, and the next one.
    callback_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_due_at = models.DateTimeField(null=True, blank=True)
    attempt_handled_at = models.DateTimeField(null=True, blank=True)
    #: The "we tried to reach you" text went out after the attempts were used up.
    attempt_text_sent_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField()
    first_response_due_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    #: Business minutes from first contact to first response (set with ``first_response_at``).
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    #: The same wait on the clock the patient lives by (nights and weekends included).
    first_response_wall_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_due_at = models.DateTimeField()
    last_patient_contact_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    #: Business minutes from first contact to resolution (set with ``resolved_at``).
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_wall_minutes = models.PositiveIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    #: Complaints: what we did to make it right (required to resolve one).
    recovery_action = models.TextField(blank=True)
    #: Complaints: when a supervisor reached the patient (the callback resolution requires).
    supervisor_callback_at = models.DateTimeField(null=True, blank=True)
    #: Staff recorded that the patient confirmed the outcome (reviews may then be requested).
    outcome_confirmed_at = models.DateTimeField(null=True, blank=True)
    #: Free text removed after the organization's retention period (closeloop.security).
    purged_at = models.DateTimeField(null=True, blank=True)

    #: Urgent symptoms were recognised at intake (set by triage); shown on every list.
    red_flag = models.BooleanField(default=False)
    escalated = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField(blank=True)
    repeat_contact_count = models.PositiveIntegerField(default=0)
    #: The item this one was merged into (the same need filed twice); this one is closed.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_items"
    )

    #: The visit this item is about (e.g. a telehealth link that must work before it).
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    #: A telehealth-access item linked to an upcoming appointment is due this long before the
    #: visit (the practice's margin); the sweep escalates it if still open then.
    appointment_due_at = models.DateTimeField(null=True, blank=True)
    appointment_alerted_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    #: Goes up with every timeline event: a form (or an API client's If-Match) that was
    #: loaded at another version is refused with what changed since.
    version = models.PositiveIntegerField(default=1)

    objects = SupportItemQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["practice", "status"], name="item_practice_status_idx"),
            # The queue page: its tab counts and due-first sort read only these columns of the
            # practice's open items, so the index answers them without touching the rows.
            models.Index(
                fields=[
                    "practice",
                    "status",
                    "team",
                    "owner",
                    "escalated",
                    "promised_update_at",
                    "first_response_due_at",
                    "first_response_at",
                    # The clinical tab (``CLINICAL``) and urgent-first order: without these
                    # two, counting the tabs read every open row of the practices.
                    "red_flag",
                    "category",
                ],
                # The row id too, on PostgreSQL (SQLite's indexes always carry it; Django leaves
                # INCLUDE out there): the counts and the page's ids then come from an index-only
                # scan instead of reading ~3,500 heap pages for ten practices (counts 11 → 8–9 ms at
                # 1M, EXPLAIN ANALYZE, 30 Nov; docs/performance.md "At scale").
                include=["id"],
                name="item_queue_covering_idx",
            ),
            models.Index(fields=["owner", "status"], name="item_owner_status_idx"),
            models.Index(fields=["patient", "status"], name="item_patient_status_idx"),
            models.Index(fields=["practice", "created_at"], name="item_practice_created_idx"),
            # The metrics: items first contacted, or resolved, in a date range.
            models.Index(fields=["practice", "first_contact_at"], name="item_practice_contact_idx"),
            models.Index(fields=["practice", "resolved_at"], name="item_practice_resolved_idx"),
            # The deadline sweep's range scans: "not yet handled" (IS NULL) and the open
            # statuses lead, the deadline is the range. Composite rather than partial indexes:
            # SQLite cannot match a partial index's WHERE against bound parameters, so a
            # partial index would be ignored there; these serve SQLite and PostgreSQL alike.
            models.Index(
                fields=["promise_reminded_at", "status", "promised_update_at"],
                name="item_promise_due_idx",
            ),
            models.Index(
                fields=["promise_escalated_at", "status", "promise_escalate_at"],
                name="item_promise_escalate_idx",
            ),
            models.Index(
                fields=[
                    "first_response_alerted_at",
                    "first_response_at",
                    "status",
                    "first_response_due_at",
                ],
                name="item_first_response_due_idx",
            ),
            models.Index(
                fields=[
                    "resolution_alerted_at",
                    "resolution_paused_at",
                    "status",
                    "resolution_due_at",
                ],
                name="item_resolution_due_idx",
            ),
            models.Index(
                fields=["appointment_alerted_at", "status", "appointment_due_at"],
                name="item_appointment_due_idx",
            ),
            models.Index(fields=["purged_at", "status", "closed_at"], name="item_retention_idx"),
            models.Index(
                fields=["handoff_escalated_at", "status", "handoff_due_at"],
                name="item_handoff_due_idx",
            ),
            models.Index(
                fields=["attempt_handled_at", "status", "next_attempt_due_at"],
                name="item_attempt_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_due_at(self) -> Any:
        """The open item's next deadline someone owns: the promised update time, else (a new
        item) when the first response is due. None when resolved or closed."""
        if not self.is_open:
            return None
        if self.promised_update_at is not None:
            return self.promised_update_at
        return self.first_response_due_at if self.first_response_at is None else None

    @property
    def is_clinical(self) -> bool:
        """Clinical staff's item: urgent symptoms, the clinical team or a clinical category
        (the same rule as ``CLINICAL``). Only they see its details and act on it."""
        return bool(self.red_flag or self.team == Team.CLINICAL or self.category.is_clinical)

    @property
    def is_complaint(self) -> bool:
        return self.category.is_complaint

    @property
    def interpreter_needed(self) -> bool:
        """The owner does not speak the patient's language. Never a reason to refuse them
        (``support_queue.eligibility``): the item page and the queue row say so where the owner is
        shown. Derived, not stored, so it follows the owner's languages as they change."""
        if self.owner_id is None:
            return False
        profile = getattr(self.owner, "staff", None)
        return profile is not None and not profile.speaks(self.language)

    def promise_broken(self, now: Any = None) -> bool:
        """The promised update time passed while the item was open."""
        now = now or timezone.now()
        return bool(self.is_open and self.promised_update_at and self.promised_update_at <= now)


class AppendOnlyError(RuntimeError):
    """Timeline rows are never changed or deleted."""


class TimelineQuerySet(TenantQuerySet["TimelineEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("timeline events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("timeline events are append-only")


class TimelineEvent(models.Model):
    """Everything that happened to an item, in order. Values are codes, never labels."""

    item = models.ForeignKey(SupportItem, on_delete=models.PROTECT, related_name="events")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    code = models.CharField(max_length=40, choices=EventCode.choices)
    #: None means the system (the worker), never "unknown".
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    #: The item's version this event made (what changed since version N: events above N).
    version = models.PositiveIntegerField(default=0)

    objects = TimelineQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["item", "at"], name="timeline_item_at_idx"),
            models.Index(fields=["practice", "code", "at"], name="timeline_practice_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} on #{self.item_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("timeline events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("timeline events are append-only")


class AlertKind(models.TextChoices):
    REPEAT_CONTACT = "repeat_contact", "Patient contacted us again"
    RED_FLAG = "red_flag", "Urgent symptoms reported"
    PROMISE_DUE = "promise_due", "Promised update time passed"
    PROMISE_ESCALATED = "promise_escalated", "Broken promise escalated to supervisors"
    FIRST_RESPONSE_LATE = "first_response_late", "First response is late"
    RESOLUTION_LATE = "resolution_late", "Resolution target passed"
    BEFORE_APPOINTMENT = "before_appointment", "Still open shortly before the appointment"
    HANDOFF = "handoff", "An item was handed to you"
    HANDOFF_LATE = "handoff_late", "A handoff was not accepted in time"
    MESSAGE_FAILED = "message_failed", "A message to the patient was not delivered"
    ATTEMPT_DUE = "attempt_due", "Next call attempt due"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted", "Call attempts used up"
    LOOP_OPEN = "loop_open", "An open item had no next deadline"
    ON_CALL = "on_call", "You are on call: urgent symptoms reported"
    SHIFT_HANDOFF = "shift_handoff", "Handed to you at the end of a colleague's shift"
    COVER = "cover", "Handed to you to cover a colleague's absence"
    OWNER_AWAY = "owner_away", "Owner is away with no cover: reassign"
    REQUEST = "request", "A colleague asked you something"
    REQUEST_DUE = "request_due", "A request to you is due"
    REQUEST_ESCALATED = "request_escalated", "A request was not answered in time"
    REQUEST_ANSWERED = "request_answered", "Your request was answered"
    MENTION = "mention", "You were mentioned in a note"
    # About an account, not an item (``StaffAlert.about``): to the person and the org admins.
    PASSWORD_RESET = "password_reset", "Password reset by an admin"
    MFA_RESET = "mfa_reset", "Two-factor sign-in reset by an admin"
    UNLOCKED = "unlocked", "Sign-in unlocked by an admin"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    REACTIVATED = "reactivated", "Account reactivated by an admin"


#: Alerts that never wait for a daily digest.
URGENT_ALERTS = frozenset({AlertKind.RED_FLAG, AlertKind.ON_CALL})
#: Alerts about a person's account (its password, second factor, lockout, email address or
#: reactivation), not an item.
ACCOUNT_ALERTS = frozenset(
    {
        AlertKind.PASSWORD_RESET,
        AlertKind.MFA_RESET,
        AlertKind.UNLOCKED,
        AlertKind.EMAIL_CHANGED,
        AlertKind.REACTIVATED,
    }
)


class StaffAlert(models.Model):
    """Something a person must look at on an item they own — or, for ``ACCOUNT_ALERTS``
    (no item), a change an admin made to an account (``about``): theirs, or a colleague's
    for the organization admins."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    item = models.ForeignKey(
        SupportItem, on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    #: Alerts raised together (a shift handoff of several items) share a batch: shown as one
    #: row and sent as one email.
    batch = models.CharField(max_length=32, blank=True)
    #: Who caused it and what they wrote, when a person did (a handoff note, a request).
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["user", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="alert_unread_idx",
            )
        ]

    def __str__(self) -> str:
        if self.item_id is None:
            return f"{self.kind} about user {self.about_id}"
        return f"{self.kind} on #{self.item_id}"


class RequestQuerySet(TenantQuerySet["ColleagueRequest"]):
    pass


class ColleagueRequest(models.Model):
    """A question or task for a named colleague about an item ("can you confirm the refill was
    sent?"), with its own deadline: reminded when due, escalated to supervisors when not
    answered within the practice's grace, like a promise. Answering notifies the asker."""

    item = models.ForeignKey(SupportItem, on_delete=models.CASCADE, related_name="requests")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests_made"
    )
    asked_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests_received"
    )
    text = models.TextField()
    due_at = models.DateTimeField()
    escalate_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["asked_to", "due_at"],
                condition=models.Q(answered_at__isnull=True),
                name="request_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"request {self.pk} on #{self.item_id}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class ItemPresence(models.Model):
    """Who has an item's page open now: each open page says so every few seconds; a row not
    refreshed for ``PRESENCE_SECONDS`` means the page was closed."""

    item = models.ForeignKey(SupportItem, on_delete=models.CASCADE, related_name="presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "user"], name="presence_item_user_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on #{self.item_id}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class AlertDelivery(models.Model):
    """One email or text about an alert: the record of whether it went out.

    A sender claims it with a lease (``claimed_at`` + ``lease``; ``attempts`` counts claims) and
    marks it ``sent_at`` only after the mail server or SMS provider accepted it, so a worker
    killed mid-send loses nothing: the sweep re-drives a claim that went stale. Delivery is at
    least once: a worker killed between the provider's acceptance and the mark sends it again.
    ``held``: waits for the person's daily digest.
    """

    alert = models.ForeignKey(StaffAlert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    to = models.CharField(max_length=254)
    held = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: Set when it was given up on (too many failed attempts); ``error`` says why.
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["alert", "channel"], name="alert_delivery_once")
        ]
        indexes: ClassVar = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="alert_delivery_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} for alert {self.alert_id}"
